import { readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { buildTestClosure, nixTestEnv, runBin, suiteDir, writeSshTestInterface, runsHere } from '@disnix-ts/test-utils'
import { startTestnet, testnetAvailable, type Testnet } from '@disnix-ts/testnet/testing'
import { valueOptions } from '@disnix-ts/libinterface'

describe('disnix-copy-closure: bad input', () => {
  test.each([
    [['--to', '--target', 't1'], 'At least one path to the Nix store must be specified!\n'],
    [['--to', '/nix/store/x'], 'ERROR: A target address must be specified!\n'],
    [['--target', 't1', '/nix/store/x'], 'ERROR: Either the --from or --to option must be used!\n'],
    [['--to', '--from', '--target', 't1', '/nix/store/x'], 'ERROR: Either the --from or --to option must be used!\n'],
  ])('%j', async (args, message) => {
    expect(await runBin('disnix-copy-closure', args)).toEqual({ exitCode: 1, stdout: '', stderr: message })
  })

  test('a missing interface names the target and the step', async () => {
    const closure = await buildTestClosure()
    const result = await runBin('disnix-copy-closure', ['--to', '--target', 'box', '--interface', 'disnix-ts-no-such-interface', closure.service], { env: nixTestEnv() })
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toMatch(/^\[target: box\]: print invalid paths: cannot execute client interface disnix-ts-no-such-interface: not found\n/)
  })
})

const support = await testnetAvailable()
if (!support.ok) console.warn(`skipping the disnix-copy-closure network tests: ${support.reason}`)

describe.runIf(runsHere(support, 'a test network'))('disnix-copy-closure on a test network', () => {
  let net: Testnet
  let dir: string
  let iface: string
  const target = 'testtarget1'

  beforeAll(async () => {
    net = await startTestnet({ targets: 1 })
    dir = await suiteDir('disnix-copy-closure-')
    iface = await writeSshTestInterface(dir, net.sshConfig, valueOptions())
  }, 120_000)
  afterAll(async () => {
    await net?.down()
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  const copy = (direction: '--to' | '--from', paths: string[], log: string) =>
    runBin('disnix-copy-closure', [direction, '--target', target, ...paths], {
      env: { ...nixTestEnv(), DISNIX_CLIENT_INTERFACE: iface, IFACE_LOG: log, TMPDIR: dir },
    })
  const hash = async (path: string, where: 'here' | 'there') =>
    where === 'here'
      ? (await execa('nix-store', ['-q', '--hash', path], { env: nixTestEnv() })).stdout.trim()
      : (await net.exec(target, ['nix-store', '-q', '--hash', path])).stdout.trim()

  test('--to sends only the missing paths, and the copies have the coordinator\'s hashes', async () => {
    const closure = await buildTestClosure()
    await execa('sh', ['-c', 'nix-store --export "$1" | ssh -F "$2" "$3" nix-store --import', 'sh', closure.lib, net.sshConfig, target], { env: nixTestEnv() })
    const log = join(dir, 'to.log')
    const result = await copy('--to', [closure.service], log)
    expect(result).toMatchObject({ exitCode: 0, stdout: '' })
    const calls = (await readFile(log, 'utf8')).split('\n').filter(Boolean)
    // The target is asked about the path itself first; it lacks it, so about the rest of its closure.
    expect(calls[0]).toBe(`print-invalid ${closure.service}`)
    expect(calls[1]).toBe(`print-invalid ${closure.conf}`)
    expect(calls[2]).toMatch(/^import \//)
    expect(calls).toHaveLength(3)
    for (const path of closure.paths) expect(await hash(path, 'there')).toBe(await hash(path, 'here'))
    // The export file was removed afterwards.
    expect((await execa('ls', [dir])).stdout).not.toMatch(/disnix\./)

    await rm(log)
    // Now it has the path, so it has its closure: one question, nothing sent.
    expect(await copy('--to', [closure.service], log)).toMatchObject({ exitCode: 0 })
    expect(await readFile(log, 'utf8')).toBe('print-invalid\n')
  })

  test('--from fetches only what is missing here from the target', async () => {
    const closure = await buildTestClosure()
    expect((await copy('--to', [closure.service], join(dir, 'setup.log'))).exitCode).toBe(0)
    const hashes = await Promise.all(closure.paths.map((p) => hash(p, 'here')))
    await execa('nix-store', ['--delete', closure.conf, closure.service], { env: nixTestEnv() })
    const log = join(dir, 'from.log')
    const result = await copy('--from', [closure.service], log)
    expect(result).toMatchObject({ exitCode: 0, stdout: '' })
    const calls = (await readFile(log, 'utf8')).split('\n').filter(Boolean)
    expect(calls[0]).toBe(`query-requisites ${closure.paths.join(' ')}`)
    expect(calls[1]).toMatch(/^export \/tmp\/disnix\./)
    expect(await Promise.all(closure.paths.map((p) => hash(p, 'here')))).toEqual(hashes)
  })

  test('a failing remote step fails with the target named', async () => {
    const result = await copy('--from', ['/nix/store/00000000000000000000000000000000-missing'], join(dir, 'fail.log'))
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toMatch(/is not valid/)
    expect(result.stderr).toMatch(/\[target: testtarget1\]: query requisites failed/)
  })
})
