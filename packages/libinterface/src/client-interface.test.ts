import { chmod, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { describe, expect, test } from 'vitest'
import { testDir } from '@disnix-ts/libmain/testing'
import {
  activate,
  captureConfig,
  cleanSnapshots,
  collectGarbage,
  deactivate,
  deleteState,
  exportClosure,
  exportSnapshots,
  importClosure,
  importSnapshots,
  lock,
  printInvalid,
  printMissingSnapshots,
  queryAllSnapshots,
  queryInstalled,
  queryLatestSnapshot,
  queryRequisites,
  realise,
  resolveInterface,
  resolveSnapshots,
  restore,
  setProfile,
  snapshot,
  unlock,
  type InterfaceCall,
} from './index.js'

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
  const call: InterfaceCall = { interface: path, target: 'test1' }
  const argv = async () => (await readFile(record, 'utf8')).split('\0').slice(0, -1)
  const pgid = async () => Number((await readFile(`${record}.pgid`, 'utf8')).trim())
  return { call, argv, pgid }
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`
}

const T = ['--target', 'test1']
const service = { component: '/nix/store/abc-svc', container: 'c 1', type: 'echo', arguments: ['a=b c', 'x=$(y)'] }

describe('client-interface operations spawn the interface with the argv of spec §3.1', () => {
  test.each([
    ['printInvalid', (c: InterfaceCall) => printInvalid(c, ['/p1', '/p2']), [...T, '--print-invalid', '/p1', '/p2']],
    ['importClosure', (c: InterfaceCall) => importClosure(c, '/tmp/f'), ['--import', ...T, '--localfile', '/tmp/f']],
    ['importClosure remote', (c: InterfaceCall) => importClosure(c, '/tmp/f', 'remote'), ['--import', ...T, '--remotefile', '/tmp/f']],
    ['exportClosure', (c: InterfaceCall) => exportClosure(c, ['/p1']), [...T, '--export', '--remotefile', '/p1']],
    ['queryRequisites', (c: InterfaceCall) => queryRequisites(c, ['/p1']), ['--query-requisites', ...T, '/p1']],
    ['realise', (c: InterfaceCall) => realise(c, ['/d.drv']), ['--realise', ...T, '/d.drv']],
    ['setProfile', (c: InterfaceCall) => setProfile(c, 'default', '/p'), [...T, '--profile', 'default', '--set', '/p']],
    ['queryInstalled', (c: InterfaceCall) => queryInstalled(c, 'default'), [...T, '--profile', 'default', '--query-installed']],
    ['collectGarbage', (c: InterfaceCall) => collectGarbage(c), [...T, '--collect-garbage']],
    ['collectGarbage -d', (c: InterfaceCall) => collectGarbage(c, true), [...T, '--collect-garbage', '-d']],
    ['lock', (c: InterfaceCall) => lock(c, 'p'), ['--lock', ...T, '--profile', 'p']],
    ['unlock', (c: InterfaceCall) => unlock(c, 'p'), ['--unlock', ...T, '--profile', 'p']],
    ['captureConfig', (c: InterfaceCall) => captureConfig(c), ['--capture-config', ...T]],
    ['cleanSnapshots', (c: InterfaceCall) => cleanSnapshots(c, 2, { container: 'c', component: 'x' }), [...T, '--clean-snapshots', '--keep', '2', '--container', 'c', '--component', 'x']],
    ['cleanSnapshots unfiltered', (c: InterfaceCall) => cleanSnapshots(c, 1), [...T, '--clean-snapshots', '--keep', '1']],
    ['queryAllSnapshots', (c: InterfaceCall) => queryAllSnapshots(c, { container: 'c', component: 'x' }), [...T, '--query-all-snapshots', '--container', 'c', '--component', 'x']],
    ['queryLatestSnapshot', (c: InterfaceCall) => queryLatestSnapshot(c, { container: 'c' }), [...T, '--query-latest-snapshot', '--container', 'c']],
    ['printMissingSnapshots', (c: InterfaceCall) => printMissingSnapshots(c, ['c/x/1']), [...T, '--print-missing-snapshots', 'c/x/1']],
    ['resolveSnapshots', (c: InterfaceCall) => resolveSnapshots(c, ['c/x/1']), [...T, '--resolve-snapshots', 'c/x/1']],
    [
      'importSnapshots',
      (c: InterfaceCall) => importSnapshots(c, { container: 'c', component: 'x', paths: ['/s/1'], where: 'local' }),
      [...T, '--import-snapshots', '--localfile', '--container', 'c', '--component', 'x', '/s/1'],
    ],
    ['exportSnapshots', (c: InterfaceCall) => exportSnapshots(c, ['/s/1']), [...T, '--export-snapshots', '/s/1']],
  ] as const)('%s', async (_name, operation, expected) => {
    const iface = await recordingInterface()
    await operation(iface.call)
    expect(await iface.argv()).toEqual(expected)
  })

  test.each([
    ['activate', activate],
    ['deactivate', deactivate],
    ['snapshot', snapshot],
    ['restore', restore],
    ['delete-state', deleteState],
  ] as const)('%s runs in its own process group with every argument intact', async (op, operation) => {
    const iface = await recordingInterface()
    await operation(iface.call, service)
    expect(await iface.argv()).toEqual([`--${op}`, ...T, '--container', 'c 1', '--type', 'echo', '--arguments', 'a=b c', '--arguments', 'x=$(y)', '/nix/store/abc-svc'])
    const ownGroup = Number((await import('node:child_process')).execSync(`ps -o pgid= -p ${process.pid}`).toString().trim())
    expect(await iface.pgid()).not.toBe(ownGroup)
  })
})

describe('results and failures', () => {
  test('stdout becomes lines without the trailing empty element; export strips the newline', async () => {
    expect(await printInvalid((await recordingInterface()).call, ['/p'])).toEqual(['line one', 'line two'])
    expect(await exportClosure((await recordingInterface('/tmp/disnix.abc\n')).call, ['/p'])).toBe('/tmp/disnix.abc')
    expect(await queryRequisites((await recordingInterface('')).call, ['/p'])).toEqual([])
    expect(await queryInstalled((await recordingInterface('<xml/>\n')).call, 'p')).toBe('<xml/>\n')
  })

  test('a failure names the target and the step and carries the stderr', async () => {
    const iface = await recordingInterface('', 3)
    await expect(importClosure(iface.call, '/tmp/f')).rejects.toMatchObject({
      code: 'INTERFACE_FAILED',
      message: expect.stringMatching(/^\[target: test1\]: import closure failed \(.*iface: exit status 3\)\nsome warning$/),
    })
  })

  test('stderr goes to the given sink as it comes', async () => {
    const iface = await recordingInterface()
    const sink = new PassThrough()
    let seen = ''
    sink.on('data', (chunk) => (seen += String(chunk)))
    await printInvalid({ ...iface.call, stderr: sink }, ['/p'])
    expect(seen).toBe('some warning\n')
  })

  test('an abort signal cancels the call', async () => {
    const dir = await testDir()
    const path = join(dir, 'slow')
    await writeFile(path, '#!/bin/sh\nexec sleep 30\n')
    await chmod(path, 0o755)
    const controller = new AbortController()
    const pending = printInvalid({ interface: path, target: 't', signal: controller.signal }, ['/p'])
    setTimeout(() => controller.abort(), 100)
    await expect(pending).rejects.toMatchObject({ code: 'INTERFACE_CANCELLED' })
  })

  test('our own interfaces are found next to this installation, others on PATH', () => {
    expect(resolveInterface('disnix-run-activity')).toMatch(/\/bin\/disnix-run-activity$/)
    expect(resolveInterface('disnix-client')).toMatch(/^\/.*\/bin\/disnix-client$/)
    expect(resolveInterface('my-soap-client')).toBe('my-soap-client')
  })
})
