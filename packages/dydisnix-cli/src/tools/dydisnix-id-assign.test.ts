import { copyFile, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { installRoot } from '@disnix-ts/libmain'
import { nixTestEnv, runBin, testDir } from '@disnix-ts/test-utils'

const dir = join(installRoot(), 'packages', 'dydisnix-cli', 'fixtures', 'ids')
const env = nixTestEnv()

describe('dydisnix-id-assign', () => {
  test('a session: IDs are assigned, kept across runs, moved services get free IDs, removed ones are dropped', async () => {
    const work = await testDir()
    const ids = join(work, 'ids.nix')
    const common = ['-s', join(dir, 'services.nix'), '-i', join(dir, 'infrastructure.nix'), '--id-resources', join(dir, 'idresources.nix'), '--output-file', ids]
    const first = await runBin('dydisnix-id-assign', [...common, '-d', join(dir, 'distribution.nix')], { env })
    expect(first.exitCode, first.stderr).toBe(0)
    expect(first.stdout).toBe('')
    expect(await readFile(ids, 'utf8')).toBe(
      [
        '{',
        '  "ids" = {',
        '    "ports" = {',
        '      "api" = 3000;',
        '      "web" = 3001;',
        '    };',
        '    "uids" = {',
        '      "api" = 2000;',
        '      "db" = 2000;',
        '      "web" = 2001;',
        '    };',
        '  };',
        '  "lastAssignments" = {',
        '    "ports" = 3001;',
        '  };',
        '  "lastAssignmentsPerTarget" = {',
        '    "test1" = {',
        '      "uids" = 2001;',
        '    };',
        '    "test2" = {',
        '      "uids" = 2000;',
        '    };',
        '  };',
        '  "assignmentTargets" = {',
        '    "uids" = {',
        '      "api" = "test2";',
        '      "db" = "test1";',
        '      "web" = "test1";',
        '    };',
        '  };',
        '}',
        '',
      ].join('\n'),
    )
    // the same models again: nothing changes
    const again = await runBin('dydisnix-id-assign', [...common, '-d', join(dir, 'distribution.nix'), '--ids', ids], { env })
    expect(again.exitCode, again.stderr).toBe(0)
    const kept = await readFile(ids, 'utf8')
    expect(kept).toContain('"api" = 3000;')
    // api moves to test1 (where 2000 was db's, and db is gone): its port stays, its UID is the next free
    // one on test1 after the last one handed out there (2001) — 2002
    const moved = await runBin('dydisnix-id-assign', [...common, '-d', join(dir, 'distribution-moved.nix'), '--ids', ids, '--output-xml'], { env })
    expect(moved.exitCode, moved.stderr).toBe(0)
    const xml = await readFile(ids, 'utf8')
    expect(xml).toContain('<resource name="ports">\n      <assignment name="api">3000</assignment>\n      <assignment name="web">3001</assignment>\n    </resource>')
    expect(xml).toContain('<resource name="uids">\n      <assignment name="api">2002</assignment>\n      <assignment name="web">2001</assignment>\n    </resource>')
    expect(xml).not.toContain('name="db"')
    // test2 still runs a service (cron), so its last UID is remembered
    expect(xml).toContain('<target name="test2">\n      <assignment name="uids">2000</assignment>')
  })

  test('the IDs file can be read back from XML', async () => {
    const work = await testDir()
    const xml = join(work, 'ids.xml')
    const out = await runBin('dydisnix-id-assign', ['-s', join(dir, 'services.nix'), '-i', join(dir, 'infrastructure.nix'), '-d', join(dir, 'distribution.nix'), '--id-resources', join(dir, 'idresources.nix'), '--output-xml', '--output-file', xml], { env })
    expect(out.exitCode, out.stderr).toBe(0)
    await copyFile(join(dir, 'idresources.nix'), join(work, 'idresources.nix'))
    const services = await runBin('dydisnix-xml', ['-s', join(dir, 'services.nix')], { env })
    const { writeFile } = await import('node:fs/promises')
    await writeFile(join(work, 'services.xml'), services.stdout)
    const resources = await runBin('dydisnix-xml', ['--id-resources', join(dir, 'idresources.nix')], { env })
    await writeFile(join(work, 'idresources.xml'), resources.stdout)
    const r = await runBin('dydisnix-id-assign', ['-s', join(work, 'services.xml'), '--id-resources', join(work, 'idresources.xml'), '--ids', xml, '--xml'], { env })
    // without a distribution only global resources are allowed
    expect(r).toEqual({
      exitCode: 1,
      stdout: '',
      stderr: `[coordinator]: ID resources model ${join(work, 'idresources.xml')}: resource \`uids' has scope "machine", which needs a distribution model (-d) to know the machines\n`,
    })
  })

  test('a bad ID resources model gets a message naming the file and the attribute', async () => {
    const bad = join(dir, 'idresources-bad.nix')
    const r = await runBin('dydisnix-id-assign', ['-s', join(dir, 'services.nix'), '--id-resources', bad], { env })
    expect(r).toEqual({ exitCode: 1, stdout: '', stderr: `[coordinator]: ID resources model ${bad}: resource \`uids': attribute \`max' must be an integer, but it is a string ("2999")\n` })
  })
})
