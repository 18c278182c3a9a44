// No Docker engine here: a stand-in docker that keeps images and containers as files in its state
// dir, so that `docker images` and `docker ps` answer as the real one does.
import { join } from 'node:path'
import { createStandIns, type StandIns } from './stand-ins.js'

export interface DockerStandIn {
  standIns: StandIns
  /** images/<tag> and containers/<name>/ (with a `running` file while it runs). */
  stateDir: string
}

export async function createDockerStandIn(dir: string): Promise<DockerStandIn> {
  const stateDir = join(dir, 'docker')
  const standIns = await createStandIns(dir, { docker: { script: dockerScript(stateDir) } })
  return { standIns, stateDir }
}

function dockerScript(state: string): string {
  return `S=${state}
mkdir -p "$S/images" "$S/containers"
case "$1" in
  images) tag="\${4#reference=}"; if [ -e "$S/images/$tag" ]; then echo "sha-$tag"; fi ;;
  load) tag="$(cat "$3" 2>/dev/null)" || { echo "open $3: no such file or directory" >&2; exit 1; }; touch "$S/images/$tag"; echo "Loaded image: $tag" ;;
  ps) all=""; if [ "$2" = -a ]; then all=1; shift; fi; n="\${4#name=^}"; n="\${n%\\$}"
      if [ -d "$S/containers/$n" ] && { [ -n "$all" ] || [ -e "$S/containers/$n/running" ]; }; then echo "id-$n"; fi ;;
  create) prev=""; for a in "$@"; do if [ "$prev" = --name ]; then name="$a"; fi; prev="$a"; done; mkdir "$S/containers/$name"; echo "id-$name" ;;
  start) touch "$S/containers/$2/running"; echo "$2" ;;
  stop) rm -f "$S/containers/$4/running"; echo "$4" ;;
  rm) rm -rf "$S/containers/$2"; echo "$2" ;;
  rmi) rm -f "$S/images/$2"; echo "Untagged: $2" ;;
esac`
}
