import { Option } from 'commander'
import { coordinatorProfilePathOption, helpSections, profileOption, runTool, toolCommand } from '@disnix-ts/libmain'

interface Options {
  service: string
  showMappings?: boolean
  container?: string
  target?: string
  command?: string
  profile: string
  coordinatorProfilePath?: string
}

const program = toolCommand('disnix-diagnose', "Open a shell in a deployed service's environment on its target, to inspect or repair it")
  .argument('[manifest]', 'Manifest of the deployment (default: the last deployed one)')
  .addOption(new Option('-S, --service <name>', 'Name of the service (as in the services model)').makeOptionMandatory())
  .option('--show-mappings', 'Only list the containers and targets the service is deployed to')
  .addOption(new Option('-c, --container <name>', 'Only the mapping to this container'))
  .addOption(new Option('-t, --target <name>', 'Only the mapping to this target (a target name of the infrastructure model)'))
  .option('--command <command>', 'Run this shell command instead of an interactive shell; with several mappings, on each in turn')
  .addOption(profileOption())
  .addOption(coordinatorProfilePathOption())
  .addHelpText(
    'after',
    helpSections({
      Description: [
        "The shell runs on the target in the service's Dysnomia module environment: $this_component is the",
        'service package, $this_container the container, and the container properties are set. Only',
        'SSH-based client interfaces (disnix-ssh-client) support it.',
      ],
      Environment: [
        'DISNIX_PROFILE   Default profile name (default: default)',
        'SSH_OPTS, SSH_USER  Passed on to disnix-ssh-client',
      ],
      'Exit status': [
        '0  the mappings were listed, or every shell/command succeeded',
        '1  no (single) matching mapping, or no manifest',
        'N  otherwise the exit status of the shell (the first failing --command)',
      ],
    }),
  )
  .action(async (manifestPath: string | undefined, opts: Options) => {
    const [{ diagnose, diagnoseCandidates, formatMappings }, { manifestArgumentOrLast }, { plainProgress }, { hostname, userInfo }] = await Promise.all([
      import('@disnix-ts/libdeploy'),
      import('../cli/manifests.js'),
      import('@disnix-ts/libmain'),
      import('node:os'),
    ])
    const { manifest } = await manifestArgumentOrLast(manifestPath, { ...opts, user: userInfo().username }, hostname())
    const filter = { serviceName: opts.service, container: opts.container, target: opts.target }
    if (opts.showMappings) {
      const candidates = diagnoseCandidates(manifest, filter)
      process.stderr.write(`This service has been mapped to:\n\n${candidates.length > 0 ? `${formatMappings(candidates)}\n` : ''}`)
      return
    }
    // The shell owns the terminal: plain lines only, and Ctrl-C belongs to it.
    process.exitCode = await diagnose({ progress: plainProgress(process.stderr), tmpdir: process.env.TMPDIR || '/tmp', manifest, ...filter, command: opts.command })
  })

await runTool(program, { errorPrefix: '[coordinator]: ' })
