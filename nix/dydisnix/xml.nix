# XML printers for the inputs of the Dynamic Disnix executables (dydisnix-divide, -minsetcover,
# -multiwaycut, -graphcol, -id-assign with --xml), written in Nix so that no XSLT processor is needed.
# The layouts are those of the original's stylesheets:
#   services      <services><service name=".."><property name="dependsOn"><dependency>b</dependency>
#                 </property><property name="connectsTo"/><property name="type" type="string">..
#   distribution  <distribution><service name=".."><mapping><target>t</target>[<container>c</container>]
#                 </mapping></service></distribution>
#   infrastructure the infrastructure XML of Disnix (../lib/xml.nix), after normalization
let
  inherit (builtins) attrNames concatStringsSep filter isAttrs isBool isFloat isFunction isInt isList
    isPath isString match replaceStrings toXML unsafeDiscardStringContext;
  disnixXml = import ../lib/xml.nix;

  # These inputs are read by our own XML readers, not compared with the original's bytes, so they
  # keep a readable indented layout (the manifest printers of ../lib/xml.nix follow xsltproc's).
  escape = replaceStrings [ "&" "<" ">" "\"" "'" "\r" ] [ "&amp;" "&lt;" "&gt;" "&quot;" "&apos;" "&#13;" ];

  isDerivation = v: isAttrs v && (v.type or null) == "derivation";
  floatText = v: builtins.head (match ".*<float value=\"([^\"]*)\".*" (toXML v));
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

  # One typed value (NixXML verbose) as <tag attrs type="T">…</tag>, nested values one level deeper.
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
    else "${open}>${escape (unsafeDiscardStringContext (scalarText v))}</${tag}>\n";

  text = value: escape (unsafeDiscardStringContext (toString value));

  header = "<?xml version=\"1.0\"?>\n";

  dependencies = name: list:
    if list == [ ] then "    <property name=\"${name}\"/>\n"
    else "    <property name=\"${name}\">\n${concatStringsSep "" (map (d: "      <dependency>${text d}</dependency>\n") list)}    </property>\n";

  # Every property but the two dependency lists as a typed value; values XML cannot carry (functions,
  # null) are left out by typedElement's caller, as in the Disnix printers.
  isPrintable = v: !(v == null || isFunction v);

  service = name: s:
    "  <service name=\"${escape name}\">\n"
    + dependencies "dependsOn" (s.dependsOn or [ ])
    + dependencies "connectsTo" (s.connectsTo or [ ])
    + concatStringsSep "" (map (p: typedElement "    " "property" " name=\"${escape p}\"" s.${p})
        (builtins.filter (p: p != "dependsOn" && p != "connectsTo" && isPrintable s.${p}) (attrNames s)))
    + "  </service>\n";

  mapping = m:
    if isString m then "    <mapping><target>${text m}</target></mapping>\n"
    else "    <mapping><target>${text m.target}</target>${if m ? container && m.container != null then "<container>${text m.container}</container>" else ""}</mapping>\n";
in
{
  /* Services whose properties have no `pkg` and whose dependsOn/connectsTo are lists of names
     (see services.nix, serviceProperties). */
  services = services:
    header + "<services>\n" + concatStringsSep "" (map (n: service n services.${n}) (attrNames services)) + "</services>\n";

  /* A candidate distribution: service name -> list of target names or { target; container; }. */
  distribution = distribution:
    header + "<distribution>\n"
    + concatStringsSep "" (map (n:
        let targets = distribution.${n}; in
        if targets == [ ] then "  <service name=\"${escape n}\"/>\n"
        else "  <service name=\"${escape n}\">\n${concatStringsSep "" (map mapping targets)}  </service>\n") (attrNames distribution))
    + "</distribution>\n";

  /* A normalized infrastructure (../normalize-infrastructure.nix). */
  infrastructure = infrastructure: unsafeDiscardStringContext (disnixXml.infrastructure infrastructure);

  /* An ID resources model: resource -> { min; max; scope; step; }. */
  idResources = resources:
    header + "<resources>\n"
    + concatStringsSep "" (map (n:
        let r = resources.${n}; in
        "  <resource name=\"${escape n}\">"
        + "<min>${text (r.min or 0)}</min><max>${text (r.max or 0)}</max>"
        + "<scope>${text (r.scope or "global")}</scope><step>${text (r.step or 1)}</step></resource>\n") (attrNames resources))
    + "</resources>\n";
}
