# dydisnix-augment-infra: applies an augmentation model {infrastructure, lib}: infrastructure to an
# infrastructure model (typically a discovered one) to add what discovery cannot see, such as
# passwords. The result is checked as an infrastructure model; errors name the augmentation model.
{ infrastructureFile
, augmentFile
, nixpkgs ? <nixpkgs>
, defaultTargetProperty ? "hostname"
, defaultClientInterface ? "disnix-ssh-client"
}:

let
  inherit (builtins) functionArgs intersectAttrs isAttrs isFunction typeOf;
  label = "augmentation model ${toString augmentFile}";
  infrastructure = import infrastructureFile;
  fun = import augmentFile;
  result =
    if !isFunction fun then throw "${label}: the augmentation model must be a function {infrastructure, lib}: ..., but it is a ${typeOf fun}"
    else fun (intersectAttrs (functionArgs fun) { inherit infrastructure; inherit ((import nixpkgs { })) lib; });
  checked = import ../normalize-infrastructure.nix {
    infrastructure = result;
    inherit defaultTargetProperty defaultClientInterface;
    where = "${label} (the infrastructure it returns)";
  };
in
if !isAttrs infrastructure then throw "infrastructure model ${toString infrastructureFile}: the infrastructure model must be an attribute set of target machines, but it is a ${typeOf infrastructure}"
else builtins.deepSeq checked result
