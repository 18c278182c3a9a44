import { Option } from 'commander'
import { coordinatorProfilePathOption, helpSections, profileOption, runTool, toolCommand } from '@disnix-ts/libmain'

interface Options {
  container?: string
  component?: string
  profile: string
  coordinatorProfilePath?: string
  verbose?: boolean
}

const program = toolCommand('disnix-delete-state', 'Delete the state of stateful services that are no longer in use')
  .argument('[manifest]', 'Manifest whose stateful services are considered (default: the last deployed one)')
  .addOption(new Option('-c, --container <name>', 'Only services in this container'))
  .addOption(new Option('-C, --component <name>', 'Only this component (service package name)'))
  .addOption(profileOption())
  .addOption(coordinatorProfilePathOption())
  .option('--verbose', 'Plain progress lines even on a terminal')
  .addHelpText(
    'after',
    helpSections({
      Description: [
        'Runs Dysnomia\'s collect-garbage for every stateful service of the manifest on its target. It only',
        'deletes the state of services that were deactivated there (marked as garbage); running it on a',
        'manifest whose services are all still active deletes nothing. Typical use after a deployment moved',
        'services: disnix-delete-state <the previous manifest>.',
      ],
      Environment: ['DISNIX_PROFILE     Default profile name (default: default)', 'SSH_OPTS, SSH_USER Passed on to disnix-ssh-client'],
      'Exit status': ['0  done', '1  deleting the state failed on a target (see the messages)'],
    }),
  )
  .action(async (manifestArg: string | undefined, opts: Options) => {
    const [{ deleteObsoleteState }, { withCoordinatorSession }, { readManifest, previousManifestPath }, { DisnixError }] = await Promise.all([
      import('@disnix-ts/libmigrate'),
      import('../cli/coordinator-context.js'),
      import('@disnix-ts/libmanifest'),
      import('@disnix-ts/libmain'),
    ])
    await withCoordinatorSession(opts, async (session) => {
      const path = manifestArg ?? (await previousManifestPath({ profile: opts.profile, path: opts.coordinatorProfilePath, user: session.user }))
      if (path === undefined) {
        throw new DisnixError('NO_MANIFEST', 'No manifest specified and no previous deployment is known!', { hint: 'give a manifest file' })
      }
      const manifest = await readManifest(path, { defaultTarget: session.hostname, filter: { container: opts.container, component: opts.component } })
      await deleteObsoleteState({ ...session.context, manifest })
    })
  })

await runTool(program, { errorPrefix: '[coordinator]: ' })
