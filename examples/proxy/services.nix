# A TCP proxy in front of a hello server, so that the server can be upgraded without a client
# noticing.
#
#   server     the hello server (type process); `version` (--extra-params) changes what it says
#   tcpproxy   the proxy (type wrapper): its Dysnomia `lock` makes it queue new connections and wait
#              until the ones in progress are done; `unlock` lets the queue through
#   hello-loop a client that keeps asking, for trying it out (type package: it goes into the
#              machine's Disnix profile, /nix/var/nix/profiles/disnix/<profile>/bin)
#
# The proxy reaches the server through `connectsTo`, not `dependsOn`: it needs the server's address
# but not its activation order, and a new server version then leaves the proxy untouched (a
# dependsOn would make every server upgrade redeploy the proxy too, dropping its connections).
{ system, pkgs, distribution, invDistribution
, version ? 1   # --extra-params '{ version = 2; }'
}:

let
  inherit (pkgs) lib;
  common = import ../common { inherit pkgs; };
in
rec {
  server = {
    name = "server";
    port = 5000;
    pkg = common.mkNodeService {
      name = "hello-server";
      script = ./pkgs/server.js;
      args = [ "5000" (toString version) ];
      port = 5000;
    };
    type = "process";
  };

  tcpproxy = {
    name = "tcpproxy";
    port = 8000;
    pkg = { server }: import ./pkgs/tcpproxy.nix {
      inherit pkgs common;
      port = 8000;
      upstreamHost = server.target.properties.hostname;
      upstreamPort = server.port;
    };
    connectsTo = { inherit server; };
    type = "wrapper";
  };

  hello-loop = {
    name = "hello-loop";
    pkg = pkgs.writeScriptBin "hello-loop" ''
      #!${pkgs.runtimeShell}
      exec ${pkgs.nodejs}/bin/node ${./pkgs/hello-loop.js} "$@"
    '';
    type = "package";
  };
}
