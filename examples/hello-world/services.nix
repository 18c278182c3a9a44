# hello-world: a server and a client that depends on it.
#
# The client's package is a function of its inter-dependency argument `server`: Disnix calls it with
# the server service as distributed, so `server.target.properties.hostname` is the machine the
# server runs on and `server.port` the port it listens on. Move the server and the client is rebuilt
# with the new address and redeployed after it.
{ system, pkgs, distribution, invDistribution
, serverPort ? 5000, clientPort ? 8080   # e.g. --extra-params '{ clientPort = 8081; }'
}:

let
  common = import ../common { inherit pkgs; };
in
rec {
  server = {
    name = "server";
    port = serverPort;
    pkg = common.mkNodeService {
      name = "hello-server";
      script = ./pkgs/server.js;
      args = [ (toString serverPort) ];
      port = serverPort;
    };
    type = "process";
  };

  client = {
    name = "client";
    port = clientPort;
    pkg = { server }: common.mkNodeService {
      name = "hello-client";
      script = ./pkgs/client.js;
      args = [ (toString clientPort) server.target.properties.hostname (toString server.port) ];
      port = clientPort;
    };
    dependsOn = { inherit server; };
    type = "process";
  };
}
