# Turns the model files given on the command line into a deployment architecture function and the
# labels that error messages use; shared by manifest.nix, instantiate.nix and the other front-ends.
let
  inherit (builtins) isFunction typeOf;
in
{
  fromModels = { servicesFile ? null, infrastructureFile, distributionFile ? null, packagesFile ? null, extraParams ? { } }:
    let
      where = import ./where.nix { inherit servicesFile infrastructureFile distributionFile packagesFile; };
      importOrNull = file: if file == null then null else import file;
    in
    {
      inherit where;
      architectureFun = import ../wrap-architecture.nix {
        servicesFun = importOrNull servicesFile;
        infrastructure = import infrastructureFile;
        distributionFun = importOrNull distributionFile;
        packagesFun = importOrNull packagesFile;
        inherit extraParams where;
      };
      # The wrapper already received the extra parameters (filtered per model).
      extraParams = { };
    };

  fromArchitecture = { architectureFile, extraParams ? { } }:
    let
      where = import ./where.nix { inherit architectureFile; };
      fun = import architectureFile;
    in
    {
      inherit where extraParams;
      architectureFun =
        if isFunction fun then fun
        else throw "${where.services}: the architecture model must be a function { pkgs, system }: ..., but it is a ${typeOf fun}";
    };

  undeploy = { infrastructureFile }:
    {
      where = import ./where.nix { inherit infrastructureFile; };
      architectureFun = { pkgs, system }: { services = { }; infrastructure = import infrastructureFile; };
      extraParams = { };
    };
}
