# Wraps the basic models (services, infrastructure, distribution and packages) into one deployment
# architecture function { pkgs, system } -> { services, infrastructure, targetPackages } (spec §1.3).
# Every service gets `targets` from the distribution model (or [] when it is not distributed).
{ servicesFun ? null, infrastructure, distributionFun ? null, packagesFun ? null, extraParams ? { }, where }:

{ pkgs, system }:

let
  inherit (builtins) attrNames elem filter functionArgs head intersectAttrs isAttrs isFunction isList mapAttrs;
  util = import ./lib/util.nix;
  inherit (util) kindOf;

  callModel = kind: fun: args:
    if isFunction fun then fun (args // intersectAttrs (functionArgs fun) extraParams)
    else throw "${where.${kind}}: the ${kind} model must be a function, but it is ${kindOf fun}";

  distribution =
    if distributionFun == null then { }
    else
      let result = callModel "distribution" distributionFun { inherit infrastructure; }; in
      if isAttrs result then result
      else throw "${where.distribution}: the distribution model must return an attribute set of service name to targets, but it returns ${kindOf result}";

  # A target is in a mapping when it is structurally equal to one of the mapping's targets.
  mappedTargets = name: mapping:
    if isList mapping then mapping
    else if isAttrs mapping && mapping ? targets && isList mapping.targets then map (entry: entry.target or null) mapping.targets
    else throw "${where.distribution}: the mapping of service '${name}' must be a list of targets or { targets = [ { target = ...; container = ...; } ]; }";

  invDistribution = mapAttrs (targetName: target:
    target // {
      services = util.filterAttrs (name: service: distribution ? ${name} && elem target (mappedTargets name distribution.${name})) services;
    }) infrastructure;

  services =
    if servicesFun == null then { }
    else
      let result = callModel "services" servicesFun { inherit pkgs system distribution invDistribution; }; in
      if isAttrs result then result
      else throw "${where.services}: the services model must return an attribute set of services, but it returns ${kindOf result}";

  unknownServices = filter (name: !(services ? ${name})) (attrNames distribution);

  servicesWithTargets =
    if unknownServices != [ ]
    then throw "${where.distribution}: the distribution model contains a mapping of service '${head unknownServices}', which is not in the services model ${where.servicesFile}"
    else mapAttrs (name: service:
      if isAttrs service && !(service ? targets)
      then service // { targets = if distribution ? ${name} then checkMapping name distribution.${name} else [ ]; }
      else service) services;

  # The mapping of a service in the distribution model, checked here so that a wrong one is reported
  # against the distribution model rather than the services model that receives it.
  checkMapping = name: mapping:
    if isList mapping || (isAttrs mapping && isList (mapping.targets or null)) then mapping
    else throw "${where.distribution}: the mapping of service '${name}' must be a list of targets or { targets = [ { target = ...; container = ...; } ]; }, but it is ${kindOf mapping}";

  targetPackages =
    if packagesFun == null then { }
    else
      let result = callModel "packages" packagesFun { inherit pkgs system; }; in
      if isAttrs result then result
      else throw "${where.packages}: the packages model must return an attribute set of target name to a list of packages, but it returns ${kindOf result}";
in
{
  services = servicesWithTargets;
  inherit infrastructure targetPackages;
}
