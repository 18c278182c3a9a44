import { describe, expect, expectTypeOf, test } from 'vitest'
import type { ClientInterface } from './client-interface.js'
import { formatCheckOutcome, parseCheckOutcome, type CheckOutcome } from './interface-result.js'
import { OPERATION_NAMES, type InterfaceRequest, type Operation } from './operations.js'
import { interfaceArgv, parseInterfaceArgv, parseRequest, requestArgv } from './request-argv.js'
import { valueOptions } from './request-options.js'

const activity = { component: '/nix/store/abc-svc', container: 'c 1', type: 'echo', arguments: ['a=b c', 'x=$(y)'] }

/** One request per operation, as a coordinator makes it (every field it sends). */
const REQUESTS: Record<Operation, InterfaceRequest> = {
  import: { op: 'import', where: 'local', paths: ['/tmp/f'] },
  export: { op: 'export', where: 'remote', paths: ['/p1', '/p2'] },
  'print-invalid': { op: 'print-invalid', paths: ['/p1', '/p2'] },
  realise: { op: 'realise', paths: ['/d.drv'] },
  set: { op: 'set', profile: 'default', path: '/p' },
  'query-installed': { op: 'query-installed', profile: 'default' },
  'query-requisites': { op: 'query-requisites', paths: ['/p1'] },
  'collect-garbage': { op: 'collect-garbage', deleteOld: true },
  activate: { op: 'activate', ...activity },
  deactivate: { op: 'deactivate', ...activity },
  'delete-state': { op: 'delete-state', ...activity },
  snapshot: { op: 'snapshot', ...activity },
  restore: { op: 'restore', ...activity },
  check: { op: 'check', ...activity },
  'activate-check': { op: 'activate-check', ...activity },
  lock: { op: 'lock', profile: 'p' },
  unlock: { op: 'unlock', profile: 'p' },
  shell: { op: 'shell', ...activity, command: 'echo $foo' },
  'capture-config': { op: 'capture-config' },
  'clean-snapshots': { op: 'clean-snapshots', keep: 2, container: 'c', component: 'x' },
  'query-all-snapshots': { op: 'query-all-snapshots', container: 'c', component: 'x' },
  'query-latest-snapshot': { op: 'query-latest-snapshot', container: 'c' },
  'print-missing-snapshots': { op: 'print-missing-snapshots', snapshots: ['c/x/1', 'c/x/2'] },
  'import-snapshots': { op: 'import-snapshots', where: 'local', container: 'c', component: 'x', paths: ['/s/1'] },
  'resolve-snapshots': { op: 'resolve-snapshots', snapshots: ['c/x/1'] },
  'export-snapshots': { op: 'export-snapshots', paths: ['/s/1'] },
  'put-secret': { op: 'put-secret', profile: 'p', container: 'db', service: 'abc123', secret: 'dbPassword', owner: 'mysql', group: 'mysql', file: '/etc/db-password' },
  'remove-secrets': { op: 'remove-secrets', profile: 'p', container: 'db', service: 'abc123' },
}

const S = ['--profile', 'p', '--container', 'db', '--service', 'abc123']

const T = ['--target', 'test1']
const A = ['--arguments', 'a=b c', '--arguments', 'x=$(y)']

