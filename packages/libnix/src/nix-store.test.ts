import { createReadStream, createWriteStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import { finished } from 'node:stream/promises'
import { execa } from 'execa'
import { describe, expect, test } from 'vitest'
import { buildTestClosure, nixTestEnv, testDir } from '@disnix-ts/test-utils'
import { exportPaths, importPaths, printInvalid, queryHash, queryRequisites, realise } from './nix-store.js'

const env = nixTestEnv()

describe('queryRequisites', () => {
  test('lists the closure with the root last', async () => {
    const closure = await buildTestClosure()
    expect(await queryRequisites([closure.service], { env })).toEqual([closure.lib, closure.conf, closure.service])
  })

  test('fails with a message naming the step for an invalid path', async () => {
    await expect(queryRequisites(['/nix/store/00000000000000000000000000000000-nope'], { env, step: 'querying requisites' })).rejects.toThrow(
      /querying requisites: failed \(exit status 1\)\n.*is not valid/,
    )
  })
})

describe('printInvalid', () => {
  test('prints only the invalid paths', async () => {
    const closure = await buildTestClosure()
    const missing = '/nix/store/00000000000000000000000000000000-missing'
    expect(await printInvalid([closure.service, missing, closure.lib], { env })).toEqual([missing])
    expect(await printInvalid([closure.service], { env })).toEqual([])
  })
})

describe('exportPaths and importPaths', () => {
  test('round-trip through a file restores deleted paths with the same hashes', async () => {
    const dir = await testDir()
    const closure = await buildTestClosure()
    const hashes = await Promise.all(closure.paths.map((p) => queryHash(p, { env })))
    const file = join(dir, 'closure.export')
    await exportPaths(closure.paths, { file }, { env })
    expect((await stat(file)).size).toBeGreaterThan(0)
    await execa('nix-store', ['--delete', ...closure.paths], { env })
    expect(await printInvalid(closure.paths, { env })).toEqual(closure.paths)
    const imported = await importPaths({ file }, { env })
    expect(imported.sort()).toEqual([...closure.paths].sort())
    expect(await printInvalid(closure.paths, { env })).toEqual([])
    expect(await Promise.all(closure.paths.map((p) => queryHash(p, { env })))).toEqual(hashes)
  })

  test('round-trip through streams', async () => {
    const dir = await testDir()
    const closure = await buildTestClosure()
    const file = join(dir, 'stream.export')
    const out = createWriteStream(file)
    await exportPaths(closure.paths, out, { env })
    out.end()
    await finished(out)
    await execa('nix-store', ['--delete', ...closure.paths], { env })
    const imported = await importPaths(createReadStream(file), { env })
    expect(imported).toHaveLength(3)
    expect(await printInvalid(closure.paths, { env })).toEqual([])
  })
})

describe('realise', () => {
  test('builds a derivation and prints its output', async () => {
    const dir = await testDir()
    const expr = join(dir, 'drv.nix')
    const tag = `${process.pid}-${Date.now()}`
    const { writeFile } = await import('node:fs/promises')
    await writeFile(expr, `derivation { name = "realise-${tag}"; system = builtins.currentSystem; builder = "/bin/sh"; args = [ "-c" "echo ok > $out" ]; }`)
    const { stdout: drv } = await execa('nix-instantiate', [expr], { env })
    const outputs = await realise([drv.trim()], { env })
    expect(outputs).toHaveLength(1)
    expect(outputs[0]).toMatch(new RegExp(`-realise-${tag}$`))
  })
})
