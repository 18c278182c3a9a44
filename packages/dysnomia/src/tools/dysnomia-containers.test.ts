import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { execa } from 'execa'
import { describe, expect, test } from 'vitest'
import { nixTestEnv, runBin, testDir } from '@disnix-ts/test-utils'

// A small stateful module following the conventions of spec §3.3: the "database" is a file in $dbDir,
// markers live in the state dir, snapshots in $DYSNOMIA_STATEDIR/snaps.
const STATEDB = `#!/bin/bash
set -e
comp="$(basename "$2")"
cont="$(basename "$3")"
act="$DYSNOMIA_STATEDIR/activated/$cont/$comp"
gar="$DYSNOMIA_STATEDIR/garbage/$cont/$comp"
snap="$DYSNOMIA_STATEDIR/snaps/$cont/$comp"
case "$1" in
  activate)
    mkdir -p "$dbDir" "$(dirname "$act")"
    [ -e "$dbDir/$comp" ] || cp "$2/data" "$dbDir/$comp"
    if [ -f "$gar" ]; then mv "$gar" "$act"; else touch "$act"; fi
    echo "activated $comp"
    ;;
  deactivate)
    if [ ! -f "$gar" ]; then mkdir -p "$(dirname "$gar")"; mv "$act" "$gar"; fi
    ;;
  snapshot)
    mkdir -p "$(dirname "$snap")"
    cp "$dbDir/$comp" "$snap"
    ;;
  restore)
    if [ -f "$snap" ]; then cp "$snap" "$dbDir/$comp"; fi
    ;;
  collect-garbage)
    if [ -f "$gar" ]; then rm -f "$dbDir/$comp" "$gar"; fi
    ;;
esac
`

async function setup() {
  const dir = await testDir('dysnomia-containers-')
  const modules = join(dir, 'modules')
  const containers1 = join(dir, 'containers1')
  const containers2 = join(dir, 'containers2')
  const components1 = join(dir, 'components1')
  const components2 = join(dir, 'components2')
  const state = join(dir, 'state')
  const db = join(dir, 'db')
  const otherDb = join(dir, 'otherdb')
  for (const d of [modules, containers1, containers2, components1, components2]) await mkdir(d)
  await writeFile(join(modules, 'statedb'), STATEDB)
  await chmod(join(modules, 'statedb'), 0o755)
  await writeFile(join(containers1, 'statedb'), `type=statedb\ndbDir=${db}\n`)
  await writeFile(join(containers2, 'otherdb'), `type=statedb\ndbDir="${otherDb}"\n`)
  await component(components1, 'statedb', 'db1', 'one')
  await component(components1, 'statedb', 'my db', 'spaced')
  await component(components2, 'otherdb', 'db2', 'two')
  const env = {
    DYSNOMIA_MODULES_PATH: modules,
    DYSNOMIA_CONTAINERS_PATH: `${containers1}:${containers2}`,
    DYSNOMIA_COMPONENTS_PATH: `${components1}:${components2}`,
    DYSNOMIA_STATEDIR: state,
    DYSNOMIA_PROPERTIES: join(dir, 'properties'),
  }
  return { dir, modules, containers1, containers2, components1, components2, state, db, otherDb, env }
}

async function component(root: string, container: string, name: string, data: string): Promise<void> {
  await mkdir(join(root, container, name), { recursive: true })
  await writeFile(join(root, container, name, 'data'), `${data}\n`)
}

