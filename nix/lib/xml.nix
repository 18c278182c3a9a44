# Printers for the XML formats of spec §2 (manifest v2, profile manifest, infrastructure,
# distributed derivation), written in Nix so that no XSLT processor is needed. The element layout
# follows the original's stylesheets: section order, a `type` annotation on every typed value
# (NixXML verbose, §2.1), mapping children in sorted attribute order, and every service and target
# carrying all of its elements even when empty. Indentation is two spaces per level.
let
  inherit (builtins) attrNames concatStringsSep filter isAttrs isBool isFloat isFunction isInt isList
    isPath isString match replaceStrings toXML;

  concatMapStrings = f: list: concatStringsSep "" (map f list);

  escape = replaceStrings [ "&" "<" ">" "\"" "'" ] [ "&amp;" "&lt;" "&gt;" "&quot;" "&apos;" ];

  isDerivation = v: isAttrs v && (v.type or null) == "derivation";

  # Floats are printed as builtins.toXML prints them (the original's XML came from toXML).
  floatText = v: builtins.head (match ".*<float value=\"([^\"]*)\".*" (toXML v));

  # Values that the typed-value format cannot represent are left out, as the original's stylesheet
  # drops them (it emits elements without a type, which every reader rejects).
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

  # One typed element: <tag attrs type="T">...</tag>, nested values one level deeper.
  typedElement = indent: tag: nameAttr: v:
    let
      t = typeOf v;
      open = "${indent}<${tag}${nameAttr} type=\"${t}\"";
      children =
        if t == "list" then map (typedElement "${indent}  " "elem" "") (filter isPrintable v)
        else map (n: typedElement "${indent}  " "property" " name=\"${escape n}\"" v.${n})
          (filter (n: isPrintable v.${n}) (attrNames v));
    in
    if t == "list" || t == "attrs" then
      (if children == [ ] then "${open}/>\n" else "${open}>\n${concatStringsSep "" children}${indent}</${tag}>\n")
    else "${open}>${escape (scalarText v)}</${tag}>\n";

  simpleElement = indent: tag: value: "${indent}<${tag}>${escape (scalarText value)}</${tag}>\n";

  sectionOf = indent: tag: items:
    if items == [ ] then "${indent}<${tag}/>\n"
    else "${indent}<${tag}>\n${concatStringsSep "" items}${indent}</${tag}>\n";

  # A mapping with one child per attribute, in sorted order, on one line.
  mapping = indent: m:
    "${indent}<mapping>${concatMapStrings (n: "<${n}>${escape (scalarText m.${n})}</${n}>") (filter (n: isPrintable m.${n}) (attrNames m))}</mapping>\n";

  mappings = indent: tag: list: sectionOf indent tag (map (mapping "${indent}  ") (filter isAttrs list));

  containersOf = indent: tag: attrs:
    sectionOf indent tag (map (n: typedElement "${indent}  " "container" " name=\"${escape n}\"" attrs.${n})
      (filter (n: isPrintable attrs.${n}) (attrNames attrs)));

  service = indent: hash: s:
    let i = "${indent}  "; in
    "${indent}<service name=\"${escape hash}\">\n"
    + simpleElement i "name" (s.name or "")
    + simpleElement i "pkg" (s.pkg or "")
    + simpleElement i "type" (s.type or "")
    + mappings i "dependsOn" (s.dependsOn or [ ])
    + mappings i "connectsTo" (s.connectsTo or [ ])
    + containersOf i "providesContainers" (s.providesContainers or { })
    + "${indent}</service>\n";

  services = indent: set: sectionOf indent "services" (map (h: service "${indent}  " h set.${h}) (attrNames set));

  target = indent: name: t:
    let i = "${indent}  "; in
    "${indent}<target name=\"${escape name}\">\n"
    + typedElement i "properties" "" (t.properties or { })
    + containersOf i "containers" (t.containers or { })
    + simpleElement i "system" (t.system or "")
    + simpleElement i "numOfCores" (t.numOfCores or "")
    + simpleElement i "clientInterface" (t.clientInterface or "")
    + simpleElement i "targetProperty" (t.targetProperty or "")
    + "${indent}</target>\n";

  targets = indent: infrastructure: map (n: target indent n infrastructure.${n}) (attrNames infrastructure);

  header = "<?xml version=\"1.0\"?>\n";
in
{
  inherit escape typedElement;

  /* The manifest (version 2) of a deployment model { profiles, services, infrastructure,
     serviceMappings, snapshotMappings } (spec §2.2). */
  manifest = model:
    header
    + "<manifest version=\"2\">\n"
    + sectionOf "  " "profiles" (map (n: "    <profile name=\"${escape n}\">${escape (scalarText model.profiles.${n})}</profile>\n")
      (attrNames (model.profiles or { })))
    + services "  " (model.services or { })
    + sectionOf "  " "infrastructure" (targets "    " (model.infrastructure or { }))
    + mappings "  " "serviceMappings" (model.serviceMappings or [ ])
    + mappings "  " "snapshotMappings" (model.snapshotMappings or [ ])
    + "</manifest>\n";

  /* The profile manifest of one target { services, serviceMappings, snapshotMappings } (§2.3). */
  profileManifest = model:
    header
    + "<profilemanifest version=\"2\">\n"
    + services "  " (model.services or { })
    + mappings "  " "serviceMappings" (model.serviceMappings or [ ])
    + mappings "  " "snapshotMappings" (model.snapshotMappings or [ ])
    + "</profilemanifest>\n";

  /* The infrastructure XML of a normalized infrastructure (§2.4). */
  infrastructure = infrastructure:
    header
    + "<infrastructure version=\"2\">\n"
    + concatStringsSep "" (targets "  " infrastructure)
    + "</infrastructure>\n";

  /* The distributed derivation of a build model { derivationMappings, interfaces } (§2.5). */
  distributedDerivation = model:
    let ifaces = model.interfaces or { }; in
    header
    + "<distributedderivation version=\"2\">\n"
    + mappings "  " "derivationMappings" (model.derivationMappings or [ ])
    + sectionOf "  " "interfaces" (map (n:
        "    <interface name=\"${escape n}\">"
        + "<targetAddress>${escape (scalarText (ifaces.${n}.targetAddress or ""))}</targetAddress>"
        + "<clientInterface>${escape (scalarText (ifaces.${n}.clientInterface or ""))}</clientInterface>"
        + "</interface>\n") (attrNames ifaces))
    + "</distributedderivation>\n";
}
