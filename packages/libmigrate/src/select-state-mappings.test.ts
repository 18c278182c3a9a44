import { describe, expect, test } from 'vitest'
import { emptyManifest, type Manifest, type SnapshotMapping } from '@disnix-ts/libmanifest'
import { selectRestoreMappings, selectSnapshotMappings } from './select-state-mappings.js'

const mapping = (component: string, target: string): SnapshotMapping => ({ service: `h-${component}`, component, container: 'fileset', target })
const manifest = (...mappings: SnapshotMapping[]): Manifest => ({ ...emptyManifest(), snapshotMappings: mappings })

const previous = manifest(mapping('files', 'test1'), mapping('notes', 'test2'), mapping('gone', 'test1'))
const next = manifest(mapping('files', 'test2'), mapping('notes', 'test2'), mapping('new', 'test1'))

describe('selectSnapshotMappings (spec §6.3)', () => {
  test('snapshots the state that moved away or was removed, described by the previous services', () => {
    const selection = selectSnapshotMappings(next, previous, false)!
    expect(selection.mappings.map((m) => `${m.component}@${m.target}`)).toEqual(['files@test1', 'gone@test1'])
    expect(selection.services).toBe(previous)
  })

  test('--no-upgrade snapshots every mapping of the manifest', () => {
    expect(selectSnapshotMappings(next, previous, true)!.mappings).toHaveLength(3)
  })

  test('an upgrade without a previous configuration snapshots nothing', () => {
    expect(selectSnapshotMappings(next, undefined, false)).toBeUndefined()
  })
})

describe('selectRestoreMappings (spec §6.4)', () => {
  test('restores the newly placed state', () => {
    const selection = selectRestoreMappings(next, previous, false)
    expect(selection.mappings.map((m) => `${m.component}@${m.target}`)).toEqual(['new@test1', 'files@test2'])
    expect(selection.services).toBe(next)
  })

  test('restores everything with --no-upgrade or on a first deployment', () => {
    expect(selectRestoreMappings(next, previous, true).mappings).toHaveLength(3)
    expect(selectRestoreMappings(next, undefined, false).mappings).toHaveLength(3)
  })

  test('without a manifest argument (previous = manifest) nothing is new', () => {
    expect(selectRestoreMappings(next, next, false).mappings).toEqual([])
  })
})
