# Reading the Disnix models the way Dynamic Disnix needs them: services as plain properties (no
# `pkg`, so nothing gets built; dependencies as lists of service names) and distribution models as
# candidate distributions (service name -> list of target names). Errors name the model file and the
# service or attribute.
let
  inherit (builtins) attrNames functionArgs intersectAttrs isAttrs isFunction isList isString listToAttrs
    mapAttrs removeAttrs typeOf;
  inherit (import ../lib/models.nix) checkExtraParams;
in
rec {
  /* The services model evaluated as the original does for planning: distribution and
     invDistribution are empty, system is the coordinator's. */
  services = { servicesFile, pkgs, extraParams ? { }, label ? "services model ${toString servicesFile}" }:
    let
      fun = import servicesFile;
      result =
        if !isFunction fun then throw "${label}: the services model must be a function, but it is a ${typeOf fun}"
        else fun ({ distribution = { }; invDistribution = { }; system = builtins.currentSystem; inherit pkgs; }
          // intersectAttrs (functionArgs fun) (checkExtraParams extraParams));
    in
    if !isAttrs result then throw "${label}: the services model must return an attribute set of services, but it returns a ${typeOf result}"
    else mapAttrs (name: service:
      if !isAttrs service then throw "${label}: service '${name}' must be an attribute set, but it is a ${typeOf service}"
      else service) result;

  /* Services without `pkg`, with dependsOn and connectsTo as lists of the names of the services
     they refer to (the original's filterDerivations). */
  serviceProperties = { services, label }:
    mapAttrs (name: service:
      let
        names = kind:
          let deps = service.${kind} or { }; in
          if !isAttrs deps then throw "${label}: service '${name}': `${kind}' must be an attribute set of parameter name to service"
          else map (param:
            let dep = deps.${param}; in
            if isAttrs dep && dep ? name then dep.name
            else throw "${label}: service '${name}': ${kind}.${param} must be a service of the services model") (attrNames deps);
      in
      removeAttrs service [ "pkg" ] // { dependsOn = names "dependsOn"; connectsTo = names "connectsTo"; }) services;

  /* Every service mapped to every target, in sorted target order (the initial candidate distribution). */
  cartesianProduct = { services, infrastructure }:
    mapAttrs (name: service: attrNames infrastructure) services;

  /* A distribution model ({infrastructure}: service -> targets) as a candidate distribution of target
     names. Targets are recognised by their address property, as the original does. */
  candidateDistribution = { distributionFile, infrastructure, extraParams ? { }, defaultTargetProperty ? "hostname", label ? "distribution model ${toString distributionFile}" }:
    let
      fun = import distributionFile;
      distribution =
        if !isFunction fun then throw "${label}: the distribution model must be a function {infrastructure}: ..., but it is a ${typeOf fun}"
        else fun ({ inherit infrastructure; } // intersectAttrs (functionArgs fun) (checkExtraParams extraParams));
      propertyOf = target: target.targetProperty or defaultTargetProperty;
      keyOf = target: if isAttrs target && isAttrs (target.properties or null) && target.properties ? ${propertyOf target}
        then toString target.properties.${propertyOf target} else null;
      aliases = listToAttrs (map (n: { name = toString (keyOf infrastructure.${n}); value = n; }) (attrNames infrastructure));
      nameOf = service: target:
        if isString target && infrastructure ? ${target} then target
        else
          let key = keyOf target; in
          if key != null && aliases ? ${key} then aliases.${key}
          else throw "${label}: service '${service}' is mapped to a target that is not in the infrastructure model";
    in
    if !isAttrs distribution then throw "${label}: the distribution model must return an attribute set of service name to targets, but it returns a ${typeOf distribution}"
    else mapAttrs (service: mapping:
      if isList mapping then map (nameOf service) mapping
      else if isAttrs mapping && isList (mapping.targets or null) then
        map (entry: { target = nameOf service (entry.target or null); } // (if entry ? container then { inherit (entry) container; } else { })) mapping.targets
      else throw "${label}: the mapping of service '${service}' must be a list of targets or { targets = [ ... ]; }") distribution;
}
