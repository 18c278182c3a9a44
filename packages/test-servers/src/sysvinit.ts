// A Debian-style init script: a daemon (sleep) started, stopped and asked about by the real
// start-stop-daemon, with a PID file, as the sysvinit-script and managed-process modules expect.

/** The init script of a daemonized `sleep 600` with `pidFile`, run as `user` when given. */
export function startStopDaemonScript(pidFile: string, user?: string): string {
  return `#!/bin/sh
PIDFILE=${pidFile}
case "$1" in
  start)
    start-stop-daemon --start --quiet --oknodo --background --make-pidfile --pidfile "$PIDFILE" ${user ? `--chuid ${user}` : ''} --exec /bin/sleep -- 600
    ;;
  stop)
    start-stop-daemon --stop --quiet --oknodo --retry TERM/5 --pidfile "$PIDFILE" --remove-pidfile
    ;;
  status)
    start-stop-daemon --status --pidfile "$PIDFILE"
    ;;
  *)
    echo "Usage: $0 {start|stop}" >&2
    exit 1
    ;;
esac
`
}
