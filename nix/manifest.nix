# Entry points of disnix-manifest (spec §1.1): each attribute is a function that nix-build calls with
# the --arg/--argstr values and that returns the manifest (a store file `manifest.xml`, §2.2) whose
# closure holds every target profile and service package.
let
  inherit (builtins) foldl' trace;
  models = import ./lib/models.nix;
  xml = import ./lib/xml.nix;

  writeManifest = pkgs: deploymentModel: pkgs.writeTextFile {
    name = "manifest.xml";
    text = xml.manifest deploymentModel;
  };

  manifestOfArchitecture =
    { architectureFun, where, extraParams, nixpkgs, targetProperty, clientInterface, deployState }:
    let
      pkgs = import nixpkgs { };
      normalized = import ./normalize-architecture.nix {
        inherit architectureFun nixpkgs extraParams where;
        defaultTargetProperty = targetProperty;
        defaultClientInterface = clientInterface;
        defaultDeployState = deployState;
      };
      deploymentModel = import ./deployment-model.nix { inherit normalized pkgs; };
    in
    assert normalized.checked;
    foldl' (result: warning: trace warning result) (writeManifest pkgs deploymentModel) normalized.warnings;
in
{
  generateManifestFromModels =
    { servicesFile ? null, infrastructureFile, distributionFile ? null, packagesFile ? null
    , targetProperty ? "hostname", clientInterface ? "disnix-ssh-client", deployState ? false
    , extraParams ? { }, nixpkgs ? <nixpkgs>
    }:
    manifestOfArchitecture (models.fromModels { inherit servicesFile infrastructureFile distributionFile packagesFile extraParams; }
      // { inherit nixpkgs targetProperty clientInterface deployState; });

  generateManifestFromArchitectureModel =
    { architectureFile, targetProperty ? "hostname", clientInterface ? "disnix-ssh-client", deployState ? false
    , extraParams ? { }, nixpkgs ? <nixpkgs>
    }:
    manifestOfArchitecture (models.fromArchitecture { inherit architectureFile extraParams; }
      // { inherit nixpkgs targetProperty clientInterface deployState; });

  generateUndeploymentManifest =
    { infrastructureFile, targetProperty ? "hostname", clientInterface ? "disnix-ssh-client", deployState ? false
    , nixpkgs ? <nixpkgs>, ...
    }:
    manifestOfArchitecture (models.undeploy { inherit infrastructureFile; }
      // { inherit nixpkgs targetProperty clientInterface deployState; });

  # A low-level deployment model is printed as it is, except that its targets get the infrastructure
  # defaults. QUIRK §10.14: the original does not normalize them, so a target without numOfCores,
  # targetProperty or clientInterface made the manifest invalid.
  generateManifestFromDeploymentModel =
    { deploymentFile, targetProperty ? "hostname", clientInterface ? "disnix-ssh-client"
    , nixpkgs ? <nixpkgs>, ...
    }:
    let
      where = import ./lib/where.nix { inherit deploymentFile; };
      model = import deploymentFile;
      infrastructure = import ./normalize-infrastructure.nix {
        infrastructure = model.infrastructure or { };
        defaultTargetProperty = targetProperty;
        defaultClientInterface = clientInterface;
        where = where.infrastructure;
      };
    in
    if !builtins.isAttrs model
    then throw "${where.infrastructure}: the deployment model must be an attribute set { profiles, services, infrastructure, serviceMappings, snapshotMappings }"
    else writeManifest (import nixpkgs { }) ((import ./lib/low-level-models.nix).checkDeploymentModel {
      about = where.infrastructure;
      inherit model infrastructure;
    } // { inherit infrastructure; });
}
