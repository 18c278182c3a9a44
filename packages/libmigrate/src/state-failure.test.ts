import { DisnixError } from '@disnix-ts/libmain'
import { describe, expect, test } from 'vitest'
import { stateFailure, StateStepError } from './state-failure.js'
import type { StateMapping } from './state-mappings.js'

const item = (component: string, targetName: string) =>
  ({ mapping: { service: `h-${component}`, component, container: 'fileset', target: targetName }, targetName }) as unknown as StateMapping

describe('stateFailure', () => {
  test('names every failed mapping in the message and keeps each target with its own error, for the deployment to tell a lost target', () => {
    const lost = new DisnixError('TARGET_UNREACHABLE', '[target: test2]: unreachable: no answer for 10 s from 10.0.0.12 port 22')
    const refused = new DisnixError('RESTORE_FAILED', 'notes refuses')
    const error = stateFailure('SNAPSHOT_TRANSFER_FAILED', 'Sending the snapshots failed:', [{ item: item('files', 'test2'), error: lost }, { item: item('notes', 'test1'), error: refused }], 'send')
    expect(error).toBeInstanceOf(StateStepError)
    expect(error.code).toBe('SNAPSHOT_TRANSFER_FAILED')
    expect(error.step).toBe('send')
    expect(error.message.split('\n')[0]).toBe('Sending the snapshots failed:')
    expect(error.message).toContain('[target: test2]: fileset/files: ')
    expect(error.failures).toEqual([
      { target: 'test2', container: 'fileset', component: 'files', error: lost },
      { target: 'test1', container: 'fileset', component: 'notes', error: refused },
    ])
    expect(error.cause).toBe(lost)
  })
})
