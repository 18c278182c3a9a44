import { Argument } from 'commander'
import { defineTool, DisnixError, interfaceOption, targetPropertyOption } from '@disnix-ts/libmain'
import { coordinatorSession, type CoordinatorOptions, type CoordinatorSession } from '../cli/coordinator-session.js'
import { infrastructureXmlOption, type InfrastructureOptions } from '../cli/infrastructure-options.js'

// No --verbose (the original has none): a terminal gets the live view.
export type DisnixCaptureInfraOptions = InfrastructureOptions & CoordinatorOptions

export const disnixCaptureInfra = defineTool<DisnixCaptureInfraOptions, CoordinatorSession, [infrastructure: string]>({
  name: 'disnix-capture-infra',
  summary: 'Print an infrastructure model built from the Dysnomia configuration the targets report',
  session: coordinatorSession,
  arguments: [new Argument('<infrastructure>', 'Infrastructure model naming the targets to ask (a Nix expression, or XML with --xml)')],
  options: [interfaceOption(), targetPropertyOption(), infrastructureXmlOption()],
  sections: {
    Description: [
      'Asks all targets at once for their machine properties (/etc/dysnomia/properties) and containers',
      '(/etc/dysnomia/containers/*) and prints them as one Nix expression, { "<target>" = { properties = ...;',
      'containers = ...; }; ... }, usable as an infrastructure model.',
    ],
  },
  environment: [
    { name: 'NIX_PATH', meaning: 'Must provide <nixpkgs> when the infrastructure model needs it' },
    { name: 'SSH_OPTS, SSH_USER', meaning: 'Passed on to disnix-ssh-client' },
  ],
  exitStatuses: [
    { status: 0, meaning: 'every target answered' },
    { status: 1, meaning: 'bad options or infrastructure model, or a target failed (the others are still printed)' },
  ],
  async run({ opts, args: [infrastructureFile], session, io }) {
    const [{ captureInfrastructure }, { loadInfrastructure }] = await Promise.all([import('@disnix-ts/libdeploy'), import('../cli/load-infrastructure.js')])
    const infrastructure = await loadInfrastructure(infrastructureFile, { targetProperty: opts.targetProperty, clientInterface: opts.interface, xml: opts.xml, env: io.env })
    const captured = await captureInfrastructure({ ...session.context, infrastructure })
    io.stdout.write(captured.expression)
    if (captured.failed.length > 0) throw new DisnixError('CAPTURE_FAILED', `Cannot capture the configuration of: ${captured.failed.join(', ')}`)
  },
})