/** The argv of spec §3.1 for each request above: what a client interface is started with. */
const CALL_ARGV: Record<Operation, string[]> = {
  import: ['--import', ...T, '--localfile', '/tmp/f'],
  export: [...T, '--export', '--remotefile', '/p1', '/p2'],
  'print-invalid': [...T, '--print-invalid', '/p1', '/p2'],
  realise: ['--realise', ...T, '/d.drv'],
  set: [...T, '--profile', 'default', '--set', '/p'],
  'query-installed': [...T, '--profile', 'default', '--query-installed'],
  'query-requisites': ['--query-requisites', ...T, '/p1'],
  'collect-garbage': [...T, '--collect-garbage', '-d'],
  activate: ['--activate', ...T, '--container', 'c 1', '--type', 'echo', ...A, '/nix/store/abc-svc'],
  deactivate: ['--deactivate', ...T, '--container', 'c 1', '--type', 'echo', ...A, '/nix/store/abc-svc'],
  'delete-state': ['--delete-state', ...T, '--container', 'c 1', '--type', 'echo', ...A, '/nix/store/abc-svc'],
  snapshot: ['--snapshot', ...T, '--container', 'c 1', '--type', 'echo', ...A, '/nix/store/abc-svc'],
  restore: ['--restore', ...T, '--container', 'c 1', '--type', 'echo', ...A, '/nix/store/abc-svc'],
  check: ['--check', ...T, '--container', 'c 1', '--type', 'echo', ...A, '/nix/store/abc-svc'],
  'activate-check': ['--activate-check', ...T, '--container', 'c 1', '--type', 'echo', ...A, '/nix/store/abc-svc'],
  lock: ['--lock', ...T, '--profile', 'p'],
  unlock: ['--unlock', ...T, '--profile', 'p'],
  shell: ['--shell', ...T, '--container', 'c 1', '--type', 'echo', ...A, '/nix/store/abc-svc', '--command', 'echo $foo'],
  'capture-config': ['--capture-config', ...T],
  'clean-snapshots': [...T, '--clean-snapshots', '--keep', '2', '--container', 'c', '--component', 'x'],
  'query-all-snapshots': [...T, '--query-all-snapshots', '--container', 'c', '--component', 'x'],
  'query-latest-snapshot': [...T, '--query-latest-snapshot', '--container', 'c'],
  'print-missing-snapshots': [...T, '--print-missing-snapshots', 'c/x/1', 'c/x/2'],
  'import-snapshots': [...T, '--import-snapshots', '--localfile', '--container', 'c', '--component', 'x', '/s/1'],
  'resolve-snapshots': [...T, '--resolve-snapshots', 'c/x/1'],
  'export-snapshots': [...T, '--export-snapshots', '/s/1'],
  'put-secret': ['--put-secret', ...T, ...S, '--secret', 'dbPassword', '--owner', 'mysql', '--group', 'mysql', '/etc/db-password'],
  'remove-secrets': ['--remove-secrets', ...T, ...S],
}

/** The remote client's argv (spec §3.2/3.3) for each request: what a transport runs on the target. */
const CLIENT_ARGV: Record<Operation, string[]> = {
  import: ['--import', '/tmp/f'],
  export: ['--export', '/p1', '/p2'],
  'print-invalid': ['--print-invalid', '/p1', '/p2'],
  realise: ['--realise', '/d.drv'],
  set: ['--set', '--profile', 'default', '/p'],
  'query-installed': ['--query-installed', '--profile', 'default'],
  'query-requisites': ['--query-requisites', '/p1'],
  'collect-garbage': ['--collect-garbage', '-d'],
  activate: ['--activate', '--type', 'echo', '--container', 'c 1', ...A, '/nix/store/abc-svc'],
  deactivate: ['--deactivate', '--type', 'echo', '--container', 'c 1', ...A, '/nix/store/abc-svc'],
  'delete-state': ['--delete-state', '--type', 'echo', '--container', 'c 1', ...A, '/nix/store/abc-svc'],
  snapshot: ['--snapshot', '--type', 'echo', '--container', 'c 1', ...A, '/nix/store/abc-svc'],
  restore: ['--restore', '--type', 'echo', '--container', 'c 1', ...A, '/nix/store/abc-svc'],
  check: ['--check', '--type', 'echo', '--container', 'c 1', ...A, '/nix/store/abc-svc'],
  'activate-check': ['--activate-check', '--type', 'echo', '--container', 'c 1', ...A, '/nix/store/abc-svc'],
  lock: ['--lock', '--profile', 'p'],
  unlock: ['--unlock', '--profile', 'p'],
  shell: ['--shell', '--type', 'echo', '--container', 'c 1', ...A, '--command', 'echo $foo', '/nix/store/abc-svc'],
  'capture-config': ['--capture-config'],
  'clean-snapshots': ['--clean-snapshots', '--keep', '2', '--container', 'c', '--component', 'x'],
  'query-all-snapshots': ['--query-all-snapshots', '--container', 'c', '--component', 'x'],
  'query-latest-snapshot': ['--query-latest-snapshot', '--container', 'c'],
  'print-missing-snapshots': ['--print-missing-snapshots', 'c/x/1', 'c/x/2'],
  'import-snapshots': ['--import-snapshots', '--container', 'c', '--component', 'x', '/s/1'],
  'resolve-snapshots': ['--resolve-snapshots', 'c/x/1'],
  'export-snapshots': ['--export-snapshots', '/s/1'],
  // The secret's file stays behind: its content goes to the remote client's stdin.
  'put-secret': ['--put-secret', ...S, '--secret', 'dbPassword', '--owner', 'mysql', '--group', 'mysql'],
  'remove-secrets': ['--remove-secrets', ...S],
}

