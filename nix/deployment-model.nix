# The deployment model of a normalized architecture (spec §1.8):
# { infrastructure, profiles, services, serviceMappings, snapshotMappings }.
# Service keys are computed here exactly as the original computes them (sha256 of builtins.toXML of
# { name; type; pkg; dependsOn; }), so that upgrades from deployments made by the original keep
# their keys. Each (service, system) key is computed once: a dependency's key is part of its
# dependants' keys, so recomputing it per dependant would be exponential in the depth.
{ normalized, pkgs }:

let
  inherit (builtins) attrNames concatMap filter groupBy hashString listToAttrs mapAttrs removeAttrs stringLength
    substring toXML unsafeDiscardStringContext;
  util = import ./lib/util.nix;
  inherit (util) optionalAttrs;

  inherit (normalized) infrastructure;
  services = normalized.services;
  serviceNames = attrNames services;

  systemOf = target: infrastructure.${target}.system;

  dependencyMappings = params: concatMap (param:
    let reference = params.${param}; in
    map (ref: {
      service = keys.${reference.service}.${systemOf ref.target};
      inherit (ref) target container;
    }) reference.targets) (attrNames params);

  manifestServices = mapAttrs (name: service:
    mapAttrs (system: pkg: {
      inherit (service) name type;
      pkg = pkg.outPath;
      dependsOn = dependencyMappings (service.activatesAfter // service.dependsOn);
      connectsTo = dependencyMappings service.connectsTo;
    } // optionalAttrs (service ? providesContainers) { inherit (service) providesContainers; }
      // optionalAttrs (service ? healthCheckTimeout) { inherit (service) healthCheckTimeout; }
      # Where each secret is on the coordinator, never its content (the targets receive it at
      # activation); only when set, so that other manifests stay byte-identical to the original's.
      // optionalAttrs (service ? secrets && service.secrets != { }) { inherit (service) secrets; }) service.pkgs) services;

  keys = mapAttrs (name: perSystem:
    mapAttrs (system: m: unsafeDiscardStringContext (hashString "sha256" (toXML { inherit (m) name type pkg dependsOn; }))) perSystem)
    manifestServices;

  nonPackageNames = filter (name: services.${name}.type != "package") serviceNames;

  mappingOf = name: ref:
    let system = systemOf ref.target; in
    { service = keys.${name}.${system}; inherit (ref) target container; }
    // optionalAttrs (ref ? containerProvidedByService) { containerProvidedByService = keys.${ref.containerProvidedByService}.${system}; };

  serviceMappings = concatMap (name: map (mappingOf name) services.${name}.targets) nonPackageNames;

  snapshotMappings = concatMap (name:
    map (ref:
      let pkg = manifestServices.${name}.${systemOf ref.target}.pkg; in
      mappingOf name ref // { component = substring 33 (stringLength pkg) (baseNameOf pkg); })
      services.${name}.targets) (filter (name: services.${name}.deployState) nonPackageNames);

  manifestServicesByKey = listToAttrs (concatMap (name:
    map (system: { name = keys.${name}.${system}; value = manifestServices.${name}.${system}; }) (attrNames manifestServices.${name}))
    serviceNames);

  profiles = import ./profiles.nix {
    inherit pkgs;
    inherit (normalized) targetPackages;
    deploymentModel = { services = manifestServicesByKey; inherit serviceMappings snapshotMappings; };
  };
in
{
  inherit infrastructure serviceMappings snapshotMappings;
  services = manifestServicesByKey;
  profiles = mapAttrs (target: profile: profile.outPath) profiles;
}
