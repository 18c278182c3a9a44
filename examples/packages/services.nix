# Services of type `package`: like the packages of the packages model they only land in the Disnix
# profiles of their machines (nothing is activated), but they are placed by the distribution model
# and upgraded like any service. No service may depend on one: Disnix refuses an inter-dependency on
# a package.
{ system, pkgs, distribution, invDistribution
, greetingVersion ? "1"   # --extra-params '{ greetingVersion = "2"; }'
}:

let
  tools = import ./pkgs/tools.nix { inherit pkgs; };
in
{
  greeting = {
    name = "greeting";
    pkg = tools.greeting greetingVersion;
    type = "package";
  };
}
