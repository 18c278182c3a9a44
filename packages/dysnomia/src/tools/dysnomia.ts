import { homedir } from 'node:os'
import { Option } from 'commander'
import { ChildProcessError, defineTool, DisnixError, plainSession, positiveInteger, type ToolIo } from '@disnix-ts/libmain'

export interface DysnomiaOptions {
  operation?: string
  component?: string
  container?: string
  type?: string
  environment?: boolean
  shell?: boolean
  command?: string
  checkTimeout: number
}

/** The exit status of `--operation check` when the module does not implement check (the monitoring plugins' UNKNOWN). */
const CHECK_UNKNOWN_STATUS = 3

export const dysnomia = defineTool<DysnomiaOptions, undefined, []>({
  name: 'dysnomia',
  suite: 'dysnomia',
  summary:
    'Modify the state of a container in which a mutable component is hosted: run a Dysnomia module\n' +
    'operation (activate, deactivate, lock, unlock, snapshot, restore, collect-garbage, shell, check) on a component.',
  usage:
    '--operation OPERATION --component COMPONENT --container CONTAINER\n' +
    '  or: dysnomia --operation OPERATION --component COMPONENT --type TYPE --environment [--container NAME]\n' +
    '  or: dysnomia --shell --component COMPONENT --container CONTAINER [--command COMMANDS]\n' +
    '  or: dysnomia --shell --component COMPONENT --type TYPE --environment [--command COMMANDS]',
  session: plainSession,
  options: [
    new Option(
      '-o, --operation <operation>',
      'Operation to execute on the mutable component: activate, deactivate, lock, unlock, snapshot, restore, collect-garbage, shell or check',
    ),
    new Option('-c, --component <component>', 'Name of (or path to) a component containing the logical state of a mutable component'),
    new Option('-C, --container <container>', 'Name of (or path to) a configuration describing the container that hosts the component; with --environment only a name passed to the module'),
    new Option(
      '-t, --type <type>',
      "Dysnomia module type (a name without '/', or a path starting with / or ./ to a module or a package) used if the container configuration has no type; required with --environment",
    ),
    new Option('-E, --environment', 'Take the container properties from the current environment instead of a container configuration file'),
    new Option('--shell', 'Spawn a shell session in which the container properties are available as environment variables'),
    new Option('--command <commands>', 'Commands to execute in the shell session instead of an interactive prompt (with --shell)'),
    new Option('--check-timeout <seconds>', 'With --operation check: report the component as failing when the module has not finished within SECONDS')
      .default(60)
      .argParser(positiveInteger),
  ],
  sections: {
    Modules: [
      'A module is an executable invoked as: MODULE OPERATION COMPONENT CONTAINER. A type without / is',
      'looked up in the directories of DYSNOMIA_MODULES_PATH, then in the bundled modules directory. A type',
      'starting with / or ./ is a path: a module file, or a package directory holding one libexec/dysnomia/*',
      'module. Any other type (such as ../x) is refused.',
      'With a container configuration file, the module runs with ONLY its properties (except type), PATH',
      'and DYSNOMIA_STATEDIR in its environment; with --environment it inherits the whole environment.',
    ],
    Check: [
      'The check operation asks the module whether the component is healthy. It prints one line on stdout,',
      'STATUS: REASON, where STATUS is:',
      '  healthy  the module exited 0 and the last non-empty line of its stdout is "healthy: WHAT IT VERIFIED"',
      '  failing  the module exited non-zero (REASON: its last non-empty line of stderr, else of stdout), was',
      '           killed, or did not finish within --check-timeout seconds',
      '  unknown  the module exited 0 without such a line: it does not implement check (an older module)',
    ],
  },
  environment: [
    {
      name: 'DYSNOMIA_COMPONENTS_PATH',
      meaning: 'Colon-separated directories searched for DIR/CONTAINER/COMPONENT when the\ncomponent is a name, not a path starting with / or ./\n(default: /etc/dysnomia/components)',
    },
    {
      name: 'DYSNOMIA_CONTAINERS_PATH',
      meaning: 'Colon-separated directories searched for container configuration files\nwhen the container is a name (default: /etc/dysnomia/containers)',
    },
    { name: 'DYSNOMIA_MODULES_PATH', meaning: 'Colon-separated directories searched for modules before the bundled ones' },
    {
      name: 'DYSNOMIA_STATEDIR',
      meaning: 'Where modules keep snapshots and markers; passed to the module\n(default: /var/state/dysnomia for root, $HOME/.dysnomia for others)',
    },
  ],
  exitStatuses: [
    { status: 0, meaning: 'the module (or the shell session) succeeded; with --operation check: healthy' },
    {
      status: 'child',
      meaning:
        'the module exited with status N, or 128+S when signal S killed it (the original reported 123 for\nany failure); with --shell, the status of the session (of the last command with --command)',
      codes: ['MODULE_FAILED'],
    },
    {
      status: 1,
      meaning:
        'bad usage: no or an unknown operation, no component, no container, an invalid type, module\nnot found, an unreadable file or directory; with --operation check: failing',
      codes: ['CHECK_FAILED'],
    },
    { status: CHECK_UNKNOWN_STATUS, meaning: 'with --operation check: unknown (the module does not implement check)' },
    { status: 130, meaning: 'with --operation check: interrupted (the module is killed)', codes: ['CANCELLED'] },
  ],
  async run({ opts, io }) {
    if (opts.command !== undefined && !opts.shell) {
      throw new DisnixError('USAGE', 'ERROR: --command can only be used together with --shell!')
    }
    const { requestSettings } = await import('../dysnomia-settings.js')
    const request = {
      component: opts.component ?? '',
      container: opts.container,
      type: opts.type,
      environment: opts.environment === true,
      ...requestSettings(io.env, { uid: process.getuid?.() ?? -1, home: homedir() }),
      // The executable hands the module its own descriptors; an in-process caller gets the output on its streams.
      ...(io.main ? {} : { stdout: io.stdout, stderr: io.stderr, signal: io.signal }),
    }
    if (opts.shell) {
      const { runDysnomiaShell } = await import('../run-dysnomia-shell.js')
      return runDysnomiaShell({ ...request, command: opts.command })
    }
    if (opts.operation === 'check') {
      const { checkComponent } = await import('../check-component.js')
      const result = await checkComponent({ ...request, timeoutMs: opts.checkTimeout * 1000, signal: cancelSignal(io) })
      io.stdout.write(`${result.status}: ${result.reason}\n`)
      if (result.status === 'failing') throw new DisnixError('CHECK_FAILED', `ERROR: check failed: ${result.reason}`)
      return result.status === 'unknown' ? CHECK_UNKNOWN_STATUS : 0
    }
    const [{ prepareDysnomiaInvocation }, { runModule }] = await Promise.all([import('../prepare-dysnomia-invocation.js'), import('../run-dysnomia-operation.js')])
    const invocation = await prepareDysnomiaInvocation({ ...request, operation: opts.operation ?? '' })
    const status = await runModule(invocation, request)
    if (status !== 0) {
      throw new ChildProcessError(
        'MODULE_FAILED',
        `ERROR: Module: ${invocation.module} failed to execute operation: ${invocation.operation} on component: ${invocation.componentPath} (exit status ${status})`,
        { exitStatus: status },
      )
    }
  },
})

/** A cancelled check (Ctrl-C, or the in-process caller's signal) also ends the module's process group. */
function cancelSignal(io: ToolIo): AbortSignal | undefined {
  if (!io.main) return io.signal
  const controller = new AbortController()
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => controller.abort())
  return controller.signal
}
