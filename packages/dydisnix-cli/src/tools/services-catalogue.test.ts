import { readdir, readFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { describe, expect, test } from 'vitest'
import { installRoot } from '@disnix-ts/libmain'
import { nixTestEnv, runBin, testDir } from '@disnix-ts/test-utils'

const dir = join(installRoot(), 'packages', 'dydisnix-cli', 'fixtures', 'docs')
const models = join(installRoot(), 'packages', 'dydisnix-cli', 'fixtures', 'models')
const env = nixTestEnv()

async function files(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true })
  return entries.filter((e) => e.isFile()).map((e) => relative(root, join(e.parentPath, e.name))).sort()
}

describe('dydisnix-visualize-services', () => {
  test('the root diagram: groups as dashed nodes, dependsOn solid, connectsTo dashed', async () => {
    const r = await runBin('dydisnix-visualize-services', ['-s', join(dir, 'services.nix'), '--group-subservices'], { env })
    expect(r.exitCode, r.stderr).toBe(0)
    expect(r.stdout).toContain('"Homework" [ label = "Homework", style = "filled,dashed" ]')
    expect(r.stdout).toContain('"portal" -> "Homework"\n')
    expect(r.stdout).toContain('"portal" -> "Literature" [ style = dashed ]')
    expect(r.stdout).toContain('"Homework" -> "usersdb"')
  })

  test('one group with its context', async () => {
    const r = await runBin('dydisnix-visualize-services', ['-s', join(dir, 'services.nix'), '--group', 'Homework'], { env })
    expect(r.stdout).toContain('"homework" -> "homeworkdb"')
    expect(r.stdout).toContain('"usersdb" [ label = "usersdb\\n(mysql-database)", fillcolor = grey90 ]')
    expect(r.stdout).not.toContain('"search"')
  })
})

describe('dydisnix-visualize-infra', () => {
  test('one cluster per machine with its containers', async () => {
    const r = await runBin('dydisnix-visualize-infra', ['-i', join(installRoot(), 'packages', 'dydisnix-cli', 'fixtures', 'augment', 'infrastructure.nix')], { env })
    expect(r.exitCode, r.stderr).toBe(0)
    expect(r.stdout).toContain('subgraph "cluster_target_test1" {')
    expect(r.stdout).toContain('"test1:mysql-database" [ label = "mysql-database" ];')
    expect(r.stdout).toContain('"test2:" [ label = "(no containers)" ];')
  })
})

describe('dydisnix-generate-services-docs', () => {
  test('a catalogue: a page and a rendered diagram per group, linked, with the docs configuration', async () => {
    const out = await testDir()
    const r = await runBin('dydisnix-generate-services-docs', ['-s', join(dir, 'services.nix'), '--docs', join(dir, 'docs.nix'), '-f', 'svg', '--output-dir', out], { env })
    expect(r.exitCode, r.stderr).toBe(0)
    expect(await files(out)).toEqual([
      'Homework/diagram.dot',
      'Homework/diagram.dot.svg',
      'Homework/index.html',
      'Literature/Search/diagram.dot',
      'Literature/Search/diagram.dot.svg',
      'Literature/Search/index.html',
      'Literature/diagram.dot',
      'Literature/diagram.dot.svg',
      'Literature/index.html',
      'diagram.dot',
      'diagram.dot.svg',
      'index.html',
      'style.css',
    ])
    const index = await readFile(join(out, 'index.html'), 'utf8')
    expect(index).toContain('<img src="diagram.dot.svg"')
    expect(index).toContain('<tr><th>Name</th><th>What it does</th><th>Type</th></tr>')
    expect(index).toContain('<tr><td>portal</td><td>Entry page</td><td>apache-webapplication</td></tr>')
    expect(index).toContain('<tr><td><a href="Homework/index.html">Homework</a></td><td>Homework subsystem</td></tr>')
    const homework = await readFile(join(out, 'Homework', 'index.html'), 'utf8')
    expect(homework).toContain('<h1>Homework subsystem</h1>')
    expect(homework).toContain('<link rel="stylesheet" type="text/css" href="../style.css">')
    expect(homework).toContain('<td>Homework &lt;submissions&gt;</td>')
    const literature = await readFile(join(out, 'Literature', 'index.html'), 'utf8')
    expect(literature).toContain('<a href="Search/index.html">Search</a></td><td>Searching the literature</td>')
    expect(await readFile(join(out, 'diagram.dot.svg'), 'utf8')).toContain('<svg')
  })

  test('a bad docs configuration is named with its attribute', async () => {
    const bad = join(dir, 'docs-bad.nix')
    const r = await runBin('dydisnix-document-services', ['-s', join(dir, 'services.nix'), '--docs', bad], { env })
    expect(r).toEqual({ exitCode: 1, stdout: '', stderr: `[coordinator]: docs configuration ${bad}: attribute \`fields' must be a list of service property names\n` })
  })

  test('dydisnix-document-services prints one page', async () => {
    const r = await runBin('dydisnix-document-services', ['-s', join(models, 'services.nix')], { env })
    expect(r.exitCode, r.stderr).toBe(0)
    expect(r.stdout).toContain('<tr><th>Name</th><th>Description</th><th>Type</th></tr>')
    expect(r.stdout).toContain('<tr><td>web</td><td></td><td>wrapper</td></tr>')
  })
})

describe('dydisnix-previous-distribution', () => {
  test('nothing deployed yet: an empty distribution', async () => {
    const r = await runBin('dydisnix-previous-distribution', ['--coordinator-profile-path', await testDir()])
    expect(r).toEqual({ exitCode: 0, stderr: '', stdout: '{ }\n' })
  })
})