describe('dysnomia-containers queries', () => {
  test('--query-containers lists the configurations of every directory of the path (QUIRK B.5)', async () => {
    const t = await setup()
    expect(await runBin('dysnomia-containers', ['--query-containers'], { env: t.env })).toEqual({
      stdout: 'statedb\notherdb\n',
      stderr: '',
      exitCode: 0,
    })
  })

  test('--query-available-components lists CONTAINER/COMPONENT over all dirs, -C filters', async () => {
    const t = await setup()
    const all = await runBin('dysnomia-containers', ['--query-available-components'], { env: t.env })
    expect(all).toEqual({ stdout: 'statedb/db1\nstatedb/my db\notherdb/db2\n', stderr: '', exitCode: 0 })
    const filtered = await runBin('dysnomia-containers', ['--query-available-components', '-C', 'otherdb'], { env: t.env })
    expect(filtered.stdout).toBe('otherdb/db2\n')
  })

  test('queries on a state dir that does not exist print nothing', async () => {
    const t = await setup()
    for (const action of ['--query-activated-components', '--query-garbage']) {
      expect(await runBin('dysnomia-containers', [action], { env: t.env })).toEqual({ stdout: '', stderr: '', exitCode: 0 })
    }
  })

  test('no action is an error; the last action given wins', async () => {
    const t = await setup()
    expect(await runBin('dysnomia-containers', [], { env: t.env })).toEqual({ stdout: '', stderr: 'No action specified!\n', exitCode: 1 })
    const last = await runBin('dysnomia-containers', ['--query-available-components', '--query-containers'], { env: t.env })
    expect(last.stdout).toBe('statedb\notherdb\n')
  })
})

describe('dysnomia-containers --deploy and the operations on deployed components', () => {
  test('a full cycle: deploy, snapshot, restore (prompted and -y), undeploy, collect garbage', async () => {
    const t = await setup()
    const deploy = await runBin('dysnomia-containers', ['--deploy'], { env: t.env })
    expect(deploy).toEqual({
      stdout: 'activated db1\nactivated my db\nactivated db2\n',
      stderr:
        'Activating component: db1 in container: statedb\n' +
        'Activating component: my db in container: statedb\n' +
        'Activating component: db2 in container: otherdb\n',
      exitCode: 0,
    })
    expect(await readFile(join(t.db, 'my db'), 'utf8')).toBe('spaced\n')
    expect(await readFile(join(t.otherDb, 'db2'), 'utf8')).toBe('two\n')
    const activated = await runBin('dysnomia-containers', ['--query-activated-components'], { env: t.env })
    expect(activated.stdout).toBe('otherdb/db2\nstatedb/db1\nstatedb/my db\n')

    // Nothing to do the second time.
    expect(await runBin('dysnomia-containers', ['--deploy'], { env: t.env })).toEqual({ stdout: '', stderr: '', exitCode: 0 })

    await writeFile(join(t.db, 'db1'), 'snapshotted\n')
    expect((await runBin('dysnomia-containers', ['--snapshot'], { env: t.env })).exitCode).toBe(0)
    await writeFile(join(t.db, 'db1'), 'changed after the snapshot\n')

    const declined = await runBin('dysnomia-containers', ['--restore'], { env: t.env, input: 'n\n' })
    expect(declined.stdout).toBe('')
    expect(declined.stderr).toContain('This operation will restore the state of all mutable components')
    expect(declined.stderr).toContain('Are you sure you want to proceed? [n] ')
    expect(declined.stderr).toMatch(/Not executing the restore operations!\n$/)
    expect(declined.exitCode).toBe(0)
    expect(await readFile(join(t.db, 'db1'), 'utf8')).toBe('changed after the snapshot\n')

    const confirmed = await runBin('dysnomia-containers', ['--restore'], { env: t.env, input: 'y\n' })
    expect(confirmed.exitCode).toBe(0)
    expect(await readFile(join(t.db, 'db1'), 'utf8')).toBe('snapshotted\n')

    await writeFile(join(t.db, 'db1'), 'changed again\n')
    const auto = await runBin('dysnomia-containers', ['--restore', '-y'], { env: t.env })
    expect(auto).toEqual({ stdout: '', stderr: '', exitCode: 0 })
    expect(await readFile(join(t.db, 'db1'), 'utf8')).toBe('snapshotted\n')

    // The component disappears from the components path: --deploy deactivates it (garbage marker).
    await rm(join(t.components1, 'statedb', 'db1'), { recursive: true })
    const undeploy = await runBin('dysnomia-containers', ['--deploy'], { env: t.env })
    expect(undeploy).toEqual({ stdout: '', stderr: 'Deactivating component: db1 in container: statedb\n', exitCode: 0 })
    expect((await runBin('dysnomia-containers', ['--query-garbage'], { env: t.env })).stdout).toBe('statedb/db1\n')
    expect((await runBin('dysnomia-containers', ['--query-activated-components'], { env: t.env })).stdout).toBe('otherdb/db2\nstatedb/my db\n')
    expect(await readFile(join(t.db, 'db1'), 'utf8')).toBe('snapshotted\n')

    const gc = await runBin('dysnomia-containers', ['--collect-garbage'], { env: t.env })
    expect(gc).toEqual({ stdout: '', stderr: 'Collecting garbage for component: db1 in container: statedb\n', exitCode: 0 })
    await expect(readFile(join(t.db, 'db1'))).rejects.toThrow(/ENOENT/)
    expect((await runBin('dysnomia-containers', ['--query-garbage'], { env: t.env })).stdout).toBe('')
  })

  test('--operation OP runs OP on the activated components of the -C container only', async () => {
    const t = await setup()
    expect((await runBin('dysnomia-containers', ['--deploy'], { env: t.env })).exitCode).toBe(0)
    const result = await runBin('dysnomia-containers', ['--operation', 'snapshot', '-C', 'otherdb'], { env: t.env })
    expect(result).toEqual({ stdout: '', stderr: '', exitCode: 0 })
    expect(await readFile(join(t.state, 'snaps', 'otherdb', 'db2'), 'utf8')).toBe('two\n')
    await expect(readFile(join(t.state, 'snaps', 'statedb', 'db1'))).rejects.toThrow(/ENOENT/)
  })

  test('--deploy -C only touches that container', async () => {
    const t = await setup()
    const result = await runBin('dysnomia-containers', ['--deploy', '-C', 'otherdb'], { env: t.env })
    expect(result.stderr).toBe('Activating component: db2 in container: otherdb\n')
    expect((await runBin('dysnomia-containers', ['--query-activated-components'], { env: t.env })).stdout).toBe('otherdb/db2\n')
  })

  test('a failing activation stops --deploy with its exit status and names the component', async () => {
    const t = await setup()
    await writeFile(join(t.modules, 'broken'), '#!/bin/bash\necho "broken module: cannot $1" >&2\nexit 5\n')
    await chmod(join(t.modules, 'broken'), 0o755)
    await writeFile(join(t.containers1, 'aaa'), 'type=broken\n')
    await component(t.components1, 'aaa', 'x', 'x')
    const result = await runBin('dysnomia-containers', ['--deploy'], { env: t.env })
    expect(result.stderr).toContain('Activating component: x in container: aaa\nbroken module: cannot activate\n')
    expect(result.stderr).toMatch(/Cannot execute operation: activate on component: x in container: aaa \(exit status 5\)\n$/)
    expect(result.exitCode).toBe(5)
    // The components after the failing one were not activated.
    await expect(readFile(join(t.db, 'db1'))).rejects.toThrow(/ENOENT/)
  })
})

