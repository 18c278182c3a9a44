# disnix-gendist-roundrobin (spec §1.12): a distribution model (a store file `distribution.nix`) that
# maps the services, in sorted order, to the targets in sorted order, one each, round robin.
{ servicesFile, infrastructureFile, extraParams ? { }, nixpkgs ? <nixpkgs>, ... }:

let
  inherit (builtins) attrNames concatStringsSep elemAt filter functionArgs genList head intersectAttrs isAttrs isFunction length;
  inherit (import ./lib/util.nix) kindOf;
  names = import ./lib/names.nix;
  inherit (import ./lib/models.nix) checkExtraParams;
  pkgs = import nixpkgs { };
  where = import ./lib/where.nix { inherit servicesFile infrastructureFile; };
  servicesFun = import servicesFile;
  infrastructure = import infrastructureFile;

  services =
    if !isFunction servicesFun then throw "${where.services}: the services model must be a function, but it is ${kindOf servicesFun}"
    else servicesFun ({ distribution = null; invDistribution = null; system = null; inherit pkgs; }
      // intersectAttrs (functionArgs servicesFun) (checkExtraParams extraParams));

  serviceNames = attrNames services;
  targetNames = attrNames infrastructure;
  targetCount = length targetNames;

  # The names are written into the generated model as attribute names, so they must be valid ones.
  badServices = filter (n: !names.isValidName n) serviceNames;
  badTargets = filter (n: !names.isValidName n) targetNames;

  line = i: "  ${elemAt serviceNames i} = [ infrastructure.${elemAt targetNames (i - (i / targetCount) * targetCount)} ];\n";
in
if !isAttrs infrastructure then throw "${where.infrastructure}: the infrastructure model must be an attribute set of target machines"
else if !isAttrs services then throw "${where.services}: the services model must return an attribute set of services, but it returns ${kindOf services}"
else if badServices != [ ] then throw "${where.services}: ${names.invalidName "service" (head badServices)}"
else if badTargets != [ ] then throw "${where.infrastructure}: ${names.invalidName "target" (head badTargets)}"
else if targetCount == 0 && serviceNames != [ ] then throw "${where.infrastructure}: the infrastructure model has no targets to distribute the services to"
else pkgs.writeTextFile {
  name = "distribution.nix";
  text = "{infrastructure}:\n\n{\n${concatStringsSep "" (genList line (length serviceNames))}}\n";
}
