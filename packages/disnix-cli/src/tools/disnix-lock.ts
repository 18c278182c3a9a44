import { Argument, Option } from 'commander'
import { coordinatorProfilePathOption, defineTool, profileOption } from '@disnix-ts/libmain'
import { coordinatorSession, type CoordinatorOptions, type CoordinatorSession } from '../cli/coordinator-session.js'

export interface DisnixLockOptions extends CoordinatorOptions {
  unlock?: boolean
  profile: string
  coordinatorProfilePath?: string
  target?: string[]
}

export const disnixLock = defineTool<DisnixLockOptions, CoordinatorSession, [manifest?: string]>({
  name: 'disnix-lock',
  summary: 'Lock (or unlock) the Disnix profile on every target of a deployment, all or none',
  session: coordinatorSession,
  arguments: [new Argument('[manifest]', 'Manifest of the deployment (default: the last deployed one)')],
  options: [
    new Option('-u, --unlock', 'Release the locks instead of acquiring them'),
    new Option('-t, --target <name>', 'Only this target of the manifest (repeatable): releases the lock a lost target kept, as the message of the failed deployment prints it')
      .argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]),
    profileOption(),
    coordinatorProfilePathOption(),
  ],
  sections: {
    Description: [
      'Locking asks every service on every target (through its Dysnomia module) whether it may be',
      'upgraded now, then takes the profile lock. When one target refuses, the targets that were',
      'already locked are unlocked again, so either all targets are locked or none is.',
      'A target that cannot be reached (its link is down) is reported as lost, naming its address; it may',
      'hold the lock if the request reached it: the message prints the --unlock --target command that',
      'releases it once it is back.',
    ],
  },
  exitStatuses: [
    { status: 0, meaning: 'all targets are locked (unlocked)' },
    { status: 1, meaning: 'locking (unlocking) failed; a failed locking leaves no target locked' },
    { status: 130, meaning: 'interrupted (Ctrl-C) while locking; no target is left locked', codes: ['INTERRUPTED'] },
  ],
  async run({ opts, args: [manifestPath], session }) {
    const [{ lockTargets, unlockTargets }, { manifestArgumentOrLast }] = await Promise.all([import('@disnix-ts/libdeploy'), import('../cli/manifests.js')])
    const { manifest } = await manifestArgumentOrLast(manifestPath, { ...opts, user: session.user }, session.hostname)
    const options = { ...session.context, manifest, profile: opts.profile, coordinatorProfilePath: opts.coordinatorProfilePath, manifestPath, targets: opts.target }
    await (opts.unlock ? unlockTargets(options) : lockTargets(options))
  },
})
