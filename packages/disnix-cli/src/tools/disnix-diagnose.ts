import { Argument, Option } from 'commander'
import { coordinatorProfilePathOption, defineTool, profileOption } from '@disnix-ts/libmain'
import { coordinatorShellSession, type CoordinatorSession } from '../cli/coordinator-session.js'

export interface DisnixDiagnoseOptions {
  service: string
  showMappings?: boolean
  container?: string
  target?: string
  command?: string
  profile: string
  coordinatorProfilePath?: string
}

export const disnixDiagnose = defineTool<DisnixDiagnoseOptions, CoordinatorSession, [manifest?: string]>({
  name: 'disnix-diagnose',
  summary: "Open a shell in a deployed service's environment on its target, to inspect or repair it",
  // The shell owns the terminal: plain lines only, and Ctrl-C belongs to it.
  session: coordinatorShellSession,
  arguments: [new Argument('[manifest]', 'Manifest of the deployment (default: the last deployed one)')],
  options: [
    new Option('-S, --service <name>', 'Name of the service (as in the services model)').makeOptionMandatory(),
    new Option('--show-mappings', 'Only list the containers and targets the service is deployed to'),
    new Option('-c, --container <name>', 'Only the mapping to this container'),
    new Option('-t, --target <name>', 'Only the mapping to this target (a target name of the infrastructure model)'),
    new Option('--command <command>', 'Run this shell command instead of an interactive shell; with several mappings, on each in turn'),
    profileOption(),
    coordinatorProfilePathOption(),
  ],
  sections: {
    Description: [
      "The shell runs on the target in the service's Dysnomia module environment: $this_component is the",
      'service package, $this_container the container, and the container properties are set. Only',
      'SSH-based client interfaces (disnix-ssh-client) support it.',
    ],
  },
  environment: [{ name: 'SSH_OPTS, SSH_USER', meaning: 'Passed on to disnix-ssh-client' }],
  exitStatuses: [
    { status: 0, meaning: 'the mappings were listed, or every shell/command succeeded' },
    { status: 1, meaning: 'no (single) matching mapping, or no manifest' },
    { status: 'child', meaning: 'otherwise the exit status of the shell (the first failing --command)' },
  ],
  async run({ opts, args: [manifestPath], session, io }) {
    const [{ diagnose, diagnoseCandidates, formatMappings }, { manifestArgumentOrLast }] = await Promise.all([
      import('@disnix-ts/libdeploy'),
      import('../cli/manifests.js'),
    ])
    const { manifest } = await manifestArgumentOrLast(manifestPath, { ...opts, user: session.user }, session.hostname)
    const filter = { serviceName: opts.service, container: opts.container, target: opts.target }
    if (opts.showMappings) {
      const candidates = diagnoseCandidates(manifest, filter)
      io.stderr.write(`This service has been mapped to:\n\n${candidates.length > 0 ? `${formatMappings(candidates)}\n` : ''}`)
      return
    }
    // The shell's own exit status is the tool's: diagnose returns it rather than failing.
    return diagnose({ ...session.context, manifest, ...filter, command: opts.command })
  },
})
