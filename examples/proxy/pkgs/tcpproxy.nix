# The proxy as a component of Dysnomia's `wrapper` module: bin/wrapper implements every operation.
# activate/deactivate start and stop the proxy (under ../../common/daemon.js); lock sends it SIGUSR1
# and waits until it reports that no connection is in progress; unlock sends SIGUSR2.
{ pkgs, common, port, upstreamHost, upstreamPort }:

let
  inherit (pkgs) lib;
  launcher = common.mkDaemon {
    name = "tcpproxy";
    waitPort = port;
    command = "${pkgs.nodejs}/bin/node ${./tcpproxy.js} ${lib.escapeShellArgs [ (toString port) upstreamHost (toString upstreamPort) ]} \"$runtimeDir\"";
  };
in
pkgs.writeTextFile {
  name = "tcpproxy";
  executable = true;
  destination = "/bin/wrapper";
  text = ''
    #!${pkgs.runtimeShell}
    set -e
    runtimeDir="''${runtimeDir:-/var/run}"
    pidFile="$runtimeDir/tcpproxy.pid"
    drained="$runtimeDir/tcpproxy.drained"

    running() { [ -e "$pidFile" ] && kill -0 "$(cat "$pidFile")" 2>/dev/null; }

    # Waits up to $1 tenths of a second for the command "''${@:2}" to succeed.
    waitFor() {
      local steps=$1; shift
      while ! "$@"; do
        steps=$((steps - 1))
        if [ "$steps" -le 0 ]; then return 1; fi
        sleep 0.1
      done
    }

    case "$1" in
      activate)
        if ! running; then rm -f "$pidFile"; ${launcher}/bin/tcpproxy; fi
        ;;
      deactivate)
        if running; then
          kill "$(cat "$pidFile")"
          waitFor 100 test ! -e "$pidFile"
        fi
        rm -f "$pidFile" "$drained"
        ;;
      lock)
        if running; then
          rm -f "$drained"
          kill -USR1 "$(cat "$pidFile")"
          if ! waitFor 600 test -e "$drained"; then
            echo "tcpproxy: connections still in progress after 60 s; not locking" >&2
            kill -USR2 "$(cat "$pidFile")"
            exit 1
          fi
        fi
        ;;
      unlock)
        if running; then kill -USR2 "$(cat "$pidFile")"; fi
        ;;
    esac
  '';
}