describe('dysnomia-containers --generate-expr', () => {
  test('prints the exact layout of the original, without a trailing newline', async () => {
    const t = await setup()
    await writeFile(
      t.env.DYSNOMIA_PROPERTIES,
      'hostname="$(echo vm)"\nmem=1234\nsupportedTypes=("echo" "statedb")\nempty=()\nsystem="x86_64-linux"\n',
    )
    await writeFile(join(t.containers1, 'echo'), 'type=echo\nfoo=bar\narr=("a" "b c")\n')
    const result = await runBin('dysnomia-containers', ['--generate-expr'], { env: t.env })
    expect(result.stderr).toBe('')
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toBe(
      [
        '{',
        '  properties = {',
        '    "hostname" = "vm";',
        '    "mem" = "1234";',
        '    "supportedTypes" = [ "echo" "statedb" ];',
        '    "empty" = [ ];',
        '    "system" = "x86_64-linux";',
        '  };',
        '  containers = {',
        '    echo = {',
        '      "foo" = "bar";',
        '      "arr" = [ "a" "b c" ];',
        '    };',
        '    statedb = {',
        `      "dbDir" = "${t.db}";`,
        '    };',
        '    otherdb = {',
        `      "dbDir" = "${t.otherDb}";`,
        '    };',
        '  };',
        '  "system" = "x86_64-linux";',
        '}',
      ].join('\n'),
    )
  })

  test('without a properties file there is no properties block and no system line', async () => {
    const t = await setup()
    const result = await runBin('dysnomia-containers', ['--generate-expr'], { env: { ...t.env, DYSNOMIA_CONTAINERS_PATH: t.containers2 } })
    expect(result.stdout).toBe(`{\n  containers = {\n    otherdb = {\n      "dbDir" = "${t.otherDb}";\n    };\n  };\n}`)
  })

  test('values with quotes, backslashes and ${ are escaped so that Nix reads them back intact', async () => {
    const t = await setup()
    const tricky = 'say "hi" \\ ${notInterpolated} $HOME'
    await writeFile(t.env.DYSNOMIA_PROPERTIES, `tricky='${tricky}'\nlist=('"q"' '\${x}')\n`)
    await writeFile(join(t.containers2, 'my.container'), 'type=x\nkey="a\\"b"\n')
    const result = await runBin('dysnomia-containers', ['--generate-expr'], { env: t.env })
    expect(result.exitCode).toBe(0)
    const evaluated = await execa('nix-instantiate', ['--eval', '--strict', '--json', '-E', result.stdout], {
      env: nixTestEnv(),
    })
    const value = JSON.parse(evaluated.stdout) as {
      properties: Record<string, unknown>
      containers: Record<string, Record<string, unknown>>
    }
    expect(value.properties).toEqual({ tricky, list: ['"q"', '${x}'] })
    expect(value.containers['my.container']).toEqual({ key: 'a"b' })
  })

  test('a malformed properties file names the file and line', async () => {
    const t = await setup()
    await writeFile(t.env.DYSNOMIA_PROPERTIES, 'ok=1\nnot valid\n')
    const result = await runBin('dysnomia-containers', ['--generate-expr'], { env: t.env })
    expect(result).toEqual({
      stdout: '',
      stderr: `${t.env.DYSNOMIA_PROPERTIES}, line 2: not an assignment of the form name=value: not valid\n`,
      exitCode: 1,
    })
  })
})

