import { chmod, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { describe, expect, test } from 'vitest'
import { testDir } from '@disnix-ts/libmain/testing'
import { processInterface, resolveInterface, targetClient, type InterfaceRequest, type TargetClient } from './index.js'

/** A real executable standing in for a client interface: records its argv and process group. */
async function recordingInterface(output = 'line one\nline two\n', status = 0) {
  const dir = await testDir()
  const record = join(dir, 'record')
  const path = join(dir, 'iface')
  await writeFile(
    path,
    `#!/bin/sh\nfor a in "$@"; do printf '%s\\0' "$a"; done > ${record}\nps -o pgid= -p $$ | tr -d ' ' > ${record}.pgid\nprintf '%s' ${shellQuote(output)}\necho "some warning" >&2\nexit ${status}\n`,
  )
  await chmod(path, 0o755)
  const client = targetClient(processInterface(path), 'test1')
  const argv = async () => (await readFile(record, 'utf8')).split('\0').slice(0, -1)
  const pgid = async () => Number((await readFile(`${record}.pgid`, 'utf8')).trim())
  return { client, path, argv, pgid }
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`
}

const T = ['--target', 'test1']
const service = { component: '/nix/store/abc-svc', container: 'c 1', type: 'echo', arguments: ['a=b c', 'x=$(y)'] }
const printInvalid = (client: TargetClient, paths: string[]) => client.call({ op: 'print-invalid', paths })

describe('a process interface spawns the executable with the argv of spec §3.1', () => {
  test.each([
    ['print-invalid', { op: 'print-invalid', paths: ['/p1', '/p2'] }, [...T, '--print-invalid', '/p1', '/p2']],
    ['import', { op: 'import', where: 'local', paths: ['/tmp/f'] }, ['--import', ...T, '--localfile', '/tmp/f']],
    ['import remote', { op: 'import', where: 'remote', paths: ['/tmp/f'] }, ['--import', ...T, '--remotefile', '/tmp/f']],
    ['export', { op: 'export', where: 'remote', paths: ['/p1'] }, [...T, '--export', '--remotefile', '/p1']],
    ['query-requisites', { op: 'query-requisites', paths: ['/p1'] }, ['--query-requisites', ...T, '/p1']],
    ['realise', { op: 'realise', paths: ['/d.drv'] }, ['--realise', ...T, '/d.drv']],
    ['set', { op: 'set', profile: 'default', path: '/p' }, [...T, '--profile', 'default', '--set', '/p']],
    ['query-installed', { op: 'query-installed', profile: 'default' }, [...T, '--profile', 'default', '--query-installed']],
    ['collect-garbage', { op: 'collect-garbage', deleteOld: false }, [...T, '--collect-garbage']],
    ['collect-garbage -d', { op: 'collect-garbage', deleteOld: true }, [...T, '--collect-garbage', '-d']],
    ['lock', { op: 'lock', profile: 'p' }, ['--lock', ...T, '--profile', 'p']],
    ['unlock', { op: 'unlock', profile: 'p' }, ['--unlock', ...T, '--profile', 'p']],
    ['capture-config', { op: 'capture-config' }, ['--capture-config', ...T]],
    ['clean-snapshots', { op: 'clean-snapshots', keep: 2, container: 'c', component: 'x' }, [...T, '--clean-snapshots', '--keep', '2', '--container', 'c', '--component', 'x']],
    ['clean-snapshots unfiltered', { op: 'clean-snapshots', keep: 1 }, [...T, '--clean-snapshots', '--keep', '1']],
    ['query-all-snapshots', { op: 'query-all-snapshots', container: 'c', component: 'x' }, [...T, '--query-all-snapshots', '--container', 'c', '--component', 'x']],
    ['query-latest-snapshot', { op: 'query-latest-snapshot', container: 'c' }, [...T, '--query-latest-snapshot', '--container', 'c']],
    ['print-missing-snapshots', { op: 'print-missing-snapshots', snapshots: ['c/x/1'] }, [...T, '--print-missing-snapshots', 'c/x/1']],
    ['resolve-snapshots', { op: 'resolve-snapshots', snapshots: ['c/x/1'] }, [...T, '--resolve-snapshots', 'c/x/1']],
    [
      'import-snapshots',
      { op: 'import-snapshots', container: 'c', component: 'x', paths: ['/s/1'], where: 'local' },
      [...T, '--import-snapshots', '--localfile', '--container', 'c', '--component', 'x', '/s/1'],
    ],
    ['export-snapshots', { op: 'export-snapshots', paths: ['/s/1'] }, [...T, '--export-snapshots', '/s/1']],
  ] as const)('%s', async (_name, request, expected) => {
    const iface = await recordingInterface()
    await iface.client.call(request as InterfaceRequest)
    expect(await iface.argv()).toEqual(expected)
  })

  test.each(['activate', 'deactivate', 'snapshot', 'restore', 'delete-state'] as const)('%s runs in its own process group with every argument intact', async (op) => {
    const iface = await recordingInterface()
    await iface.client.call({ op, ...service })
    expect(await iface.argv()).toEqual([`--${op}`, ...T, '--container', 'c 1', '--type', 'echo', '--arguments', 'a=b c', '--arguments', 'x=$(y)', '/nix/store/abc-svc'])
    const ownGroup = Number((await import('node:child_process')).execSync(`ps -o pgid= -p ${process.pid}`).toString().trim())
    expect(await iface.pgid()).not.toBe(ownGroup)
  })
})

describe('results and failures', () => {
  test('stdout becomes lines without the trailing empty element; export strips the newline', async () => {
    expect(await printInvalid((await recordingInterface()).client, ['/p'])).toEqual(['line one', 'line two'])
    expect(await (await recordingInterface('/tmp/disnix.abc\n')).client.call({ op: 'export', where: 'remote', paths: ['/p'] })).toBe('/tmp/disnix.abc')
    expect(await (await recordingInterface('')).client.call({ op: 'query-requisites', paths: ['/p'] })).toEqual([])
    expect(await (await recordingInterface('<xml/>\n')).client.call({ op: 'query-installed', profile: 'p' })).toBe('<xml/>\n')
  })

  test('a failure names the target and the step and carries the stderr', async () => {
    const iface = await recordingInterface('', 3)
    await expect(iface.client.call({ op: 'import', where: 'local', paths: ['/tmp/f'] })).rejects.toMatchObject({
      code: 'INTERFACE_FAILED',
      message: expect.stringMatching(/^\[target: test1\]: import closure failed \(.*iface: exit status 3\)\nsome warning$/),
    })
  })

  test('stderr goes to the given sink as it comes', async () => {
    const iface = await recordingInterface()
    const sink = new PassThrough()
    let seen = ''
    sink.on('data', (chunk) => (seen += String(chunk)))
    await printInvalid(targetClient(processInterface(iface.path), 'test1', { stderr: sink }), ['/p'])
    expect(seen).toBe('some warning\n')
  })

  test('an abort signal cancels the call', async () => {
    const dir = await testDir()
    const path = join(dir, 'slow')
    await writeFile(path, '#!/bin/sh\nexec sleep 30\n')
    await chmod(path, 0o755)
    const controller = new AbortController()
    const pending = printInvalid(targetClient(processInterface(path), 't', { signal: controller.signal }), ['/p'])
    setTimeout(() => controller.abort(), 100)
    await expect(pending).rejects.toMatchObject({ code: 'INTERFACE_CANCELLED' })
  })

  test('our own interfaces are found next to this installation, others on PATH', () => {
    expect(resolveInterface('disnix-run-activity')).toMatch(/\/bin\/disnix-run-activity$/)
    expect(resolveInterface('disnix-client')).toMatch(/^\/.*\/bin\/disnix-client$/)
    expect(resolveInterface('my-soap-client')).toBe('my-soap-client')
  })
})
