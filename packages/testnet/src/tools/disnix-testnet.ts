import { DisnixError, hasErrorCode, helpSections, plainProgress, positiveInteger, quoteShellArg, runTool, toolCommand } from '@disnix-ts/libmain'
import {
  DEFAULT_TESTNET_BRIDGE,
  DEFAULT_TESTNET_DIR,
  DEFAULT_TESTNET_NET,
  DEFAULT_TESTNET_NSPREFIX,
  type NetworkConfig,
} from '../network-config.js'

interface NetworkFlags {
  dir: string
  net: string
  bridge: string
  prefix: string
}

type Command = ReturnType<typeof toolCommand>

const ENVIRONMENT = [
  `TESTNET_DIR       state dir of the network (default ${DEFAULT_TESTNET_DIR})`,
  `TESTNET_NET       first three octets of its /24 (default ${DEFAULT_TESTNET_NET})`,
  `TESTNET_BRIDGE    bridge on the host side, at most 11 characters (default ${DEFAULT_TESTNET_BRIDGE})`,
  `TESTNET_NSPREFIX  prefix of the targets' network namespaces (default ${DEFAULT_TESTNET_NSPREFIX})`,
]

const program = toolCommand('disnix-testnet', 'Creates and removes a local network of virtual target machines (Linux namespaces, root only)')
  .enablePositionalOptions()
  .addHelpText(
    'after',
    helpSections({
      Examples: [
        'eval "$(disnix-testnet up 2)"            # testtarget1, testtarget2; sets SSH_OPTS',
        'disnix-testnet up -i infrastructure.nix  # one target per target of the model',
        'ssh -F "$(disnix-testnet ssh-config)" testtarget1 hostname',
        'disnix-testnet exec testtarget1 ls /nix/store',
        'disnix-testnet down',
      ],
      Environment: ENVIRONMENT,
      'Exit status': ['0 on success; 1 on failure (not root, no namespace support, bad input); exec: the command\'s status'],
    }),
  )

networkCommand(program, 'up', 'Create the targets (or keep those already running) and print the SSH_OPTS to use')
  .argument('[count]', 'number of targets testtarget1..N (default: the targets of the last up in this dir, or 2)', positiveInteger)
  .option('-i, --infrastructure <file>', 'create one target per target of this infrastructure model, with its names')
  .action(async (count: number | undefined, opts: NetworkFlags & { infrastructure?: string }, cmd: Command) => {
    if (count !== undefined && opts.infrastructure !== undefined) {
      throw new DisnixError('TESTNET_INVALID', 'give either a count or --infrastructure, not both')
    }
    const lib = await import('../index.js')
    const support = await lib.checkTestnetSupport()
    if (!support.ok) throw new DisnixError('TESTNET_UNSUPPORTED', `cannot create a test network here: ${support.reason}`)
    const config = networkConfig(opts)
    const targets = opts.infrastructure
      ? await lib.readInfrastructureTargets(opts.infrastructure, { env: process.env })
      : count === undefined
        ? await previousTargetsOrDefault(config)
        : lib.countedTargetNames(count)
    const info = await lib.testnetUp({ config, targets, progress: plainProgress(process.stderr) })
    const dirFlag = cmd.getOptionValueSource('dir') === 'default' ? '' : ` --dir ${quoteShellArg(info.dir)}`
    const out = [`export SSH_OPTS=${quoteShellArg(`-F ${info.sshConfig}`)}`]
    for (const t of info.targets) out.push(`# ${t.name} ${t.address} (state: ${t.root})`)
    out.push(`# connect: ssh -F ${quoteShellArg(info.sshConfig)} ${info.targets[0]?.name ?? ''}`)
    out.push(`# tear down: disnix-testnet down${dirFlag}`)
    process.stdout.write(`${out.join('\n')}\n`)
  })

networkCommand(program, 'down', 'Stop every target and remove the network (the targets\' stores and logs are kept)').action(
  async (opts: NetworkFlags) => {
    const lib = await import('../index.js')
    lib.requireRoot()
    const { stopped } = await lib.testnetDown(networkConfig(opts))
    for (const name of stopped) process.stderr.write(`[target: ${name}]: stopped\n`)
  },
)

