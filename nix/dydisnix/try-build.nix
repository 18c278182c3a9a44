# dydisnix-filter-buildable: instantiates the package of one service for one target (its `system`),
# through the same model pipeline as disnix-manifest, so that every evaluation error counts.
{ servicesFile
, infrastructureFile
, distributionFile
, serviceName
, targetName
, defaultTargetProperty ? "hostname"
, defaultClientInterface ? "disnix-ssh-client"
, extraParams ? { }
, nixpkgs ? <nixpkgs>
}:

let
  fromModels = (import ../lib/models.nix).fromModels { inherit servicesFile infrastructureFile distributionFile extraParams; };
  normalized = import ../normalize-architecture.nix {
    inherit (fromModels) architectureFun where;
    extraParams = fromModels.extraParams;
    inherit nixpkgs defaultTargetProperty defaultClientInterface;
  };
  target = normalized.infrastructure.${targetName};
in
builtins.seq normalized.checked (normalized.services.${serviceName}.pkgs.${target.system})
