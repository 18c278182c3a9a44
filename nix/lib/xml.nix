# Printers for the XML formats of spec §2 (manifest v2, profile manifest, infrastructure, distributed
# derivation), written in Nix so that no XSLT processor is needed. They print byte for byte what the
# original writes with xsltproc (its stylesheets applied to builtins.toXML output), so that manifests
# and target profiles made by either tool are interchangeable (docs/moving-from-disnix.md):
#   `<?xml version="1.0"?>`, an empty line, two spaces, the whole document on one line, two newlines;
#   an element without content as `<name/>`; in text `&`, `<`, `>` escaped; in attribute values also
#   `"`, newlines, tabs and every non-ASCII character (`&#xE9;`) escaped, as libxml2 writes them.
# Deliberate differences (docs/differences.md): a carriage return is written as `&#13;` and a tab is
# kept (toXML's attribute values turned both into spaces in the original), null and function values
# are left out and paths are typed "path" (the original wrote elements without a type, which its own
# reader rejects), and a package as a value is its output path (the original failed).
let
  inherit (builtins) attrNames concatStringsSep elemAt filter foldl' fromJSON genList head isAttrs isBool
    isFloat isFunction isInt isList isPath isString length listToAttrs match replaceStrings stringLength
    substring toXML;

  concatMapStrings = f: list: concatStringsSep "" (map f list);

  escapeText = replaceStrings [ "&" "<" ">" "\r" ] [ "&amp;" "&lt;" "&gt;" "&#13;" ];

  escapeAttributeAscii = replaceStrings [ "&" "<" ">" "\"" "\n" "\r" "\t" ] [ "&amp;" "&lt;" "&gt;" "&quot;" "&#10;" "&#13;" "&#9;" ];

  # Attribute values: ASCII-only strings (nearly all) take the fast path; others are decoded from
  # UTF-8 byte by byte, each non-ASCII character becoming a hexadecimal character reference.
  escapeAttribute = s:
    if match "[\t\n\r -~]*" s != null then escapeAttributeAscii s
    else
      let
        step = state: byte:
          let value = byteValues.${byte} or null; in
          if value == null then
            state // { out = state.out + escapeAttributeAscii byte; }
          else if value >= 192 then
            # A lead byte: the number of bytes of the character and the bits it carries.
            let size = if value >= 240 then 4 else if value >= 224 then 3 else 2; in
            state // { pending = size - 1; codePoint = value - (if size == 4 then 240 else if size == 3 then 224 else 192); }
          else
            let
              codePoint = state.codePoint * 64 + value - 128;
              pending = state.pending - 1;
            in
            if pending == 0 then state // { inherit pending; codePoint = 0; out = state.out + "&#x${hex codePoint};"; }
            else state // { inherit pending codePoint; };
      in
      (foldl' step { out = ""; pending = 0; codePoint = 0; } (genList (i: substring i 1 s) (stringLength s))).out;

  # The bytes 0x80-0xF4 as one-byte strings, with their values: continuation bytes are the second
  # byte of U+0080-U+00BF, lead bytes the first byte of a character of each length.
  byteValues =
    let
      utf8 = codePoint: fromJSON "\"\\u${hex4 codePoint}\"";
      continuation = genList (i: { name = substring 1 1 (utf8 (128 + i)); value = 128 + i; }) 64;
      twoByteLeads = genList (i: { name = substring 0 1 (utf8 ((2 + i) * 64)); value = 194 + i; }) 30;
      threeByteLeads = genList (i: { name = substring 0 1 (utf8 (if i == 0 then 2048 else i * 4096)); value = 224 + i; }) 16;
      # Characters above U+FFFF come from JSON surrogate pairs; the lead byte is 0xF0 + the plane / 4.
      fourByteLeads = genList (i:
        let codePoint = if i == 0 then 65536 else i * 262144; in
        { name = substring 0 1 (fromJSON "\"\\u${hex4 (55296 + (codePoint - 65536) / 1024)}\\udc00\""); value = 240 + i; }) 5;
    in
    listToAttrs (continuation ++ twoByteLeads ++ threeByteLeads ++ fourByteLeads);

  hexDigits = [ "0" "1" "2" "3" "4" "5" "6" "7" "8" "9" "A" "B" "C" "D" "E" "F" ];
  hex = n: (if n >= 16 then hex (n / 16) else "") + elemAt hexDigits (n - (n / 16) * 16);
  hex4 = n: let h = hex n; in substring 0 (4 - stringLength h) "0000" + h;

  isDerivation = v: isAttrs v && (v.type or null) == "derivation";

  # Floats are printed as builtins.toXML prints them (the original's XML came from toXML).
  floatText = v: head (match ".*<float value=\"([^\"]*)\".*" (toXML v));

  isPrintable = v: !(v == null || isFunction v);

  typeOf = v:
    if isString v || isDerivation v then "string"
    else if isInt v then "int"
    else if isFloat v then "float"
    else if isBool v then "bool"
    else if isPath v then "path"
    else if isList v then "list"
    else "attrs";

  scalarText = v:
    if isString v then v
    else if isDerivation v then v.outPath
    else if isBool v then (if v then "true" else "false")
    else if isFloat v then floatText v
    else toString v;

  # <tag ATTRS>CONTENT</tag>, or <tag ATTRS/> when there is no content.
  element = tag: attributes: content:
    let attrs = concatMapStrings (a: " ${a.name}=\"${escapeAttribute a.value}\"") attributes; in
    if content == "" then "<${tag}${attrs}/>" else "<${tag}${attrs}>${content}</${tag}>";

  textElement = tag: value: element tag [ ] (escapeText (scalarText value));

  # A typed value (NixXML verbose, spec §2.1) as the element `tag` with `attributes` before `type`.
  typedElement = tag: attributes: v:
    let t = typeOf v; in
    element tag (attributes ++ [ { name = "type"; value = t; } ])
      (if t == "list" then concatMapStrings (typedElement "elem" [ ]) (filter isPrintable v)
       else if t == "attrs" then concatMapStrings (n: typedElement "property" [ { name = "name"; value = n; } ] v.${n}) (filter (n: isPrintable v.${n}) (attrNames v))
       else escapeText (scalarText v));

  # A mapping: one child per attribute, in sorted order.
  mapping = m: element "mapping" [ ] (concatMapStrings (n: textElement n m.${n}) (filter (n: isPrintable m.${n}) (attrNames m)));

  mappings = tag: list: element tag [ ] (concatMapStrings mapping (filter isAttrs list));

  named = name: [ { name = "name"; value = name; } ];

  containersOf = tag: attrs:
    element tag [ ] (concatMapStrings (n: typedElement "container" (named n) attrs.${n}) (filter (n: isPrintable attrs.${n}) (attrNames attrs)));

  service = hash: s: element "service" (named hash) (
    textElement "name" (s.name or "")
    + textElement "pkg" (s.pkg or "")
    + textElement "type" (s.type or "")
    + mappings "dependsOn" (s.dependsOn or [ ])
    + mappings "connectsTo" (s.connectsTo or [ ])
    + containersOf "providesContainers" (s.providesContainers or { })
    # Only when the services model sets it, so that other manifests stay byte-identical to the original's.
    + (if s ? healthCheckTimeout then textElement "healthCheckTimeout" s.healthCheckTimeout else "")
    + (if s ? secrets then secretsElement s.secrets else ""));

  # <secrets><secret name="N"><file>…</file><owner>…</owner><group>…</group></secret>…</secrets>:
  # where each secret is on the coordinator, never its content.
  secretsElement = secrets: element "secrets" [ ] (concatMapStrings (n:
    let secret = secrets.${n}; in
    element "secret" (named n) (
      textElement "file" secret.file
      + (if secret ? owner then textElement "owner" secret.owner else "")
      + (if secret ? group then textElement "group" secret.group else ""))) (attrNames secrets));

  services = set: element "services" [ ] (concatMapStrings (h: service h set.${h}) (attrNames set));

  target = name: t: element "target" (named name) (
    typedElement "properties" [ ] (t.properties or { })
    + containersOf "containers" (t.containers or { })
    + textElement "system" (t.system or "")
    + textElement "numOfCores" (t.numOfCores or "")
    + textElement "clientInterface" (t.clientInterface or "")
    + textElement "targetProperty" (t.targetProperty or ""));

  targets = infrastructure: concatMapStrings (n: target n infrastructure.${n}) (attrNames infrastructure);

  # What xsltproc writes around the stylesheet's result: the declaration, then the whitespace that
  # surrounds the value in toXML's output (`<expr>\n  <attrs>…</attrs>\n</expr>`), then a newline.
  document = body: "<?xml version=\"1.0\"?>\n\n  ${body}\n\n";
in
{
  inherit escapeText escapeAttribute typedElement;

  /* The manifest (version 2) of a deployment model { profiles, services, infrastructure,
     serviceMappings, snapshotMappings } (spec §2.2). */
  manifest = model: document (element "manifest" [ { name = "version"; value = "2"; } ] (
    element "profiles" [ ] (concatMapStrings (n: element "profile" (named n) (escapeText (scalarText model.profiles.${n})))
      (attrNames (model.profiles or { })))
    + services (model.services or { })
    + element "infrastructure" [ ] (targets (model.infrastructure or { }))
    + mappings "serviceMappings" (model.serviceMappings or [ ])
    + mappings "snapshotMappings" (model.snapshotMappings or [ ])));

  /* The profile manifest of one target { services, serviceMappings, snapshotMappings } (§2.3). */
  profileManifest = model: document (element "profilemanifest" [ { name = "version"; value = "2"; } ] (
    services (model.services or { })
    + mappings "serviceMappings" (model.serviceMappings or [ ])
    + mappings "snapshotMappings" (model.snapshotMappings or [ ])));

  /* The infrastructure XML of a normalized infrastructure (§2.4). */
  infrastructure = infrastructure: document (element "infrastructure" [ { name = "version"; value = "2"; } ] (targets infrastructure));

  /* The distributed derivation of a build model { derivationMappings, interfaces } (§2.5). */
  distributedDerivation = model:
    let ifaces = model.interfaces or { }; in
    document (element "distributedderivation" [ { name = "version"; value = "2"; } ] (
      element "derivationMappings" [ ] (concatMapStrings (m:
        element "mapping" [ ] (textElement "derivation" (m.derivation or "") + textElement "interface" (m.interface or "")))
        (filter isAttrs (model.derivationMappings or [ ])))
      + element "interfaces" [ ] (concatMapStrings (n:
        element "interface" (named n) (
          textElement "targetAddress" (ifaces.${n}.targetAddress or "")
          + textElement "clientInterface" (ifaces.${n}.clientInterface or "")))
        (attrNames ifaces))));
}