networkCommand(program, 'status', 'Show the targets, their addresses and whether they run')
  .option('--json', 'print the status as JSON')
  .action(async (opts: NetworkFlags & { json?: boolean }) => {
    const { testnetStatus } = await import('../index.js')
    const status = await testnetStatus(networkConfig(opts))
    if (!status.known) {
      throw new DisnixError('TESTNET_UNKNOWN', `no test network in ${status.config.dir}`, { hint: 'disnix-testnet up' })
    }
    if (opts.json === true) {
      process.stdout.write(`${JSON.stringify(status, null, 2)}\n`)
      return
    }
    const { config } = status
    const lines = [`network ${config.net}.0/24 on ${config.bridge} (${status.bridgeUp ? 'up' : 'down'}), state in ${config.dir}`]
    const width = Math.max(...status.targets.map((t) => t.name.length))
    for (const t of status.targets) lines.push(`${t.name.padEnd(width)}  ${t.address.padEnd(15)}  ${t.running ? 'up' : 'down'}`)
    process.stdout.write(`${lines.join('\n')}\n`)
  })

networkCommand(program, 'exec', 'Run a command inside a target (its namespaces; no ssh)')
  .argument('<target>', 'target name')
  .argument('<command...>', 'command and its arguments')
  .passThroughOptions()
  .action(async (target: string, argv: string[], opts: NetworkFlags) => {
    const lib = await import('../index.js')
    lib.requireRoot()
    // `exec T -- CMD` is the usual way to say "the rest is the command"; commander passes the `--` on.
    const command = argv[0] === '--' ? argv.slice(1) : argv
    if (command.length === 0) throw new DisnixError('TESTNET_INVALID', 'exec: no command given')
    const [file, ...args] = await lib.enterTargetArgv(networkConfig(opts), target, command)
    const { execa } = await import('execa')
    const env = { ...lib.targetSessionEnv(), ...(process.env.TERM ? { TERM: process.env.TERM } : {}) }
    const result = await execa(file!, args, { env, extendEnv: false, stdio: 'inherit', reject: false })
    if (result.exitCode === undefined) {
      throw new DisnixError('TESTNET_EXEC_FAILED', `target ${target}: ${result.shortMessage}`)
    }
    process.exitCode = result.exitCode
  })

networkCommand(program, 'ssh-config', 'Print the path of the generated ssh client config (use with ssh -F)')
  .option('--content', 'print the config itself instead of its path')
  .action(async (opts: NetworkFlags & { content?: boolean }) => {
    const { networkPaths, validateNetworkConfig } = await import('../index.js')
    const { readFile } = await import('node:fs/promises')
    const file = networkPaths(validateNetworkConfig(networkConfig(opts)).dir).sshConfig
    let text: string
    try {
      text = await readFile(file, 'utf8')
    } catch (error) {
      if (!hasErrorCode(error, 'ENOENT')) throw error
      throw new DisnixError('TESTNET_UNKNOWN', `no test network in ${opts.dir}: ${file} does not exist`, { hint: 'disnix-testnet up' })
    }
    process.stdout.write(opts.content === true ? text : `${file}\n`)
  })

await runTool(program, { errorPrefix: 'disnix-testnet: ' })

/** A subcommand with the four network options (each with its environment variable). */
function networkCommand(parent: Command, name: string, description: string): Command {
  const cmd = parent.command(name).description(description).helpOption('-h, --help', 'Show this help text').allowExcessArguments(false)
  cmd
    .addOption(cmd.createOption('--dir <dir>', 'state dir of the network').env('TESTNET_DIR').default(DEFAULT_TESTNET_DIR))
    .addOption(cmd.createOption('--net <a.b.c>', 'first three octets of the network\'s /24').env('TESTNET_NET').default(DEFAULT_TESTNET_NET))
    .addOption(cmd.createOption('--bridge <name>', 'bridge on the host side (at most 11 characters)').env('TESTNET_BRIDGE').default(DEFAULT_TESTNET_BRIDGE))
    .addOption(cmd.createOption('--prefix <prefix>', 'prefix of the targets\' netns names').env('TESTNET_NSPREFIX').default(DEFAULT_TESTNET_NSPREFIX))
    .addHelpText('after', helpSections({ Environment: ENVIRONMENT }))
  return cmd
}

function networkConfig(opts: NetworkFlags): NetworkConfig {
  return { dir: opts.dir, net: opts.net, bridge: opts.bridge, nsPrefix: opts.prefix }
}

/** `up` without a count brings back the network the dir last had (the hint after a failure says so). */
async function previousTargetsOrDefault(config: NetworkConfig): Promise<string[]> {
  const { countedTargetNames, testnetStatus, validateNetworkConfig } = await import('../index.js')
  const status = await testnetStatus(validateNetworkConfig(config))
  return status.targets.length > 0 ? status.targets.map((t) => t.name) : countedTargetNames(2)
}
