# Helpers shared by the examples: long-running programs as components of Dysnomia's `process` module.
#
# mkDaemon gives a package with exactly one executable, bin/<name>, which the `process` module runs to
# activate the service. It starts the program under daemon.js (see there), which writes the PID file
# the module expects, <runtimeDir>/<name>.pid, and logs to <logDir>/<name>.log. runtimeDir (default
# /var/run) and logDir (default /var/log) are properties of the target's `process` container, which the
# module passes to the launcher in its environment; a target run by an unprivileged user points them
# at directories of its own (see hello-world/infrastructure-local.nix).
{ pkgs }:

let
  inherit (pkgs) lib;
in
rec {
  daemonJs = ./daemon.js;

  # command: the program and its arguments as shell text (quote values with lib.escapeShellArgs);
  # preStart: shell commands run (as root on a target) before the program starts;
  # user: run the program as this user; waitPort: the launcher returns once 127.0.0.1:waitPort accepts
  # connections; waitHttp: and once a GET of that path on it gets an HTTP answer (an HTTP server);
  # stopSignal: the signal that stops the program (postgres stops fast on SIGINT). The launcher waits
  # at most startTimeout seconds (a property of the target's `process` container; default 30).
  mkDaemon = { name, command, preStart ? "", user ? "", waitPort ? 0, waitHttp ? "", stopSignal ? "SIGTERM" }:
    pkgs.writeTextFile {
      inherit name;
      executable = true;
      destination = "/bin/${name}";
      text = ''
        #!${pkgs.runtimeShell}
        set -e
        runtimeDir="''${runtimeDir:-/var/run}"
        logDir="''${logDir:-/var/log}"
        mkdir -p "$runtimeDir" "$logDir"
        ${preStart}
        exec ${pkgs.nodejs}/bin/node ${daemonJs} --pid-file "$runtimeDir/${name}.pid" --log "$logDir/${name}.log" \
          ${lib.optionalString (user != "") "--user ${lib.escapeShellArg user}"} --stop-signal ${stopSignal} \
          --wait-port ${toString waitPort} ${lib.optionalString (waitHttp != "") "--wait-http ${lib.escapeShellArg waitHttp}"} \
          --wait-seconds "''${startTimeout:-30}" -- ${command}
      '';
    };

  # A Node.js program (one self-contained .js file) as a `process` component listening on `port`
  # (an HTTP server when waitHttp is a path).
  mkNodeService = { name, script, args ? [ ], port ? 0, waitHttp ? "" }:
    mkDaemon {
      inherit name waitHttp;
      waitPort = port;
      command = "${pkgs.nodejs}/bin/node ${script} ${lib.escapeShellArgs args}";
    };
}
