# The normalized infrastructure (spec §1.4, §1.12) for disnix-normalize-infra and the tools that read
# an infrastructure model: as a Nix value (`--xml` gives Nix's own XML), or with `asText = true` as
# the infrastructure XML of spec §2.4.
{ infrastructureFile, targetProperty ? "hostname", clientInterface ? "disnix-ssh-client", asText ? false, ... }:

let
  where = import ./lib/where.nix { inherit infrastructureFile; };
  infrastructure = import ./normalize-infrastructure.nix {
    infrastructure = import infrastructureFile;
    defaultTargetProperty = targetProperty;
    defaultClientInterface = clientInterface;
    where = where.infrastructure;
  };
in
if asText then (import ./lib/xml.nix).infrastructure infrastructure else infrastructure
