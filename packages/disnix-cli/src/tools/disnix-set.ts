import { resolve } from 'node:path'
import { Argument, Option } from 'commander'
import { coordinatorProfilePathOption, defineTool, profileOption } from '@disnix-ts/libmain'
import { coordinatorSession, type CoordinatorOptions, type CoordinatorSession } from '../cli/coordinator-session.js'

export interface DisnixSetOptions extends CoordinatorOptions {
  profile: string
  coordinatorProfilePath?: string
  coordinatorProfile: boolean
  targetProfiles: boolean
}

export const disnixSet = defineTool<DisnixSetOptions, CoordinatorSession, [manifest: string]>({
  name: 'disnix-set',
  summary: 'Set the Disnix profiles of the targets and the coordinator profile to a manifest',
  session: coordinatorSession,
  arguments: [new Argument('<manifest>', 'Manifest file of the deployment')],
  options: [
    profileOption(),
    coordinatorProfilePathOption(),
    new Option('--no-coordinator-profile', 'Do not set the coordinator profile'),
    new Option('--no-target-profiles', 'Do not set the profiles on the targets'),
    new Option('--verbose', 'Plain progress lines even on a terminal'),
  ],
  sections: { Description: ['An unchanged configuration adds no generation, neither on the targets nor on the coordinator.'] },
  exitStatuses: [
    { status: 0, meaning: 'the profiles are set' },
    { status: 1, meaning: 'setting a profile failed' },
  ],
  async run({ opts, args: [manifestPath], session }) {
    const [{ readManifest }, { setProfiles }] = await Promise.all([import('@disnix-ts/libmanifest'), import('@disnix-ts/libdeploy')])
    const manifest = await readManifest(manifestPath, { defaultTarget: session.hostname })
    await setProfiles({
      ...session.context,
      manifest,
      manifestPath: resolve(manifestPath),
      profile: opts.profile,
      coordinatorProfilePath: opts.coordinatorProfilePath,
      user: session.user,
      noCoordinatorProfile: !opts.coordinatorProfile,
      noTargetProfiles: !opts.targetProfiles,
    })
  },
})
