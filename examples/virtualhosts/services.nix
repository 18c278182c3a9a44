# Target-specific services generated from invDistribution.
#
# Four web applications (type process), each with its own virtual host name, listen on their
# machine's loopback only. In front of them, every machine gets its own nginx: the services model
# generates one service `nginx-<machine>` per machine of the infrastructure, and each depends only on
# the web applications distributed to that machine. invDistribution says which those are: it is the
# infrastructure with, for every machine, the services the distribution model puts on it.
{ system, pkgs, distribution, invDistribution }:

let
  inherit (pkgs) lib;
  common = import ../common { inherit pkgs; };

  webapp = { name, virtualHost, port }: {
    inherit name virtualHost port;
    pkg = common.mkNodeService {
      inherit name port;
      script = ./pkgs/webapp.js;
      args = [ name virtualHost (toString port) ];
    };
    type = "process";
  };

  webapps = {
    webapp1 = webapp { name = "webapp1"; virtualHost = "webapp1.local"; port = 8081; };
    webapp2 = webapp { name = "webapp2"; virtualHost = "webapp2.local"; port = 8082; };
    webapp3 = webapp { name = "webapp3"; virtualHost = "webapp3.local"; port = 8083; };
    webapp4 = webapp { name = "webapp4"; virtualHost = "webapp4.local"; port = 8084; };
  };

  # The web applications the distribution puts on one machine.
  webappsOn = targetName:
    lib.filterAttrs (name: _: webapps ? ${name}) invDistribution.${targetName}.services;

  nginx = apps: import ./pkgs/nginx-virtualhosts.nix { inherit pkgs common; webapps = apps; };

  proxies = lib.mapAttrs' (targetName: _:
    let dependsOn = builtins.mapAttrs (name: _: webapps.${name}) (webappsOn targetName);
    in lib.nameValuePair "nginx-${targetName}" {
      name = "nginx-${targetName}";
      inherit dependsOn;
      # A function of the dependencies: the web applications on this machine, as distributed.
      # (Disnix calls pkg with them only when there are some.)
      pkg = if dependsOn == { } then nginx { } else nginx;
      type = "process";
    }) invDistribution;
in
webapps // proxies
