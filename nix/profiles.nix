# One Nix profile per target (spec §1.8): a buildEnv of the target's packages plus a `profilemanifest`
# package holding profilemanifest.xml, the part of the deployment model that concerns this target
# (§2.3), from which a coordinator can reconstruct the deployment.
{ pkgs, targetPackages, deploymentModel }:

let
  inherit (builtins) attrNames elem filter groupBy listToAttrs mapAttrs removeAttrs;
  util = import ./lib/util.nix;
  xml = import ./lib/xml.nix;

  serviceMappingsPerTarget = groupBy (m: m.target) deploymentModel.serviceMappings;
  snapshotMappingsPerTarget = groupBy (m: m.target) deploymentModel.snapshotMappings;

  # Mappings to the target itself leave out the target, as the original's profile manifests do.
  localize = target: map (m: if m.target == target then removeAttrs m [ "target" ] else m);

  profileManifest = target:
    let
      serviceMappings = serviceMappingsPerTarget.${target} or [ ];
      keys = util.uniqueStrings (map (m: m.service) serviceMappings);
    in
    {
      services = listToAttrs (map (key:
        let service = deploymentModel.services.${key}; in
        {
          name = key;
          value = service // {
            dependsOn = localize target (service.dependsOn or [ ]);
            connectsTo = localize target (service.connectsTo or [ ]);
          };
        }) keys);
      serviceMappings = localize target serviceMappings;
      snapshotMappings = localize target (snapshotMappingsPerTarget.${target} or [ ]);
    };
in
mapAttrs (target: packages:
  let
    profileManifestPkg = pkgs.writeTextFile {
      name = "profilemanifest";
      destination = "/profilemanifest.xml";
      text = xml.profileManifest (profileManifest target);
    };
  in
  pkgs.buildEnv {
    name = target;
    paths = [ profileManifestPkg ] ++ packages;
    ignoreCollisions = true;
  }) targetPackages
