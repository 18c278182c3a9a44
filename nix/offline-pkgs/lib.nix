# The subset of nixpkgs' `lib` that Disnix models, examples and our own expressions use. Every
# function has the same name, arguments and result as its nixpkgs counterpart, so a model written
# against this set also evaluates with a real nixpkgs.
let
  inherit (builtins) attrNames concatLists concatStringsSep elem filter foldl' genList getAttr
    hasAttr head isAttrs isList length listToAttrs tail;

  lib = rec {
    inherit (builtins) attrNames attrValues concatLists concatStringsSep elem filter foldl' functionArgs
      genList getAttr hasAttr head intersectAttrs isAttrs isBool isFunction isInt isList isString
      length listToAttrs mapAttrs removeAttrs replaceStrings tail toJSON toString;

    id = x: x;
    const = x: _: x;
    flip = f: a: b: f b a;

    # attrsets
    nameValuePair = name: value: { inherit name value; };
    filterAttrs = pred: set:
      listToAttrs (concatMap (name: let v = set.${name}; in if pred name v then [ (nameValuePair name v) ] else [ ]) (attrNames set));
    genAttrs = names: f: listToAttrs (map (n: nameValuePair n (f n)) names);
    mapAttrsToList = f: attrs: map (name: f name attrs.${name}) (attrNames attrs);
    mapAttrs' = f: set: listToAttrs (map (attr: f attr set.${attr}) (attrNames set));
    attrByPath = attrPath: default: e:
      if attrPath == [ ] then e
      else let attr = head attrPath; in
        if e ? ${attr} then attrByPath (tail attrPath) default e.${attr} else default;
    hasAttrByPath = attrPath: e:
      if attrPath == [ ] then true
      else let attr = head attrPath; in
        if e ? ${attr} then hasAttrByPath (tail attrPath) e.${attr} else false;
    getAttrFromPath = attrPath: set: attrByPath attrPath (throw "cannot find attribute `${concatStringsSep "." attrPath}'") set;
    optionalAttrs = cond: as: if cond then as else { };
    catAttrs = builtins.catAttrs;
    zipAttrsWith = f: sets:
      let names = unique (concatMap attrNames sets); in
      genAttrs names (name: f name (builtins.catAttrs name sets));
    zipAttrs = zipAttrsWith (name: values: values);
    recursiveUpdateUntil = pred: lhs: rhs:
      let f = attrPath: zipAttrsWith (n: values:
        let here = attrPath ++ [ n ]; in
        if length values == 1 || pred here (head (tail values)) (head values)
        then head values
        else f here values);
      in f [ ] [ rhs lhs ];
    recursiveUpdate = recursiveUpdateUntil (path: lhs: rhs: !(isAttrs lhs && isAttrs rhs));
    isDerivation = x: isAttrs x && x ? type && x.type == "derivation";
    collect = pred: attrs:
      if pred attrs then [ attrs ]
      else if isAttrs attrs then concatMap (collect pred) (builtins.attrValues attrs)
      else [ ];
    attrsets = { inherit filterAttrs genAttrs mapAttrsToList recursiveUpdate; };

    # lists
    concatMap = builtins.concatMap;
    optional = cond: elem: if cond then [ elem ] else [ ];
    optionals = cond: elems: if cond then elems else [ ];
    toList = x: if isList x then x else [ x ];
    unique = foldl' (acc: e: if elem e acc then acc else acc ++ [ e ]) [ ];
    flatten = x: if isList x then concatMap flatten x else [ x ];
    foldr = op: nul: list:
      let len = length list; fold' = n: if n == len then nul else op (builtins.elemAt list n) (fold' (n + 1));
      in fold' 0;
    foldl = op: nul: list: foldl' op nul list;
    fold = foldr;
    findFirst = pred: default: list:
      let found = filter pred list; in if found == [ ] then default else head found;
    any = builtins.any;
    all = builtins.all;
    count = pred: list: length (filter pred list);
    range = first: last: if first > last then [ ] else genList (n: first + n) (last - first + 1);
    last = list: builtins.elemAt list (length list - 1);
    init = list: genList (builtins.elemAt list) (length list - 1);
    take = count: list: genList (builtins.elemAt list) (if count < length list then count else length list);
    drop = count: list: let n = length list; in
      if count >= n then [ ] else genList (i: builtins.elemAt list (i + count)) (n - count);
    sublist = start: count: list: take count (drop start list);
    reverseList = list: let n = length list; in genList (i: builtins.elemAt list (n - i - 1)) n;
    imap0 = f: list: genList (n: f n (builtins.elemAt list n)) (length list);
    imap1 = f: list: genList (n: f (n + 1) (builtins.elemAt list n)) (length list);
    partition = builtins.partition;
    groupBy = builtins.groupBy;
    sort = builtins.sort;
    naturalSort = builtins.sort builtins.lessThan;
    zipListsWith = f: fst: snd:
      genList (n: f (builtins.elemAt fst n) (builtins.elemAt snd n))
        (if length fst < length snd then length fst else length snd);
    zipLists = zipListsWith (fst: snd: { inherit fst snd; });
    remove = e: filter (x: x != e);
    subtractLists = e: filter (x: !(elem x e));
    intersectLists = e: filter (x: elem x e);
    lists = { inherit optional optionals unique flatten foldr findFirst; };

    # strings
    concatStrings = builtins.concatStringsSep "";
    concatMapStrings = f: list: concatStrings (map f list);
    concatMapStringsSep = sep: f: list: concatStringsSep sep (map f list);
    concatImapStrings = f: list: concatStrings (imap1 f list);
    concatImapStringsSep = sep: f: list: concatStringsSep sep (imap1 f list);
    optionalString = cond: string: if cond then string else "";
    stringLength = builtins.stringLength;
    substring = builtins.substring;
    hasPrefix = pref: str: builtins.substring 0 (builtins.stringLength pref) str == pref;
    hasSuffix = suffix: content:
      let lenContent = builtins.stringLength content; lenSuffix = builtins.stringLength suffix; in
      lenContent >= lenSuffix && builtins.substring (lenContent - lenSuffix) lenContent content == suffix;
    removePrefix = prefix: str:
      if hasPrefix prefix str then builtins.substring (builtins.stringLength prefix) (builtins.stringLength str) str else str;
    removeSuffix = suffix: str:
      if hasSuffix suffix str then builtins.substring 0 (builtins.stringLength str - builtins.stringLength suffix) str else str;
    splitString = sep: s: filter builtins.isString (builtins.split (escapeRegex sep) s);
    escapeRegex = builtins.replaceStrings
      [ "\\" "[" "{" "(" ")" "^" "$" "?" "*" "+" "|" "." ]
      [ "\\\\" "\\[" "\\{" "\\(" "\\)" "\\^" "\\$" "\\?" "\\*" "\\+" "\\|" "\\." ];
    escapeShellArg = arg: "'${builtins.replaceStrings [ "'" ] [ "'\\''" ] (builtins.toString arg)}'";
    escapeShellArgs = concatMapStringsSep " " escapeShellArg;
    toUpper = builtins.replaceStrings lowerChars upperChars;
    toLower = builtins.replaceStrings upperChars lowerChars;
    lowerChars = [ "a" "b" "c" "d" "e" "f" "g" "h" "i" "j" "k" "l" "m" "n" "o" "p" "q" "r" "s" "t" "u" "v" "w" "x" "y" "z" ];
    upperChars = [ "A" "B" "C" "D" "E" "F" "G" "H" "I" "J" "K" "L" "M" "N" "O" "P" "Q" "R" "S" "T" "U" "V" "W" "X" "Y" "Z" ];
    makeBinPath = concatMapStringsSep ":" (p: "${p}/bin");
    makeSearchPath = subDir: concatMapStringsSep ":" (p: "${p}/${subDir}");
    boolToString = b: if b then "true" else "false";
    fileContents = file: removeSuffix "\n" (builtins.readFile file);
    strings = { inherit concatStrings concatMapStrings concatStringsSep optionalString splitString hasPrefix hasSuffix; };

    # trivial
    max = x: y: if x > y then x else y;
    min = x: y: if x < y then x else y;
    mod = base: int: base - (int * (builtins.div base int));
    warn = msg: builtins.trace "warning: ${msg}";
    assertMsg = pred: msg: pred || builtins.throw msg;
    versionAtLeast = v1: v2: builtins.compareVersions v1 v2 >= 0;
  };
in
lib
