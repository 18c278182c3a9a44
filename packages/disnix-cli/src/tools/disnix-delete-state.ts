import { Argument, Option } from 'commander'
import { coordinatorProfilePathOption, defineTool, DisnixError, profileOption } from '@disnix-ts/libmain'
import { coordinatorSession, type CoordinatorOptions, type CoordinatorSession } from '../cli/coordinator-session.js'

export interface DisnixDeleteStateOptions extends CoordinatorOptions {
  container?: string
  component?: string
  profile: string
  coordinatorProfilePath?: string
}

export const disnixDeleteState = defineTool<DisnixDeleteStateOptions, CoordinatorSession, [manifest?: string]>({
  name: 'disnix-delete-state',
  summary: 'Delete the state of stateful services that are no longer in use',
  session: coordinatorSession,
  arguments: [new Argument('[manifest]', 'Manifest whose stateful services are considered (default: the last deployed one)')],
  options: [
    new Option('-c, --container <name>', 'Only services in this container'),
    new Option('-C, --component <name>', 'Only this component (service package name)'),
    profileOption(),
    coordinatorProfilePathOption(),
    new Option('--verbose', 'Plain progress lines even on a terminal'),
  ],
  sections: {
    Description: [
      "Runs Dysnomia's collect-garbage for every stateful service of the manifest on its target. It only",
      'deletes the state of services that were deactivated there (marked as garbage); running it on a',
      'manifest whose services are all still active deletes nothing. Typical use after a deployment moved',
      'services: disnix-delete-state <the previous manifest>.',
    ],
  },
  environment: [{ name: 'SSH_OPTS, SSH_USER', meaning: 'Passed on to disnix-ssh-client' }],
  exitStatuses: [
    { status: 0, meaning: 'done' },
    { status: 1, meaning: 'deleting the state failed on a target (see the messages)' },
  ],
  async run({ opts, args: [manifestArg], session }) {
    const [{ deleteObsoleteState }, { readManifest, previousManifestPath }] = await Promise.all([import('@disnix-ts/libmigrate'), import('@disnix-ts/libmanifest')])
    const path = manifestArg ?? (await previousManifestPath({ profile: opts.profile, path: opts.coordinatorProfilePath, user: session.user }))
    if (path === undefined) {
      throw new DisnixError('NO_MANIFEST', 'No manifest specified and no previous deployment is known!', { hint: 'give a manifest file' })
    }
    const manifest = await readManifest(path, { defaultTarget: session.hostname, filter: { container: opts.container, component: opts.component } })
    await deleteObsoleteState({ ...session.context, manifest })
  },
})
