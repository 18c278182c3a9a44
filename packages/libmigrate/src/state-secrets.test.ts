import { Writable } from 'node:stream'
import { describe, expect, test } from 'vitest'
import { interfaceError, type CallOptions, type ClientInterface, type InterfaceRequest } from '@disnix-ts/libinterface'
import { emptyManifest, type Manifest } from '@disnix-ts/libmanifest'
import { deleteObsoleteState, restoreServices, snapshotServices } from './index.js'

const PASSWORD = 'Kn0wn-State-Pa55-8812'
const LICENCE = 'Kn0wn-State-Licence-3301'

/**
 * An interface whose every state activity fails as a module that prints its environment would: its
 * stderr (relayed, or kept for the message) shows each argument, and it exits with status 1.
 */
function leakyInterface(calls: InterfaceRequest[]): ClientInterface {
  return {
    name: 'leaky',
    async call(target: string, request: InterfaceRequest, options: CallOptions = {}) {
      calls.push(request)
      const text = `cannot connect: ${'arguments' in request ? request.arguments.join(' ') : ''}\n`
      options.stderr?.write(text)
      throw interfaceError('leaky', target, request, { exitStatus: 1, stderr: options.stderr === undefined ? text : undefined }, options)
    },
  } as ClientInterface
}

const manifest: Manifest = {
  ...emptyManifest(),
  services: {
    abc: { name: 'db', pkg: '/nix/store/abc-db', type: 'mysql-database', dependsOn: [], connectsTo: [], providesContainers: {} },
  },
  infrastructure: {
    test1: {
      name: 'test1',
      properties: { hostname: 'test1' },
      containers: { 'mysql-database': { mysqlPassword: PASSWORD, licence: LICENCE, mysqlPort: 3306 } },
      system: 'x86_64-linux',
      numOfCores: 1,
      clientInterface: 'leaky',
      targetProperty: 'hostname',
    },
  },
  serviceMappings: [{ service: 'abc', container: 'mysql-database', target: 'test1' }],
  snapshotMappings: [{ service: 'abc', component: 'db', container: 'mysql-database', target: 'test1' }],
}

function collect(): { stream: Writable; text: () => string } {
  const chunks: string[] = []
  return {
    stream: new Writable({
      write(chunk: Buffer | string, _encoding, callback) {
        chunks.push(String(chunk))
        callback()
      },
    }),
    text: () => chunks.join(''),
  }
}

// A failing snapshot, restore or delete-state shows the values of secret properties (built-in words
// and those the session read from DISNIX_SECRET_PROPERTIES) as ***, in its error and in the
// interface's relayed output, as a failing activation does.
describe('state activities never show secret property values', () => {
  test.each([
    ['snapshot', (options: Parameters<typeof snapshotServices>[0]) => snapshotServices(options)],
    ['restore', (options: Parameters<typeof restoreServices>[0]) => restoreServices(options)],
  ] as const)('a failing %s: its message shows *** and the module got the values', async (op, run) => {
    const calls: InterfaceRequest[] = []
    const events: unknown[] = []
    const base = { manifest, noUpgrade: true, tmpdir: '/tmp', clientInterfaces: () => leakyInterface(calls), progress: (e: unknown) => void events.push(e) }
    const words = ['password', 'licence']

    const kept = await run({ ...base, secretProperties: words }).then(
      () => undefined,
      (error: unknown) => error as Error,
    )
    expect(calls.map((c) => c.op)).toEqual([op])
    expect('arguments' in calls[0]! && calls[0].arguments).toEqual([`licence=${LICENCE}`, `mysqlPassword=${PASSWORD}`, 'mysqlPort=3306'])
    expect(kept?.message).toMatch(/cannot connect: licence=\*\*\* mysqlPassword=\*\*\* mysqlPort=3306/)
    expect(kept?.message).not.toContain(PASSWORD)
    expect(kept?.message).not.toContain(LICENCE)
    expect(JSON.stringify(events)).not.toContain(PASSWORD)

    const relayed = collect()
    const error = await run({ ...base, secretProperties: words, interfaceStderr: relayed.stream }).catch((e: unknown) => e as Error)
    expect(relayed.text()).toBe('cannot connect: licence=*** mysqlPassword=*** mysqlPort=3306\n')
    expect(String(error)).not.toContain(PASSWORD)
  })

  test('without the session words, the built-in ones still hide the password', async () => {
    const calls: InterfaceRequest[] = []
    const progress = () => undefined
    const error = await deleteObsoleteState({ manifest, tmpdir: '/tmp', clientInterfaces: () => leakyInterface(calls), progress }).then(
      () => undefined,
      (e: unknown) => e as Error,
    )
    expect(calls.map((c) => c.op)).toEqual(['delete-state'])
    expect(error?.message).toMatch(/mysqlPassword=\*\*\*/)
    expect(error?.message).toContain(`licence=${LICENCE}`)
    expect(error?.message).not.toContain(PASSWORD)
  })
})
