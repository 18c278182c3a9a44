import { describe, expect, test } from 'vitest'
import type { InterfaceRequest } from '@disnix-ts/libinterface'
import { forwardedArgv } from './run-remote-request.js'
import { checkSshRequest } from './run-ssh-request.js'

const io = { remoteClient: 'disnix-run-activity' }
const activity = { component: '/nix/store/p', container: 'process', type: 'process', arguments: [] }

describe('forwardedArgv', () => {
  test('QUIRK 4 fixed: the container defaults to the type, not the literal "type"', () => {
    expect(forwardedArgv({ op: 'activate', ...activity }, io)).toEqual(['disnix-run-activity', '--activate', '--type', 'process', '--container', 'process', '/nix/store/p'])
  })
  test('--shell always runs disnix-run-activity, with --command', () => {
    expect(forwardedArgv({ op: 'shell', ...activity, type: 'echo', container: 'echo', command: 'ls -l' }, { remoteClient: 'disnix-client' })).toEqual([
      'disnix-run-activity', '--shell', '--type', 'echo', '--container', 'echo', '--command', 'ls -l', '/nix/store/p',
    ])
  })
  test('the profile is forwarded only when given', () => {
    expect(forwardedArgv({ op: 'lock' }, io)).toEqual(['disnix-run-activity', '--lock'])
    expect(forwardedArgv({ op: 'lock', profile: 'p' }, io)).toEqual(['disnix-run-activity', '--lock', '--profile', 'p'])
  })
  test('where the files are is the transport’s business, not the remote client’s', () => {
    expect(forwardedArgv({ op: 'import', where: 'remote', paths: ['/tmp/x'] }, { remoteClient: '/opt/rc' })).toEqual(['/opt/rc', '--import', '/tmp/x'])
  })
})

describe('checkSshRequest', () => {
  test.each([
    [{ op: 'import-snapshots', container: 'c', component: 'x', paths: ['/s'] }, 'ERROR: Either a remote or a localfile must be specified!'],
    [{ op: 'import', paths: ['/f'] }, 'ERROR: Either a remote or a localfile must be specified!'],
    [{ op: 'export-snapshots', paths: ['relative'] }, 'ERROR: --export-snapshots takes absolute remote snapshot paths'],
  ] as [InterfaceRequest, string][])('%j is refused', (request, message) => {
    expect(() => checkSshRequest(request)).toThrow(message)
  })
})
