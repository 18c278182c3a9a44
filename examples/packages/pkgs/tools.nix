# Small command-line tools for the packages example: plain packages, nothing to activate.
{ pkgs }:

{
  # Prints which machine it runs on and which Disnix profile it came from.
  whereami = pkgs.writeScriptBin "whereami" ''
    #!${pkgs.runtimeShell}
    echo "whereami on $(${pkgs.coreutils}/bin/cat /etc/hostname), from $(${pkgs.coreutils}/bin/readlink -f "$0")"
  '';

  # A one-line greeting, in the version given.
  greeting = version: pkgs.writeScriptBin "greeting" ''
    #!${pkgs.runtimeShell}
    echo "Hello from greeting ${version}"
  '';

  # A tool that is a Node.js script.
  uptime-js = pkgs.writeScriptBin "uptime-js" ''
    #!${pkgs.nodejs}/bin/node
    const os = require('node:os')
    console.log(`''${os.hostname()} is up for ''${Math.round(os.uptime())} s`)
  '';
}
