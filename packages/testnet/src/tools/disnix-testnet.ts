import { Argument, Option } from 'commander'
import { defineSubcommand, defineTool, DisnixError, hasErrorCode, plainProgress, plainSession, positiveInteger, quoteShellArg, type Session } from '@disnix-ts/libmain'
import {
  DEFAULT_TESTNET_BRIDGE,
  DEFAULT_TESTNET_DIR,
  DEFAULT_TESTNET_NET,
  DEFAULT_TESTNET_NSPREFIX,
  type NetworkConfig,
} from '../network-config.js'

/** The four network options every subcommand takes, each with its environment variable. */
interface NetworkFlags {
  dir: string
  net: string
  bridge: string
  prefix: string
}

function networkOptions(): Option[] {
  return [
    new Option('--dir <dir>', 'state dir of the network').env('TESTNET_DIR').default(DEFAULT_TESTNET_DIR),
    new Option('--net <a.b.c>', "first three octets of the network's /24").env('TESTNET_NET').default(DEFAULT_TESTNET_NET),
    new Option('--bridge <name>', 'bridge on the host side (at most 11 characters)').env('TESTNET_BRIDGE').default(DEFAULT_TESTNET_BRIDGE),
    new Option('--prefix <prefix>', "prefix of the targets' netns names").env('TESTNET_NSPREFIX').default(DEFAULT_TESTNET_NSPREFIX),
  ]
}

/** Its own messages carry the tool's name, as `[coordinator]: ` marks the coordinator tools'. */
const testnetSession: Session<undefined> = { ...plainSession, errorPrefix: 'disnix-testnet: ' }

const up = defineSubcommand<NetworkFlags & { infrastructure?: string }, undefined, [count?: number]>({
  name: 'up',
  summary: 'Create the targets (or keep those already running) and print the SSH_OPTS to use',
  arguments: [new Argument('[count]', 'number of targets testtarget1..N (default: the targets of the last up in this dir, or 2)').argParser(positiveInteger)],
  options: [...networkOptions(), new Option('-i, --infrastructure <file>', 'create one target per target of this infrastructure model, with its names')],
  async run({ opts, args: [count], io, isDefault }) {
    if (count !== undefined && opts.infrastructure !== undefined) {
      throw new DisnixError('TESTNET_INVALID', 'give either a count or --infrastructure, not both')
    }
    const lib = await import('../index.js')
    const support = await lib.checkTestnetSupport()
    if (!support.ok) throw new DisnixError('TESTNET_UNSUPPORTED', `cannot create a test network here: ${support.reason}`)
    const config = networkConfig(opts)
    const targets = opts.infrastructure
      ? await lib.readInfrastructureTargets(opts.infrastructure, { env: io.env })
      : count === undefined
        ? await previousTargetsOrDefault(config)
        : lib.countedTargetNames(count)
    const info = await lib.testnetUp({ config, targets, progress: plainProgress(io.stderr) })
    const dirFlag = isDefault('dir') ? '' : ` --dir ${quoteShellArg(info.dir)}`
    const out = [`export SSH_OPTS=${quoteShellArg(`-F ${info.sshConfig}`)}`]
    for (const t of info.targets) out.push(`# ${t.name} ${t.address} (state: ${t.root})`)
    out.push(`# connect: ssh -F ${quoteShellArg(info.sshConfig)} ${info.targets[0]?.name ?? ''}`)
    out.push(`# tear down: disnix-testnet down${dirFlag}`)
    io.stdout.write(`${out.join('\n')}\n`)
  },
})

const down = defineSubcommand<NetworkFlags, undefined, []>({
  name: 'down',
  summary: "Stop every target and remove the network (the targets' stores and logs are kept)",
  options: networkOptions(),
  async run({ opts, io }) {
    const lib = await import('../index.js')
    lib.requireRoot()
    const { stopped } = await lib.testnetDown(networkConfig(opts))
    for (const name of stopped) io.stderr.write(`[target: ${name}]: stopped\n`)
  },
})

