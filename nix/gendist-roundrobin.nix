# disnix-gendist-roundrobin (spec §1.12): a distribution model (a store file `distribution.nix`) that
# maps the services, in sorted order, to the targets in sorted order, one each, round robin.
{ servicesFile, infrastructureFile, extraParams ? { }, nixpkgs ? <nixpkgs>, ... }:

let
  inherit (builtins) attrNames concatStringsSep elemAt functionArgs genList intersectAttrs isAttrs isFunction length typeOf;
  pkgs = import nixpkgs { };
  where = import ./lib/where.nix { inherit servicesFile infrastructureFile; };
  servicesFun = import servicesFile;
  infrastructure = import infrastructureFile;

  services =
    if !isFunction servicesFun then throw "${where.services}: the services model must be a function, but it is a ${typeOf servicesFun}"
    else servicesFun ({ distribution = null; invDistribution = null; system = null; inherit pkgs; }
      // intersectAttrs (functionArgs servicesFun) extraParams);

  serviceNames = attrNames services;
  targetNames = attrNames infrastructure;
  targetCount = length targetNames;

  line = i: "  ${elemAt serviceNames i} = [ infrastructure.${elemAt targetNames (i - (i / targetCount) * targetCount)} ];\n";
in
if !isAttrs infrastructure then throw "${where.infrastructure}: the infrastructure model must be an attribute set of target machines"
else if targetCount == 0 && serviceNames != [ ] then throw "${where.infrastructure}: the infrastructure model has no targets to distribute the services to"
else pkgs.writeTextFile {
  name = "distribution.nix";
  text = "{infrastructure}:\n\n{\n${concatStringsSep "" (genList line (length serviceNames))}}\n";
}
