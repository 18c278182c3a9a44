# The stateful service of bench/state.mjs: a fileset whose mutable directory /var/state/big/data holds
# the data that moves.
{ system, pkgs, distribution, invDistribution }:

{
  big = {
    name = "big";
    pkg = pkgs.stdenv.mkDerivation {
      name = "big";
      buildCommand = ''
        mkdir -p $out
        echo /var/state/big > $out/.dysnomia-targetdir
        echo 'mkdir data' > $out/.dysnomia-fileset
      '';
    };
    type = "fileset";
    deployState = true;
  };
}
