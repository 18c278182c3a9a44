// systemd is not PID 1 here: a stand-in systemctl that keeps the active units as files. start and
// stop change them (a unit named broken.service fails to start, as a unit whose process exits
// does); is-active answers one state per unit and exits 3 unless all are active, as systemd does.
import { join } from 'node:path'
import { createStandIns, type StandIns } from './stand-ins.js'

export interface SystemctlStandIn {
  standIns: StandIns
  /** One file per active unit. */
  activeDir: string
}

export async function createSystemctlStandIn(dir: string): Promise<SystemctlStandIn> {
  const activeDir = join(dir, 'active')
  const script = `mkdir -p ${activeDir}
[ "$1" = --user ] && shift
case "$1" in
  start) if [ "$2" = broken.service ]; then echo "Job for broken.service failed." >&2; exit 1; fi; touch "${activeDir}/$2" ;;
  stop) rm -f "${activeDir}/$2" ;;
  is-active) shift; status=0; for u in "$@"; do if [ -e "${activeDir}/$u" ]; then echo active; else echo inactive; status=3; fi; done; exit "$status" ;;
esac`
  return { standIns: await createStandIns(dir, { systemctl: { script } }), activeDir }
}
