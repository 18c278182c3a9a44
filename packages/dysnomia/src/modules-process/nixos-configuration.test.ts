import { readFile, readdir, readlink, rm, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { execa } from 'execa'
import { binDir, bundledModulesDir } from '@disnix-ts/libmain'
import { describe, expect, test } from 'vitest'
import { createStandIns, exists, put, runModule, sharedTestDir } from '@disnix-ts/test-servers'

const statefulModule = `#!/bin/bash
set -e
source ${join(bundledModulesDir(), 'lib', 'util')}
composeUtilityVariables "$0" "$2" "$3"
case "$1" in
  activate) mkdir -p "$dataDir"; [ -e "$dataDir/value" ] || cp "$2/initial" "$dataDir/value"; markComponentAsActive ;;
  deactivate) markComponentAsGarbage ;;
  snapshot) tmp="$(createSnapshotTempDir)"; cp "$dataDir/value" "$tmp/value"; id="$(sha256sum < "$tmp/value")"; storeSnapshot "$tmp" "\${id:0:64}" ;;
  restore) last="$(determineLastSnapshot)"; if [ -n "$last" ]; then cp "$last/value" "$dataDir/value"; fi ;;
esac
`

// Not NixOS: stand-ins for nix-env (sets or rolls back the profile link) and the configuration's
// switch-to-configuration; the configuration's mutable components (a value file) are deployed,
// snapshotted and restored by the real dysnomia-containers and dysnomia-snapshots.
describe('nixos-configuration module (stand-in nix-env and switch-to-configuration)', () => {
  test('switches the profile, deploys the configuration’s components, and snapshots and restores them as one', async () => {
    const root = await sharedTestDir()
    const profile = join(root, 'profiles', 'system')
    const standIns = await createStandIns(root, {
      'nix-env': { script: 'if [ "$3" = --set ]; then mkdir -p "$(dirname "$2")"; ln -sfn "$4" "$2"; fi' },
      'switch-to-configuration': {},
    })
    const system = join(root, 'system')
    await put(join(system, 'bin', 'switch-to-configuration'), await readFile(join(standIns.binDir, 'switch-to-configuration'), 'utf8'), 0o755)
    // The configuration's mutable component: a value file kept by a small stateful module (as
    // the original, dysnomia-containers hands snapshot/restore the marker file, so the module
    // must not need the component's contents for them).
    const target = join(root, 'target')
    const appData = join(root, 'app-data')
    await put(join(appData, 'initial'), 'initial\n')
    await put(join(root, 'statemod'), statefulModule, 0o755)
    await put(join(root, 'containers', 'values'), `type=${join(root, 'statemod')}\ndataDir=${target}\n`)
    await put(join(root, 'components', 'values', '.keep'), '')
    await symlink(appData, join(root, 'components', 'values', 'app-data'))
    const nixosState = join(root, 'nixos-state')
    const env = {
      DYSNOMIA_STATEDIR: join(root, 'state'),
      DYSNOMIA_NIXOS_STATEDIR: nixosState,
      DYSNOMIA_CONTAINERS_PATH: join(root, 'containers'),
      DYSNOMIA_COMPONENTS_PATH: join(root, 'components'),
      PATH: standIns.path,
      testNixOS: '1',
      nixosSystemProfile: profile,
    }
    const run = (operation: string) => runModule('nixos-configuration', operation, system, env)

    const activate = await run('activate')
    expect(activate.exitCode).toBe(0)
    expect(await standIns.takeLines()).toEqual([`nix-env -p ${profile} --set ${system}`, 'switch-to-configuration test'])
    expect(await readlink(profile)).toBe(system)
    expect(await readFile(join(target, 'value'), 'utf8')).toBe('initial\n')
    expect(await readdir(join(nixosState, 'activated', 'values'))).toEqual(['app-data'])

    await writeFile(join(target, 'value'), 'keep me\n')
    expect((await run('snapshot')).exitCode).toBe(0)
    const composites = await readdir(join(root, 'state', 'snapshots', 'nixos-configuration', 'system'))
    expect(composites).toHaveLength(1)
    const nested = await readdir(join(root, 'state', 'snapshots', 'nixos-configuration', 'system', composites[0] ?? '', 'values', 'app-data'))
    expect(nested).toHaveLength(1)
    // An unchanged state gives the same composite snapshot.
    expect((await run('snapshot')).exitCode).toBe(0)
    expect(await readdir(join(root, 'state', 'generations', 'nixos-configuration', 'system'))).toEqual(['1'])

    // Lose the data and the nested snapshot: restore brings both back from the composite one.
    await rm(join(target, 'value'))
    const gc = await execa(join(binDir(), 'dysnomia-snapshots'), ['--gc', '--keep', '0'], { env: { ...env, DYSNOMIA_STATEDIR: nixosState }, reject: false })
    expect(gc.exitCode).toBe(0)
    expect(await exists(join(nixosState, 'snapshots', 'values', 'app-data', nested[0] ?? ''))).toBe(false)
    expect((await run('restore')).exitCode).toBe(0)
    expect(await readFile(join(target, 'value'), 'utf8')).toBe('keep me\n')
    expect(await exists(join(nixosState, 'snapshots', 'values', 'app-data', nested[0] ?? ''))).toBe(true)

    expect((await run('collect-garbage')).exitCode).toBe(0)
    expect(await standIns.takeLines()).toEqual([])

    expect((await run('deactivate')).exitCode).toBe(0)
    expect(await standIns.takeLines()).toEqual([`nix-env -p ${profile} --rollback`, 'switch-to-configuration test'])
  })

  test('with disableNixOSSystemProfile switches the component directly and deactivation does nothing', async () => {
    const root = await sharedTestDir()
    const standIns = await createStandIns(root, {
      'nix-env': {},
      'switch-to-configuration': { script: '[ "$1" != switch ] || { echo "switch-to-configuration: activation failed" >&2; exit 4; }' },
    })
    const system = join(root, 'system')
    await put(join(system, 'bin', 'switch-to-configuration'), await readFile(join(standIns.binDir, 'switch-to-configuration'), 'utf8'), 0o755)
    await put(join(root, 'components', '.keep'), '')
    const env = {
      DYSNOMIA_STATEDIR: join(root, 'state'),
      DYSNOMIA_NIXOS_STATEDIR: join(root, 'nixos-state'),
      DYSNOMIA_CONTAINERS_PATH: join(root, 'containers'),
      DYSNOMIA_COMPONENTS_PATH: join(root, 'components'),
      PATH: standIns.path,
      disableNixOSSystemProfile: '1',
      testNixOS: '1',
    }
    expect((await runModule('nixos-configuration', 'activate', system, env)).exitCode).toBe(0)
    expect(await standIns.takeLines()).toEqual(['switch-to-configuration test'])
    expect(await runModule('nixos-configuration', 'deactivate', system, env)).toMatchObject({ exitCode: 0, stdout: '', stderr: '' })
    expect(await standIns.takeLines()).toEqual([])

    // Without testNixOS it switches; a failing switch fails the activation with its message.
    const { testNixOS: _test, ...switchEnv } = env
    expect(await runModule('nixos-configuration', 'activate', system, switchEnv)).toMatchObject({
      exitCode: 4,
      stderr: 'switch-to-configuration: activation failed',
    })
  })
})
