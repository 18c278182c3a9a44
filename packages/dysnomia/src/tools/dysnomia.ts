import { homedir } from 'node:os'
import { DisnixError, helpSections, positiveInteger, runTool, toolCommand } from '@disnix-ts/libmain'

interface DysnomiaOptions {
  operation?: string
  component?: string
  container?: string
  type?: string
  environment?: boolean
  shell?: boolean
  command?: string
  checkTimeout: number
}

/** The exit status of `--operation check` for each outcome; 3 is UNKNOWN as in the monitoring plugins' convention. */
const CHECK_EXIT_STATUS = { healthy: 0, failing: 1, unknown: 3 } as const

const program = toolCommand(
  'dysnomia',
  'Modify the state of a container in which a mutable component is hosted: run a Dysnomia module\n' +
    'operation (activate, deactivate, lock, unlock, snapshot, restore, collect-garbage, shell, check) on a component.',
  { suite: 'dysnomia' },
)
  .usage(
    '--operation OPERATION --component COMPONENT --container CONTAINER\n' +
      '  or: dysnomia --operation OPERATION --component COMPONENT --type TYPE --environment [--container NAME]\n' +
      '  or: dysnomia --shell --component COMPONENT --container CONTAINER [--command COMMANDS]\n' +
      '  or: dysnomia --shell --component COMPONENT --type TYPE --environment [--command COMMANDS]',
  )
  .option(
    '-o, --operation <operation>',
    'Operation to execute on the mutable component: activate, deactivate, lock, unlock, snapshot, restore, collect-garbage, shell or check',
  )
  .option('-c, --component <component>', 'Name of (or path to) a component containing the logical state of a mutable component')
  .option('-C, --container <container>', 'Name of (or path to) a configuration describing the container that hosts the component; with --environment only a name passed to the module')
  .option(
    '-t, --type <type>',
    "Dysnomia module type (a name without '/', or a path starting with / or ./ to a module or a package) used if the container configuration has no type; required with --environment",
  )
  .option('-E, --environment', 'Take the container properties from the current environment instead of a container configuration file')
  .option('--shell', 'Spawn a shell session in which the container properties are available as environment variables')
  .option('--command <commands>', 'Commands to execute in the shell session instead of an interactive prompt (with --shell)')
  .option('--check-timeout <seconds>', 'With --operation check: report the component as failing when the module has not finished within SECONDS', positiveInteger, 60)
  .addHelpText(
    'after',
    helpSections({
      Modules: [
        'A module is an executable invoked as: MODULE OPERATION COMPONENT CONTAINER. A type without / is',
        'looked up in the directories of DYSNOMIA_MODULES_PATH, then in the bundled modules directory. A type',
        'starting with / or ./ is a path: a module file, or a package directory holding one libexec/dysnomia/*',
        'module. Any other type (such as ../x) is refused.',
        'With a container configuration file, the module runs with ONLY its properties (except type), PATH',
        'and DYSNOMIA_STATEDIR in its environment; with --environment it inherits the whole environment.',
      ],
      'Check': [
        'The check operation asks the module whether the component is healthy. It prints one line on stdout,',
        'STATUS: REASON, where STATUS is:',
        '  healthy  the module exited 0 and the last non-empty line of its stdout is "healthy: WHAT IT VERIFIED"',
        '  failing  the module exited non-zero (REASON: its last non-empty line of stderr, else of stdout), was',
        '           killed, or did not finish within --check-timeout seconds',
        '  unknown  the module exited 0 without such a line: it does not implement check (an older module)',
      ],
      Environment: [
        'DYSNOMIA_COMPONENTS_PATH  Colon-separated directories searched for DIR/CONTAINER/COMPONENT when the',
        '                          component is a name, not a path starting with / or ./',
        '                          (default: /etc/dysnomia/components)',
        'DYSNOMIA_CONTAINERS_PATH  Colon-separated directories searched for container configuration files',
        '                          when the container is a name (default: /etc/dysnomia/containers)',
        'DYSNOMIA_MODULES_PATH     Colon-separated directories searched for modules before the bundled ones',
        'DYSNOMIA_STATEDIR         Where modules keep snapshots and markers; passed to the module',
        '                          (default: /var/state/dysnomia for root, $HOME/.dysnomia for others)',
      ],
      'Exit status': [
        '0    the module (or the shell session) succeeded; with --operation check: healthy',
        'N    the module exited with status N (the original reported 123 for any failure);',
        '     with --shell, the status of the session (of the last command with --command)',
        '128+S  the module was killed by signal S',
        '1    bad usage: no or an unknown operation, no component, no container, an invalid type, module',
        '     not found, an unreadable file or directory; with --operation check: failing',
        '3    with --operation check: unknown (the module does not implement check)',
      ],
    }),
  )
  .action(async (opts: DysnomiaOptions) => {
    if (opts.command !== undefined && !opts.shell) {
      throw new DisnixError('USAGE', 'ERROR: --command can only be used together with --shell!')
    }
    const { dysnomiaSettings } = await import('../dysnomia-settings.js')
    const { bundledModulesDir } = await import('@disnix-ts/libmain')
    const settings = dysnomiaSettings(process.env, { uid: process.getuid?.() ?? -1, home: homedir() })
    const request = {
      component: opts.component ?? '',
      container: opts.container,
      type: opts.type,
      environment: opts.environment === true,
      env: process.env,
      stateDir: settings.stateDir,
      containersPath: settings.containersPath,
      componentsPath: settings.componentsPath,
      modulesPath: settings.modulesPath,
      builtinModulesDir: bundledModulesDir(),
    }
    if (opts.shell) {
      const { runDysnomiaShell } = await import('../run-dysnomia-shell.js')
      process.exitCode = await runDysnomiaShell({ ...request, command: opts.command })
      return
    }
    if (opts.operation === 'check') {
      const { checkComponent } = await import('../check-component.js')
      // A cancelled check (Ctrl-C) also ends the module's process group.
      const controller = new AbortController()
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => controller.abort())
      const result = await checkComponent({ ...request, timeoutMs: opts.checkTimeout * 1000, signal: controller.signal })
      process.stdout.write(`${result.status}: ${result.reason}\n`)
      if (result.status === 'failing') throw new DisnixError('CHECK_FAILED', `ERROR: check failed: ${result.reason}`, { exitCode: CHECK_EXIT_STATUS.failing })
      process.exitCode = CHECK_EXIT_STATUS[result.status]
      return
    }
    const { prepareDysnomiaInvocation } = await import('../prepare-dysnomia-invocation.js')
    const { runModule } = await import('../run-dysnomia-operation.js')
    const invocation = await prepareDysnomiaInvocation({ ...request, operation: opts.operation ?? '' })
    const status = await runModule(invocation)
    if (status !== 0) {
      throw new DisnixError(
        'MODULE_FAILED',
        `ERROR: Module: ${invocation.module} failed to execute operation: ${invocation.operation} on component: ${invocation.componentPath} (exit status ${status})`,
        { exitCode: status },
      )
    }
  })

await runTool(program)
