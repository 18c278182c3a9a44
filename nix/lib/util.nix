# Small helpers for the Disnix expressions. They avoid nixpkgs' lib on purpose: the expressions must
# work with any nixpkgs a user puts on NIX_PATH, and a few of these must stay fast for thousands of
# services (lib.unique is quadratic).
let
  inherit (builtins) attrNames concatMap concatStringsSep genericClosure listToAttrs typeOf;
in
rec {
  optionalAttrs = cond: set: if cond then set else { };

  genAttrs = names: f: listToAttrs (map (name: { inherit name; value = f name; }) names);

  filterAttrs = pred: set:
    listToAttrs (concatMap (name: let value = set.${name}; in if pred name value then [ { inherit name value; } ] else [ ]) (attrNames set));

  # The elements of a list without repeats, first occurrences in order, compared by `keyOf`.
  uniqueBy = keyOf: list:
    map (entry: entry.value) (genericClosure {
      startSet = map (value: { key = keyOf value; inherit value; }) list;
      operator = _: [ ];
    });

  uniqueStrings = uniqueBy (s: s);

  # What a value is, for messages: "an integer", "a list", "an attribute set", ...
  kindOf = value:
    let type = typeOf value; in
    {
      int = "an integer"; float = "a floating-point number"; bool = "a Boolean"; string = "a string"; path = "a path";
      null = "null"; set = "an attribute set"; list = "a list"; lambda = "a function";
    }.${type} or "a ${type}";

  quoteList = names: concatStringsSep ", " (map (n: "'${n}'") names);
}
