# The naming rule for services, targets and containers (docs/basic-usage.md, "Names"): letters,
# digits and `_ - . +`, starting with a letter, digit or `_`. Names become file names on the targets
# (container configurations, snapshot directories), store path names (target profiles), Nix attribute
# names in generated models and command-line arguments, so a name must never be able to address
# another place (`/`, `..`), start an option (`-`) or need quoting. The same rule is in
# packages/libmain/src/names.ts; a test keeps the two equal.
let
  inherit (builtins) isString match substring toJSON;
in
rec {
  rule = "a name consists of letters, digits and the characters _ - . + and starts with a letter, a digit or _";

  isValidName = name: isString name && match "[A-Za-z0-9_][A-Za-z0-9_.+-]*" name != null;

  # A module type: a module name (the rule above) or an absolute path to a module (or to a package
  # holding one) without `.` or `..` components. `package` is a name too.
  isValidType = type: isString type && (isValidName type
    || (substring 0 1 type == "/" && match "(.*/)?\\.\\.?(/.*)?" type == null));

  typeRule = "a type is a Dysnomia module name (${rule}) or an absolute path to a module";

  # "'a;b' is not a valid name: ..." with the offending name quoted as Nix would write it.
  invalidName = what: name: "${what} ${toJSON name} is not a valid name: ${rule}";

  # Checks a name and returns it, or throws with `about` (model file and place) in front.
  checkName = about: what: name:
    if isValidName name then name else throw "${about}: ${invalidName what name}";
}
