# dydisnix-gendist: evaluates a QoS model
#   {services, infrastructure, initialDistribution, previousDistribution, filters, lib}: distribution
# and writes the distribution it returns as a distribution model (`distribution.nix`,
# {infrastructure}: ...) or, with outputXml, as distribution XML (`distribution.xml`).
{ servicesFile
, infrastructureFile
, qosFile ? null
, filtersFile ? null
  # A candidate distribution to start from instead of the cartesian product (dydisnix-filter-buildable's).
, distributionFile ? null
  # The candidate distribution of the last deployment (dydisnix-previous-distribution's), or null.
, previousDistributionFile ? null
, outputXml ? false
, extraParams ? { }
, nixpkgs ? <nixpkgs>
, defaultTargetProperty ? "hostname"
, defaultClientInterface ? "disnix-ssh-client"
  # How to run the executables of this installation in a build (see tools.nix).
, node
, bin
, fingerprint
}:

let
  inherit (builtins) all attrNames concatStringsSep filter functionArgs head intersectAttrs isAttrs isFunction
    isList isString mapAttrs replaceStrings tryEval typeOf;
  pkgs = import nixpkgs { };
  models = import ./models.nix;
  xml = import ./xml.nix;
  tools = import ./tools.nix { inherit node bin fingerprint; };

  servicesLabel = "services model ${toString servicesFile}";
  infrastructureLabel = "infrastructure model ${toString infrastructureFile}";
  qosLabel = "QoS model ${toString qosFile}";

  services = models.services { inherit servicesFile pkgs extraParams; label = servicesLabel; };
  serviceProperties = models.serviceProperties { inherit services; label = servicesLabel; };

  infrastructure =
    let value = import infrastructureFile; in
    if isAttrs value then value
    else throw "${infrastructureLabel}: the infrastructure model must be an attribute set of target machines, but it is a ${typeOf value}";

  initialDistribution =
    if distributionFile == null then models.cartesianProduct { services = serviceProperties; inherit infrastructure; }
    else
      let value = import distributionFile; in
      if isFunction value then models.candidateDistribution { inherit distributionFile infrastructure extraParams defaultTargetProperty; }
      else value;

  previousDistribution = if previousDistributionFile == null then null else import previousDistributionFile;

  # Whether a service's package can be instantiated for a target's system (throw/assert only).
  buildable = serviceName: targetName:
    let
      target = infrastructure.${targetName};
      system = target.system or builtins.currentSystem;
      fun = import servicesFile;
      forSystem = fun ({ distribution = { }; invDistribution = { }; inherit system; pkgs = import nixpkgs { inherit system; }; }
        // intersectAttrs (functionArgs fun) extraParams);
      check =
        let pkg = forSystem.${serviceName}.pkg or null; in
        if pkg == null || isFunction pkg then true else builtins.seq pkg.drvPath true;
      result = tryEval check;
    in
    result.success && result.value;

  referenceFilters = import ./filters.nix {
    inherit tools buildable defaultTargetProperty defaultClientInterface;
    label = qosLabel;
  };

  # A custom catalog adds to (and may replace) the reference filters.
  filters =
    if filtersFile == null then referenceFilters
    else
      let
        label = "filters catalog ${toString filtersFile}";
        fun = import filtersFile;
        custom = if isFunction fun then fun (intersectAttrs (functionArgs fun) { inherit pkgs referenceFilters; }) else null;
      in
      if !isFunction fun then throw "${label}: the filters catalog must be a function {pkgs, referenceFilters}: ..., but it is a ${typeOf fun}"
      else if !isAttrs custom then throw "${label}: the filters catalog must return an attribute set of filter functions, but it returns a ${typeOf custom}"
      else referenceFilters // custom;

  qosArgs = {
    services = serviceProperties;
    inherit infrastructure initialDistribution previousDistribution filters;
    inherit (pkgs) lib;
  };

  result =
    if qosFile == null then initialDistribution
    else
      let fun = import qosFile; in
      if !isFunction fun then throw "${qosLabel}: the QoS model must be a function {services, infrastructure, initialDistribution, previousDistribution, filters, lib}: ..., but it is a ${typeOf fun}"
      else fun (intersectAttrs (functionArgs fun) qosArgs);

  checkEntry = service: entry:
    let name = if isString entry then entry else if isAttrs entry && isString (entry.target or null) then entry.target else null; in
    if name == null then throw "${qosLabel}: attribute `${service}' of the distribution it returns: every target must be a target name or { target = name; container = name; }, but one is a ${typeOf entry}"
    else if !(infrastructure ? ${name}) then throw "${qosLabel}: attribute `${service}' of the distribution it returns: target '${name}' is not in the ${infrastructureLabel}"
    else entry;

  distribution =
    if !isAttrs result then throw "${qosLabel}: the QoS model must return a distribution (an attribute set of service name to a list of target names), but it returns a ${typeOf result}"
    else mapAttrs (service: targets:
      if !(serviceProperties ? ${service}) then throw "${qosLabel}: attribute `${service}' of the distribution it returns: there is no service '${service}' in the ${servicesLabel}"
      else if !isList targets then throw "${qosLabel}: attribute `${service}' of the distribution it returns must be a list of target names, but it is a ${typeOf targets}"
      else map (checkEntry service) targets) result;

  quote = s: "\"" + replaceStrings [ "\\" "\"" "\${" "\n" ] [ "\\\\" "\\\"" "\\\${" "\\n" ] s + "\"";

  targetRef = entry: "infrastructure.${quote (if isString entry then entry else entry.target)}";

  containerEntry = entry:
    "{ target = ${targetRef entry};${if isAttrs entry && entry ? container then " container = ${quote entry.container};" else ""} }";

  mappingExpr = targets:
    if all isString targets then "[ ${concatStringsSep " " (map targetRef targets)} ]"
    else "{ targets = [ ${concatStringsSep " " (map containerEntry targets)} ]; }";

  nixText = "{infrastructure}:\n\n{\n"
    + concatStringsSep "" (map (s: "  ${quote s} = ${mappingExpr distribution.${s}};\n") (attrNames distribution))
    + "}\n";
in
if outputXml then tools.writeText "distribution.xml" (xml.distribution distribution)
else tools.writeText "distribution.nix" nixText
