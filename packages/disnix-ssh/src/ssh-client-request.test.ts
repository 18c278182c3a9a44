import { describe, expect, test } from 'vitest'
import { forwardedArgv, validateRequest, type SshClientRequest } from './ssh-client-request.js'

const request = (over: Partial<SshClientRequest>): SshClientRequest => ({
  operation: 'activate',
  target: 't',
  paths: [],
  deleteOld: false,
  arguments: [],
  localfile: false,
  remotefile: false,
  keep: 1,
  remoteClient: 'disnix-run-activity',
  ...over,
})

describe('forwardedArgv', () => {
  test('QUIRK 4 fixed: the container defaults to the type, not the literal "type"', () => {
    expect(forwardedArgv(request({ type: 'process', paths: ['/nix/store/p'] }))).toEqual([
      'disnix-run-activity', '--activate', '--type', 'process', '--container', 'process', '/nix/store/p',
    ])
  })
  test('--shell always runs disnix-run-activity, with --command', () => {
    expect(forwardedArgv(request({ operation: 'shell', type: 'echo', command: 'ls -l', remoteClient: 'disnix-client', paths: ['/p'] }))).toEqual([
      'disnix-run-activity', '--shell', '--type', 'echo', '--container', 'echo', '--command', 'ls -l', '/p',
    ])
  })
  test('the profile is forwarded only when given', () => {
    expect(forwardedArgv(request({ operation: 'lock' }))).toEqual(['disnix-run-activity', '--lock'])
    expect(forwardedArgv(request({ operation: 'lock', profile: 'p' }))).toEqual(['disnix-run-activity', '--lock', '--profile', 'p'])
  })
})

describe('validateRequest', () => {
  test.each([
    [{ operation: 'snapshot' as const }, 'ERROR: A type must be specified!'],
    [{ operation: 'shell' as const }, 'ERROR: A type must be specified!'],
    [{ operation: 'import-snapshots' as const }, 'ERROR: Either a remote or a localfile must be specified!'],
    [{ operation: 'export-snapshots' as const, paths: ['relative'] }, 'ERROR: --export-snapshots takes absolute remote snapshot paths'],
  ])('%j is refused', (over, message) => {
    expect(() => validateRequest(request(over))).toThrow(message)
  })
})
