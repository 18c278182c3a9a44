# The packages model: per machine, extra packages for its Disnix profile
# (/nix/var/nix/profiles/disnix/<profile> on the machine). They are distributed with their whole
# closure and put in the profile, but not activated: there is nothing to start.
{ pkgs, system }:

let
  tools = import ./pkgs/tools.nix { inherit pkgs; };
in
{
  test1 = [ tools.whereami tools.uptime-js ];
  test2 = [ tools.whereami pkgs.gnused ];
}