const status = defineSubcommand<NetworkFlags & { json?: boolean }, undefined, []>({
  name: 'status',
  summary: 'Show the targets, their addresses and whether they run',
  options: [...networkOptions(), new Option('--json', 'print the status as JSON')],
  async run({ opts, io }) {
    const { testnetStatus } = await import('../index.js')
    const status = await testnetStatus(networkConfig(opts))
    if (!status.known) {
      throw new DisnixError('TESTNET_UNKNOWN', `no test network in ${status.config.dir}`, { hint: 'disnix-testnet up' })
    }
    if (opts.json === true) {
      io.stdout.write(`${JSON.stringify(status, null, 2)}\n`)
      return
    }
    const { config } = status
    const lines = [`network ${config.net}.0/24 on ${config.bridge} (${status.bridgeUp ? 'up' : 'down'}), state in ${config.dir}`]
    const width = Math.max(...status.targets.map((t) => t.name.length))
    for (const t of status.targets) lines.push(`${t.name.padEnd(width)}  ${t.address.padEnd(15)}  ${t.running ? 'up' : 'down'}`)
    io.stdout.write(`${lines.join('\n')}\n`)
  },
})

const exec = defineSubcommand<NetworkFlags, undefined, [target: string, command: string[]]>({
  name: 'exec',
  summary: 'Run a command inside a target (its namespaces; no ssh)',
  arguments: [new Argument('<target>', 'target name'), new Argument('<command...>', 'command and its arguments')],
  options: networkOptions(),
  configure: (command) => void command.passThroughOptions(),
  async run({ opts, args: [target, argv], io }) {
    const lib = await import('../index.js')
    lib.requireRoot()
    // `exec T -- CMD` is the usual way to say "the rest is the command"; commander passes the `--` on.
    const command = argv[0] === '--' ? argv.slice(1) : argv
    if (command.length === 0) throw new DisnixError('TESTNET_INVALID', 'exec: no command given')
    const [file, ...args] = await lib.enterTargetArgv(networkConfig(opts), target, command)
    const { execa } = await import('execa')
    const env = { ...lib.targetSessionEnv(), ...(io.env.TERM ? { TERM: io.env.TERM } : {}) }
    const result = await execa(file!, args, { env, extendEnv: false, stdio: 'inherit', reject: false })
    if (result.exitCode === undefined) {
      throw new DisnixError('TESTNET_EXEC_FAILED', `target ${target}: ${result.shortMessage}`)
    }
    return result.exitCode
  },
})

const sshConfig = defineSubcommand<NetworkFlags & { content?: boolean }, undefined, []>({
  name: 'ssh-config',
  summary: 'Print the path of the generated ssh client config (use with ssh -F)',
  options: [...networkOptions(), new Option('--content', 'print the config itself instead of its path')],
  async run({ opts, io }) {
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
    io.stdout.write(opts.content === true ? text : `${file}\n`)
  },
})

export const disnixTestnet = defineTool<Record<string, never>, undefined, []>({
  name: 'disnix-testnet',
  summary: 'Creates and removes a local network of virtual target machines (Linux namespaces, root only)',
  session: testnetSession,
  options: [],
  // `exec`'s options after the target belong to the command it runs.
  configure: (command) => void command.enablePositionalOptions(),
  commands: [up, down, status, exec, sshConfig],
  sections: {
    Examples: [
      'eval "$(disnix-testnet up 2)"            # testtarget1, testtarget2; sets SSH_OPTS',
      'disnix-testnet up -i infrastructure.nix  # one target per target of the model',
      'ssh -F "$(disnix-testnet ssh-config)" testtarget1 hostname',
      'disnix-testnet exec testtarget1 ls /nix/store',
      'disnix-testnet down',
    ],
  },
  exitStatuses: [
    { status: 0, meaning: 'success' },
    { status: 1, meaning: 'failure (not root, no namespace support, bad input, a target that did not start)' },
    { status: 'child', meaning: "exec: the command's status" },
  ],
})

function networkConfig(opts: NetworkFlags): NetworkConfig {
  return { dir: opts.dir, net: opts.net, bridge: opts.bridge, nsPrefix: opts.prefix }
}

/** `up` without a count brings back the network the dir last had (the hint after a failure says so). */
async function previousTargetsOrDefault(config: NetworkConfig): Promise<string[]> {
  const { countedTargetNames, testnetStatus, validateNetworkConfig } = await import('../index.js')
  const status = await testnetStatus(validateNetworkConfig(config))
  return status.targets.length > 0 ? status.targets.map((t) => t.name) : countedTargetNames(2)
}