/** The remote client form says nothing of where files are: the transport has dealt with that. */
function withoutWhere(request: InterfaceRequest): InterfaceRequest {
  const { where: _where, file: _file, ...rest } = request as InterfaceRequest & { where?: string; file?: string }
  return rest as InterfaceRequest
}

describe('the client-interface protocol', () => {
  test('every operation has a request in these tables', () => {
    expect(Object.keys(REQUESTS).sort()).toEqual([...OPERATION_NAMES].sort())
  })

  test.each(OPERATION_NAMES)('%s: request → interface argv (spec §3.1) → request', async (op) => {
    const request = REQUESTS[op]
    expect(interfaceArgv('test1', request)).toEqual(CALL_ARGV[op])
    expect(await parseInterfaceArgv(CALL_ARGV[op])).toEqual({ target: 'test1', request })
  })

  test.each(OPERATION_NAMES)('%s: request → remote client argv → request', async (op) => {
    const request = withoutWhere(REQUESTS[op])
    expect(requestArgv(request)).toEqual(CLIENT_ARGV[op])
    expect(await parseInterfaceArgv(CLIENT_ARGV[op])).toEqual({ target: undefined, request })
  })

  test.each(OPERATION_NAMES)('%s: request → JSON → request', (op) => {
    const request = REQUESTS[op]
    expect(parseRequest(JSON.parse(JSON.stringify(request)))).toEqual(request)
  })

  test.each([
    // The original's spellings: short options, options in any order, several operations (the last counts).
    [['-t', 'box', '-r', '/d.drv'], ['--realise', '--target', 'box', '/d.drv']],
    [['-q', '-p', 'prof', '--target', 'box'], ['--target', 'box', '--profile', 'prof', '--query-installed']],
    [['--target', 'box', '--collect-garbage', '-d'], ['--target', 'box', '--collect-garbage', '-d']],
    [['--type', 'process', '--activate', '-C', 'box', '/nix/store/s', '--target', 'b'], ['--activate', '--target', 'b', '--container', 'box', '--type', 'process', '/nix/store/s']],
    [['--target', 'b', '--deactivate', '--type', 't', '/nix/store/s'], ['--deactivate', '--target', 'b', '--container', 't', '--type', 't', '/nix/store/s']],
    [['--target', 'b', '--query-all-snapshots', '-C', 'c', '-c', 'x'], ['--target', 'b', '--query-all-snapshots', '--container', 'c', '--component', 'x']],
    [['--target', 'b', '--clean-snapshots'], ['--target', 'b', '--clean-snapshots', '--keep', '1']],
    [['--lock', '--unlock', '--target', 'b'], ['--unlock', '--target', 'b']],
    [['--target', 'b', '--import-snapshots', '--remotefile', '-C', 'c', '-c', 'x', '/var/s1'], ['--target', 'b', '--import-snapshots', '--remotefile', '--container', 'c', '--component', 'x', '/var/s1']],
  ])('%j reads as the request that is written %j', async (argv, written) => {
    const { target, request } = await parseInterfaceArgv(argv)
    expect(interfaceArgv(target!, request)).toEqual(written)
  })

  test.each([
    [[], 'ERROR: No operation specified!'],
    [['--activate', '/nix/store/s'], 'ERROR: A type must be specified!'],
    [['--deactivate', '--type', 'echo'], 'ERROR: A Nix store component has to be specified!'],
    [['--import', '--localfile'], 'ERROR: A Nix store component has to be specified!'],
    [['--set', '-p', 'p'], 'ERROR: A Nix store component has to be specified!'],
    [['--resolve-snapshots'], 'ERROR: A Dysnomia snapshot has to be specified!'],
    [['--import-snapshots', '--localfile'], 'ERROR: A Dysnomia snapshot has to be specified!'],
    [['--put-secret', '--service', 'k', '--secret', 's'], 'ERROR: A container must be specified!'],
    [['--put-secret', '--container', 'c', '--secret', 's'], 'ERROR: A service key must be specified!'],
    [['--put-secret', '--container', 'c', '--service', 'k'], 'ERROR: A secret name must be specified!'],
    [['--remove-secrets', '--container', 'c'], 'ERROR: A service key must be specified!'],
    [['--put-secret', '--container', 'c', '--service', 'k', '--secret', '../x'], 'ERROR: Invalid secret: "../x"'],
    [['--remove-secrets', '--container', '..', '--service', 'k'], 'ERROR: Invalid container: ".."'],
    [['--put-secret', '--container', 'c', '--service', 'k', '--secret', 's', '--owner', '-x'], 'ERROR: Invalid owner: "-x"'],
  ])('%j is refused with the original message', async (argv, message) => {
    await expect(parseInterfaceArgv(argv)).rejects.toMatchObject({ code: 'USAGE', message })
  })

  test('a profile that cannot be a file name is refused first where the target side parses', async () => {
    await expect(parseInterfaceArgv(['--set', '--profile', '../x'], { checkProfile: true })).rejects.toMatchObject({ code: 'USAGE', message: 'ERROR: Invalid profile name: "../x"' })
    await expect(parseInterfaceArgv(['--lock', '--profile', 'a/b'], { checkProfile: true })).rejects.toMatchObject({ message: 'ERROR: Invalid profile name: "a/b"' })
    // A transport forwards it: the target refuses it.
    expect((await parseInterfaceArgv(['--lock', '--profile', 'a/b'])).request).toEqual({ op: 'lock', profile: 'a/b' })
    // Operations without a profile ignore the option.
    expect((await parseInterfaceArgv(['--collect-garbage', '--profile', 'a/b'], { checkProfile: true })).request).toEqual({ op: 'collect-garbage', deleteOld: false })
  })

  test.each([
    ['not an object', [], 'Invalid request: the request is not a JSON object'],
    ['an unknown operation', { op: 'reboot' }, 'Invalid request: unknown operation: reboot'],
    ['an unknown field', { op: 'lock', profile: 'p', force: true }, 'Invalid request: unknown field of lock: force'],
    ['a path that passes as an option', { op: 'print-invalid', paths: ['--delete'] }, "Invalid request: paths must be a non-empty string that does not start with '-'"],
    ['a missing type', { op: 'activate', component: '/nix/store/s', container: 'c', arguments: [] }, "Invalid request: type must be a non-empty string that does not start with '-'"],
    ['a profile that is not a string', { op: 'set', profile: 1, path: '/nix/store/p' }, 'Invalid request: profile must be a string'],
    ['a negative keep', { op: 'clean-snapshots', keep: -1 }, 'Invalid request: keep must be a whole number'],
    ['an odd place for files', { op: 'import', where: 'elsewhere', paths: ['/f'] }, 'Invalid request: where must be "local" or "remote"'],
    ['a secret name that is a path', { op: 'put-secret', container: 'c', service: 'k', secret: '../x' }, 'Invalid request: secret must be a valid name'],
    ['a service key that is a path', { op: 'remove-secrets', container: 'c', service: 'a/b' }, 'Invalid request: service must be a valid name'],
    ['secret content that is not base64', { op: 'put-secret', container: 'c', service: 'k', secret: 's', content: 'a b' }, 'Invalid request: content must be base64 text'],
  ])('JSON with %s is refused', (_what, value, message) => {
    expect(() => parseRequest(value)).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST', message }))
  })

  test('a secret travels in JSON as base64 content, never on a command line', () => {
    const request = { op: 'put-secret', container: 'c', service: 'k', secret: 's', content: Buffer.from('hunter2').toString('base64') } as const
    expect(parseRequest(request)).toEqual(request)
    expect(requestArgv(request).join(' ')).not.toContain(request.content)
    expect(interfaceArgv('t', request).join(' ')).not.toContain(request.content)
  })

  test('optional fields may be left out; empty filters count as left out', () => {
    expect(parseRequest({ op: 'lock' })).toEqual({ op: 'lock' })
    expect(parseRequest({ op: 'collect-garbage' })).toEqual({ op: 'collect-garbage', deleteOld: false })
    expect(parseRequest({ op: 'query-all-snapshots', container: '', component: 'x' })).toEqual({ op: 'query-all-snapshots', component: 'x' })
  })

  test('the options that take a value, for parsers of the contract', () => {
    expect(valueOptions()).toEqual(['--target', '--profile', '--type', '--arguments', '--container', '--component', '--keep', '--command', '--service', '--secret', '--owner', '--group'])
  })

  test('results are typed by their operation', () => {
    const call = (request: InterfaceRequest) => request
    const iface = { name: 'typed', call } as unknown as ClientInterface
    expectTypeOf(iface.call('t', { op: 'print-invalid', paths: [] })).resolves.toEqualTypeOf<string[]>()
    expectTypeOf(iface.call('t', { op: 'export', paths: [] })).resolves.toEqualTypeOf<string>()
    expectTypeOf(iface.call('t', { op: 'query-installed' })).resolves.toEqualTypeOf<string>()
    expectTypeOf(iface.call('t', { op: 'lock' })).resolves.toEqualTypeOf<void>()
    expectTypeOf(iface.call('t', { op: 'activate', ...activity })).resolves.toEqualTypeOf<void>()
    expectTypeOf(iface.call('t', { op: 'export-snapshots', paths: [] })).resolves.toEqualTypeOf<string[]>()
    expectTypeOf(iface.call('t', { op: 'shell', ...activity })).resolves.toEqualTypeOf<number>()
    expectTypeOf(iface.call('t', { op: 'check', ...activity })).resolves.toEqualTypeOf<CheckOutcome>()
    expectTypeOf(iface.call('t', { op: 'activate-check', ...activity })).resolves.toEqualTypeOf<CheckOutcome>()
  })

  test.each([
    ['healthy: process 12 is running\n', { status: 'healthy', reason: 'process 12 is running' }],
    ['some chatter\nfailing: connection refused\n', { status: 'failing', reason: 'connection refused' }],
    ['unknown: module echo does not implement check', { status: 'unknown', reason: 'module echo does not implement check' }],
    ['', { status: 'failing', reason: 'the check printed no result' }],
    ['ok\n', { status: 'failing', reason: 'unexpected check output: ok' }],
  ])('a check result %j reads as %j and is written back the same way', (stdout, outcome) => {
    expect(parseCheckOutcome(stdout)).toEqual(outcome)
    expect(parseCheckOutcome(formatCheckOutcome(outcome as CheckOutcome))).toEqual(outcome)
  })
})