describe('dysnomia-containers --generate-dot', () => {
  test('prints one cluster per container with its available components', async () => {
    const t = await setup()
    await writeFile(join(t.containers2, 'my-container'), 'type=x\n')
    const result = await runBin('dysnomia-containers', ['--generate-dot'], { env: t.env })
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toBe(
      [
        'digraph G {',
        '  subgraph cluster_statedb {',
        '    style=filled;',
        '    label="statedb";',
        '    fillcolor=grey',
        '    node [style=filled,fillcolor=white,color=black];',
        '    "statedb/db1" [ label = "db1" ];',
        '    "statedb/my db" [ label = "my db" ];',
        '  }',
        '  subgraph cluster_my_container {',
        '    style=filled;',
        '    label="my-container";',
        '    fillcolor=grey',
        '    node [style=filled,fillcolor=white,color=black];',
        '  }',
        '  subgraph cluster_otherdb {',
        '    style=filled;',
        '    label="otherdb";',
        '    fillcolor=grey',
        '    node [style=filled,fillcolor=white,color=black];',
        '    "otherdb/db2" [ label = "db2" ];',
        '  }',
        '}',
        '',
      ].join('\n'),
    )
    const filtered = await runBin('dysnomia-containers', ['--generate-dot', '-C', 'otherdb'], { env: t.env })
    expect(filtered.stdout).not.toContain('statedb')
    expect(filtered.stdout).toContain('"otherdb/db2" [ label = "db2" ];')
  })
})

describe('dysnomia-containers --help', () => {
  test('documents every action, option and environment variable', async () => {
    const result = await runBin('dysnomia-containers', ['--help'])
    expect(result.exitCode).toBe(0)
    for (const text of [
      '--query-containers',
      '--query-available-components',
      '--query-activated-components',
      '--query-garbage',
      '--generate-expr',
      '--generate-dot',
      '--operation',
      '--deploy',
      '--snapshot',
      '--restore',
      '--collect-garbage',
      '--container',
      '-y',
      'DYSNOMIA_COMPONENTS_PATH',
      'DYSNOMIA_CONTAINERS_PATH',
      'DYSNOMIA_PROPERTIES',
      'DYSNOMIA_STATEDIR',
      'Exit status:',
    ]) {
      expect(result.stdout).toContain(text)
    }
  })
})
