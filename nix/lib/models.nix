# Turns the model files given on the command line into a deployment architecture function and the
# labels that error messages use; shared by manifest.nix, instantiate.nix and the other front-ends.
let
  inherit (builtins) isAttrs isFunction;
  inherit (import ./util.nix) kindOf;

  # --extra-params is a Nix expression given on the command line; it must be an attribute set.
  checkExtraParams = extraParams:
    if isAttrs extraParams then extraParams
    else throw "--extra-params: expected an attribute set such as { prefix = \"x\"; }, but the expression is ${kindOf extraParams}";
in
{
  inherit checkExtraParams;

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
        inherit where;
        extraParams = checkExtraParams extraParams;
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
      inherit where;
      extraParams = checkExtraParams extraParams;
      architectureFun =
        if isFunction fun then fun
        else throw "${where.services}: the architecture model must be a function { pkgs, system }: ..., but it is ${kindOf fun}";
    };

  undeploy = { infrastructureFile }:
    {
      where = import ./where.nix { inherit infrastructureFile; };
      architectureFun = { pkgs, system }: { services = { }; infrastructure = import infrastructureFile; };
      extraParams = { };
    };
}
