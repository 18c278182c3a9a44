# Entry points of disnix-instantiate (spec §1.1, §1.9): each returns the distributed derivation (a
# store file `distributedderivation.xml`, §2.5) that maps the store derivation of every package to
# the target that should build it.
let
  inherit (builtins) attrNames concatMap foldl' mapAttrs trace unsafeDiscardOutputDependency;
  models = import ./lib/models.nix;
  xml = import ./lib/xml.nix;

  writeDistributedDerivation = pkgs: buildModel: pkgs.writeTextFile {
    name = "distributedderivation.xml";
    text = xml.distributedDerivation buildModel;
  };

  buildModelOf = normalized: {
    interfaces = mapAttrs (name: target: {
      targetAddress = toString target.properties.${target.targetProperty};
      inherit (target) clientInterface;
    }) normalized.infrastructure;
    derivationMappings = concatMap (target:
      map (package: {
        derivation = unsafeDiscardOutputDependency package.drvPath;
        interface = target;
      }) normalized.targetPackages.${target}) (attrNames normalized.targetPackages);
  };

  distributedDerivationOfArchitecture =
    { architectureFun, where, extraParams, nixpkgs, targetProperty, clientInterface }:
    let
      normalized = import ./normalize-architecture.nix {
        inherit architectureFun nixpkgs extraParams where;
        defaultTargetProperty = targetProperty;
        defaultClientInterface = clientInterface;
      };
    in
    assert normalized.checked;
    foldl' (result: warning: trace warning result)
      (writeDistributedDerivation (import nixpkgs { }) (buildModelOf normalized)) normalized.warnings;
in
{
  generateDistributedDerivationFromModels =
    { servicesFile ? null, infrastructureFile, distributionFile ? null, packagesFile ? null
    , targetProperty ? "hostname", clientInterface ? "disnix-ssh-client", extraParams ? { }, nixpkgs ? <nixpkgs>, ...
    }:
    distributedDerivationOfArchitecture (models.fromModels { inherit servicesFile infrastructureFile distributionFile packagesFile extraParams; }
      // { inherit nixpkgs targetProperty clientInterface; });

  generateDistributedDerivationFromArchitectureModel =
    { architectureFile, targetProperty ? "hostname", clientInterface ? "disnix-ssh-client", extraParams ? { }, nixpkgs ? <nixpkgs>, ...
    }:
    distributedDerivationOfArchitecture (models.fromArchitecture { inherit architectureFile extraParams; }
      // { inherit nixpkgs targetProperty clientInterface; });

  generateDistributedDerivationFromBuildModel =
    { buildFile, nixpkgs ? <nixpkgs>, ... }:
    let
      model = import buildFile;
      about = "build model ${toString buildFile}";
    in
    if !builtins.isAttrs model
    then throw "${about}: the build model must be an attribute set { derivationMappings, interfaces }"
    else writeDistributedDerivation (import nixpkgs { }) ((import ./lib/low-level-models.nix).checkBuildModel { inherit about model; });
}
