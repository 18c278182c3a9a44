import { Option } from 'commander'
import { helpSections, interfaceOption, plainProgress, positiveInteger, runTool, targetPropertyOption, toolCommand } from '@disnix-ts/libmain'

interface Options {
  hostsFile?: string
  candidates?: string
  testnet?: boolean
  timeout: number
  outputFile?: string
  targetProperty: string
  interface: string
}

const program = toolCommand('dydisnix-discover', 'Build an infrastructure model from the candidate machines that answer, with the properties and containers they report')
  .argument('[hosts...]', 'Candidate host names (each becomes a target of that name)')
  .option('-f, --hosts-file <file>', 'Candidate hosts, one per line (or hosts(5) lines: ADDRESS NAME)')
  .option('-c, --candidates <file>', 'Infrastructure model whose targets are the candidates (their names, addresses and client interfaces)')
  .option('--testnet', 'The targets of the test network (disnix-testnet status, TESTNET_DIR)')
  .addOption(new Option('--timeout <seconds>', 'How long a candidate may take to answer before it counts as absent').default(10).argParser(positiveInteger))
  .option('-o, --output-file <file>', 'Write the model to this file instead of stdout')
  .addOption(targetPropertyOption())
  .addOption(interfaceOption())
  .addHelpText(
    'after',
    helpSections({
      Description: [
        'Asks every candidate at once for its Dysnomia configuration (the client interface\'s --capture-config, as',
        'disnix-capture-infra does). A candidate that does not answer within --timeout, refuses, or fails is left',
        'out. Each target of the model gets the properties (/etc/dysnomia/properties) and containers',
        '(/etc/dysnomia/containers) it reports; its address property (--target-property) is the address it',
        'answered on.',
      ],
      Output: ['The infrastructure model (a Nix expression) on stdout or in --output-file; one line per candidate on stderr.'],
      Environment: [
        'DISNIX_CLIENT_INTERFACE   Default client interface (default: disnix-ssh-client)',
        'DISNIX_TARGET_PROPERTY    Default target property holding a machine address (default: hostname)',
        'SSH_OPTS, SSH_USER        Used by disnix-ssh-client to reach the machines',
        'TESTNET_DIR               The test network of --testnet (default: /var/lib/disnix-testnet)',
        'NIX_PATH                  Must provide <nixpkgs> when --candidates needs it',
      ],
      'Exit status': ['0  at least one candidate answered', '1  bad options, or no candidate answered'],
    }),
  )
  .action(async (hosts: string[], opts: Options) => {
    const lib = await import('@disnix-ts/libdydisnix')
    const { DisnixError } = await import('@disnix-ts/libmain')
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
    const discovered = await lib.discoverInfrastructure({ candidates: lib.uniqueCandidates(candidates), timeoutMs: opts.timeout * 1000, progress: plainProgress(process.stderr) })
    if (opts.outputFile === undefined) process.stdout.write(discovered.expression)
    else await lib.writeModelFile(discovered.expression, { file: opts.outputFile, tmpdir: process.env.TMPDIR || '/tmp', prefix: 'infrastructure' })
    if (discovered.found.length === 0) throw new DisnixError('NOTHING_DISCOVERED', `No candidate answered (${discovered.absent.map((a) => `${a.name}: ${a.reason}`).join('; ')})`)
  })

await runTool(program, { errorPrefix: '[coordinator]: ' })
