import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { installRoot, silentProgress } from '@disnix-ts/libmain'
import { readManifest } from '@disnix-ts/libmanifest'
import { diagnose, diagnoseCandidates } from './diagnose.js'

const fixture = join(installRoot(), 'packages', 'libmanifest', 'fixtures', 'two-targets', 'manifest.xml')

describe('diagnoseCandidates', () => {
  test('selects the mappings of a service by name, container and target name, in mapping order', async () => {
    const manifest = await readManifest(fixture)
    const where = (filter: { container?: string; target?: string }) =>
      diagnoseCandidates(manifest, { serviceName: 'testService3', ...filter }).map((c) => `${c.container}@${c.target}`)
    expect(where({})).toEqual(['mycontainer@test1', 'echo@test2'])
    expect(where({ target: 'test2' })).toEqual(['echo@test2'])
    expect(where({ container: 'mycontainer' })).toEqual(['mycontainer@test1'])
    expect(where({ container: 'mycontainer', target: 'test2' })).toEqual([])
    expect(diagnoseCandidates(manifest, { serviceName: 'nosuch' })).toEqual([])
  })
})

describe('diagnose', () => {
  test('several mappings without a command are refused with the list, before connecting anywhere', async () => {
    const manifest = await readManifest(fixture)
    await expect(diagnose({ progress: silentProgress, tmpdir: '/tmp', manifest, serviceName: 'testService3' })).rejects.toThrow(
      'Multiple mappings found! Please specify a --target, --container, or a --command that will be executed on each of them:\ncontainer: mycontainer, target: test1\ncontainer: echo, target: test2',
    )
  })

  test('no mapping is refused, naming the filters', async () => {
    const manifest = await readManifest(fixture)
    await expect(diagnose({ progress: silentProgress, tmpdir: '/tmp', manifest, serviceName: 'testService1', target: 'test2', container: 'echo' })).rejects.toThrow(
      'No mapping found for service: testService1 (container: echo, target: test2)',
    )
  })
})
