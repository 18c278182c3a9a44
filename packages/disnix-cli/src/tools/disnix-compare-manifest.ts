import { Argument, Option } from 'commander'
import { coordinatorProfilePathOption, defineTool, profileOption } from '@disnix-ts/libmain'
import { coordinatorLocalSession, type CoordinatorLocalSession } from '../cli/coordinator-session.js'

export interface DisnixCompareManifestOptions {
  oldManifest?: string
  profile: string
  coordinatorProfilePath?: string
}

export const disnixCompareManifest = defineTool<DisnixCompareManifestOptions, CoordinatorLocalSession, [manifest: string]>({
  name: 'disnix-compare-manifest',
  summary: 'Compare a manifest with the previously deployed one (semantically: order and layout do not matter)',
  session: coordinatorLocalSession,
  arguments: [new Argument('<manifest>', 'The new manifest file')],
  options: [
    new Option('-o, --old-manifest <file>', 'Manifest to compare with (default: the last deployed manifest of the coordinator profile)'),
    profileOption(),
    coordinatorProfilePathOption(),
  ],
  exitStatuses: [
    { status: 0, meaning: 'the manifests are equal' },
    { status: 1, meaning: 'the manifests differ, there is no previous manifest, or a manifest cannot be read' },
    { status: 2, meaning: 'a manifest is invalid', codes: ['MANIFEST_INCONSISTENT'] },
  ],
  async run({ opts, args: [manifest], session }) {
    const { compareWithPreviousManifest } = await import('@disnix-ts/libmanifest')
    const comparison = await compareWithPreviousManifest({
      manifest,
      oldManifest: opts.oldManifest,
      profile: opts.profile,
      path: opts.coordinatorProfilePath,
      progress: session.progress,
    })
    return comparison === 'equal' ? 0 : 1
  },
})
