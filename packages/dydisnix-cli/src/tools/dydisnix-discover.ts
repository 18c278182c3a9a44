import { Argument, Option } from 'commander'
import { defineTool, DisnixError, interfaceOption, plainProgress, positiveInteger, targetPropertyOption } from '@disnix-ts/libmain'
import { dydisnixSession, tmpdirOf } from '../cli/dydisnix-session.js'

export interface DydisnixDiscoverOptions {
  hostsFile?: string
  candidates?: string
  testnet?: boolean
  timeout: number
  outputFile?: string
  targetProperty: string
  interface: string
}

export const dydisnixDiscover = defineTool<DydisnixDiscoverOptions, undefined, [hosts: string[]]>({
  name: 'dydisnix-discover',
  summary: 'Build an infrastructure model from the candidate machines that answer, with the properties and containers they report',
  session: dydisnixSession,
  arguments: [new Argument('[hosts...]', 'Candidate host names (each becomes a target of that name)')],
  options: [
    new Option('-f, --hosts-file <file>', 'Candidate hosts, one per line (or hosts(5) lines: ADDRESS NAME)'),
    new Option('-c, --candidates <file>', 'Infrastructure model whose targets are the candidates (their names, addresses and client interfaces)'),
    new Option('--testnet', 'The targets of the test network (disnix-testnet status, TESTNET_DIR)'),
    new Option('--timeout <seconds>', 'How long a candidate may take to answer before it counts as absent').default(10).argParser(positiveInteger),
    new Option('-o, --output-file <file>', 'Write the model to this file instead of stdout'),
    targetPropertyOption(),
    interfaceOption(),
  ],
  sections: {
    Description: [
      'Asks every candidate at once for its Dysnomia configuration (the client interface\'s --capture-config, as',
      'disnix-capture-infra does). A candidate that does not answer within --timeout, refuses, or fails is left',
      'out. Each target of the model gets the properties (/etc/dysnomia/properties) and containers',
      '(/etc/dysnomia/containers) it reports; its address property (--target-property) is the address it',
      'answered on.',
    ],
    Output: ['The infrastructure model (a Nix expression) on stdout or in --output-file; one line per candidate on stderr.'],
  },
  environment: [
    { name: 'SSH_OPTS, SSH_USER', meaning: 'Used by disnix-ssh-client to reach the machines' },
    { name: 'TESTNET_DIR', meaning: 'The test network of --testnet (default: /var/lib/disnix-testnet)' },
    { name: 'NIX_PATH', meaning: 'Must provide <nixpkgs> when --candidates needs it' },
  ],
  exitStatuses: [
    { status: 0, meaning: 'at least one candidate answered' },
    { status: 1, meaning: 'bad options, or no candidate answered' },
  ],
  async run({ opts, args: [hosts], io }) {
    const lib = await import('@disnix-ts/libdydisnix')
    const { readFile } = await import('node:fs/promises')
    const defaults = { clientInterface: opts.interface, targetProperty: opts.targetProperty }
    const names = [...hosts]
    if (opts.testnet) names.push(...(await (await import('../cli/testnet-hosts.js')).testnetTargetNames()))
    const candidates = names.map((name) => ({ name, address: name, ...defaults }))
    if (opts.hostsFile !== undefined) {
      await lib.checkReadable(opts.hostsFile, 'hosts list')
      candidates.push(...lib.parseHostsList(await readFile(opts.hostsFile, 'utf8'), defaults, opts.hostsFile))
    }
    if (opts.candidates !== undefined) candidates.push(...(await lib.candidatesOfModel(opts.candidates, defaults)))
    if (candidates.length === 0) throw new DisnixError('USAGE', 'No candidates: give host names, --hosts-file, --candidates or --testnet')
    const discovered = await lib.discoverInfrastructure({ candidates: lib.uniqueCandidates(candidates), timeoutMs: opts.timeout * 1000, progress: plainProgress(io.stderr) })
    if (opts.outputFile === undefined) io.stdout.write(discovered.expression)
    else await lib.writeModelFile(discovered.expression, { file: opts.outputFile, tmpdir: tmpdirOf(io.env), prefix: 'infrastructure' })
    if (discovered.found.length === 0) throw new DisnixError('NOTHING_DISCOVERED', `No candidate answered (${discovered.absent.map((a) => `${a.name}: ${a.reason}`).join('; ')})`)
  },
})
