# dynamic: the hello-world server and client, and a stateful `notes` directory, deployed where Dynamic
# Disnix finds room for them. Every service says how much memory it needs (requireMem, matched with
# the `mem` the machines report) and in which zone it must run (requireZone; the zones come from
# augment.nix). The server's TCP port is assigned by dydisnix-id-assign (ids.nix, see idresources.nix).
{ system, pkgs, distribution, invDistribution }:

let
  common = import ../common { inherit pkgs; };
  # ids.nix is written by dydisnix-env --ids ids.nix; until then the port is a placeholder.
  ids = if builtins.pathExists ./ids.nix then (import ./ids.nix).ids else { };
  serverPort = ids.ports.server or 3000;
  clientPort = 8080;
in
rec {
  server = {
    name = "server";
    port = serverPort;
    pkg = common.mkNodeService {
      name = "hello-server";
      script = ../hello-world/pkgs/server.js;
      args = [ (toString serverPort) ];
      port = serverPort;
    };
    type = "process";
    requireMem = 2;
    requireZone = "lab";
    requireUniqueIdsFor = [ "ports" ];
  };

  client = {
    name = "client";
    port = clientPort;
    pkg = { server }: common.mkNodeService {
      name = "hello-client";
      script = ../hello-world/pkgs/client.js;
      args = [ (toString clientPort) server.target.properties.hostname (toString server.port) ];
      port = clientPort;
    };
    dependsOn = { inherit server; };
    type = "process";
    requireMem = 1;
    requireZone = "lab";
  };

  # A directory whose contents are state: /var/state/notes/data moves with the service.
  notes = {
    name = "notes";
    pkg = pkgs.stdenv.mkDerivation {
      name = "notes";
      buildCommand = ''
        mkdir -p $out
        echo /var/state/notes > $out/.dysnomia-targetdir
        printf 'mkdir data\n' > $out/.dysnomia-fileset
      '';
    };
    type = "fileset";
    deployState = true;
    requireMem = 1;
    requireZone = "lab";
  };
}
