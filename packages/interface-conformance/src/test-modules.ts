import { chmod, mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { installRoot } from '@disnix-ts/libmain'

/**
 * Writes tiny Dysnomia modules for tests into `<dir>/modules` and returns that dir (for
 * DYSNOMIA_MODULES_PATH):
 * - `recorder`: appends `<operation> <component> <container> foo=<$foo>` to
 *   `$DYSNOMIA_STATEDIR/recorder.log`; keeps `data` in `$DYSNOMIA_STATEDIR/recorder/<component name>`
 *   and snapshots/restores it through the snapshot store; refuses `lock` while the file
 *   `$DYSNOMIA_STATEDIR/refuse-lock` exists.
 *   `check` is healthy while that directory exists.
 * - `failing`: fails every operation with exit status 3.
 * - `legacy`: succeeds at everything without output (a module that predates `check`).
 */
export async function writeTestModules(dir: string): Promise<string> {
  const modules = join(dir, 'modules')
  await mkdir(modules, { recursive: true })
  const util = join(installRoot(), 'modules', 'lib', 'util')
  await writeFile(
    join(modules, 'recorder'),
    `#!/bin/bash
set -e
source ${JSON.stringify(util)}
composeUtilityVariables "$0" "$2" "$3"
echo "$1 $2 $3 foo=$foo" >> "$DYSNOMIA_STATEDIR/recorder.log"
state="$DYSNOMIA_STATEDIR/recorder/$componentName"
case "$1" in
    activate) mkdir -p "$state"; markComponentAsActive ;;
    deactivate) markComponentAsGarbage ;;
    snapshot)
        tmp="$(createSnapshotTempDir)"
        cp "$state/data" "$tmp/data"
        storeSnapshot "$tmp" "$(sha256sum "$tmp/data" | cut -d ' ' -f 1)"
        ;;
    restore)
        last="$(determineLastSnapshot)"
        if [ -n "$last" ]; then cp "$last/data" "$state/data"; fi
        ;;
    collect-garbage)
        if componentMarkedAsGarbage; then rm -rf "$state"; unmarkComponentAsGarbage; fi
        ;;
    check)
        if [ -d "$state" ]; then echo "healthy: $componentName has its state"; else echo "recorder: no state of $componentName" >&2; exit 1; fi
        ;;
    lock) if [ -e "$DYSNOMIA_STATEDIR/refuse-lock" ]; then echo "recorder: refusing the lock" >&2; exit 1; fi ;;
esac
`,
  )
  await writeFile(join(modules, 'failing'), '#!/bin/sh\necho "failing module: $1 refused" >&2\nexit 3\n')
  await writeFile(join(modules, 'legacy'), '#!/bin/sh\nexit 0\n')
  await chmod(join(modules, 'legacy'), 0o755)
  await chmod(join(modules, 'recorder'), 0o755)
  await chmod(join(modules, 'failing'), 0o755)
  return modules
}
