import { homedir } from 'node:os'
import { Option } from 'commander'
import { defineTool, DisnixError, plainSession } from '@disnix-ts/libmain'

type Action =
  | 'query-containers'
  | 'query-available-components'
  | 'query-activated-components'
  | 'query-garbage'
  | 'generate-expr'
  | 'generate-dot'
  | 'execute-operation'
  | 'deploy'
  | 'snapshot'
  | 'restore'
  | 'collect-garbage'

/** The option that selects each action (as in the original, the last one on the command line wins). */
const ACTION_OPTIONS: Readonly<Record<string, Action>> = {
  'query-containers': 'query-containers',
  'query-available-components': 'query-available-components',
  'query-activated-components': 'query-activated-components',
  'query-garbage': 'query-garbage',
  'generate-expr': 'generate-expr',
  'generate-dot': 'generate-dot',
  operation: 'execute-operation',
  deploy: 'deploy',
  snapshot: 'snapshot',
  restore: 'restore',
  'collect-garbage': 'collect-garbage',
}

export interface DysnomiaContainersOptions {
  action?: Action
  operation?: string
  container?: string
  y?: boolean
}

export const dysnomiaContainers = defineTool<DysnomiaContainersOptions, undefined, []>({
  name: 'dysnomia-containers',
  suite: 'dysnomia',
  summary: 'Manage all mutable components deployed to a set of containers',
  usage: '[OPTION] ACTION',
  session: plainSession,
  options: [
    new Option('--query-containers', 'Print the available containers (the configuration files of all DYSNOMIA_CONTAINERS_PATH dirs)'),
    new Option('--query-available-components', 'Print the mutable components that can be deployed, as CONTAINER/COMPONENT'),
    new Option('--query-activated-components', 'Print the activated mutable components, as CONTAINER/COMPONENT'),
    new Option('--query-garbage', 'Print the deactivated components whose state awaits --collect-garbage'),
    new Option('--generate-expr', 'Print a Nix expression with the machine properties and the container configurations'),
    new Option('--generate-dot', 'Print a Graphviz graph of the containers and their available components'),
    new Option('-o, --operation <operation>', 'Execute the given operation on every activated component'),
    new Option('--deploy', 'Activate every available component not yet activated, deactivate every activated one no longer available'),
    new Option('--snapshot', 'Snapshot the state of every activated component'),
    new Option('--restore', 'Restore the state of every activated component (asks for confirmation unless -y)'),
    new Option('--collect-garbage', 'Remove the state of every component marked as garbage'),
    new Option('-C, --container <container>', 'Restrict the action to the given container'),
    new Option('-y', 'Confirm destructive actions (--restore) without asking'),
  ],
  configure(command) {
    for (const [option, action] of Object.entries(ACTION_OPTIONS)) command.on(`option:${option}`, () => command.setOptionValue('action', action))
  },
  sections: {
    Actions: ['Exactly one action; when several are given, the last one wins.'],
  },
  environment: [
    { name: 'DYSNOMIA_COMPONENTS_PATH', meaning: 'Colon-separated directories with DIR/CONTAINER/COMPONENT entries\n(default: /etc/dysnomia/components)' },
    { name: 'DYSNOMIA_CONTAINERS_PATH', meaning: 'Colon-separated directories with container configuration files\n(default: /etc/dysnomia/containers)' },
    { name: 'DYSNOMIA_PROPERTIES', meaning: 'Machine properties file used by --generate-expr\n(default: /etc/dysnomia/properties)' },
    { name: 'DYSNOMIA_STATEDIR', meaning: 'Where the activated and garbage markers are kept\n(default: /var/state/dysnomia for root, $HOME/.dysnomia for others)' },
    { name: 'DYSNOMIA_MODULES_PATH', meaning: 'Passed on to dysnomia, which looks modules up there first' },
  ],
  exitStatuses: [
    { status: 0, meaning: 'success (also when --restore was not confirmed)' },
    { status: 'child', meaning: 'the exit status of the first dysnomia operation that failed; the remaining ones are not run', codes: ['OPERATION_FAILED'] },
    { status: 1, meaning: 'no action given, or an invalid configuration file' },
  ],
  async run({ opts, io }) {
    if (opts.action === undefined) throw new DisnixError('USAGE', 'No action specified!')
    const [{ dysnomiaSettings }, lib] = await Promise.all([import('../dysnomia-settings.js'), import('../index.js')])
    const settings = dysnomiaSettings(io.env, { uid: process.getuid?.() ?? -1, home: homedir() })
    switch (opts.action) {
      case 'query-containers':
        io.stdout.write((await lib.queryContainers(settings.containersPath)).map((name) => `${name}\n`).join(''))
        return
      case 'query-available-components':
        io.stdout.write(lib.formatComponents(await lib.queryAvailableComponents(settings.componentsPath, opts.container)))
        return
      case 'query-activated-components':
        io.stdout.write(lib.formatComponents(await lib.queryActivatedComponents(settings.stateDir, opts.container)))
        return
      case 'query-garbage':
        io.stdout.write(lib.formatComponents(await lib.queryGarbageComponents(settings.stateDir, opts.container)))
        return
      case 'generate-expr':
        io.stdout.write(await lib.generateExpr({ propertiesFile: settings.propertiesFile, containersPath: settings.containersPath, env: io.env }))
        return
      case 'generate-dot':
        io.stdout.write(await lib.generateDot({ containersPath: settings.containersPath, componentsPath: settings.componentsPath, container: opts.container }))
        return
    }
    const { toolPath } = await import('@disnix-ts/libmain')
    const options = {
      dysnomia: toolPath('dysnomia'),
      env: io.env,
      stateDir: settings.stateDir,
      componentsPath: settings.componentsPath,
      container: opts.container,
      progress: lib.bareProgress(io.stderr),
      ...(io.main ? {} : { stdout: io.stdout, stderr: io.stderr, signal: io.signal }),
    }
    switch (opts.action) {
      case 'execute-operation':
        return lib.executeOperationOnComponents(opts.operation ?? '', options)
      case 'snapshot':
        return lib.executeOperationOnComponents('snapshot', options)
      case 'restore':
        if (opts.y !== true && !(await confirmRestore(io.stderr))) {
          io.stderr.write('Not executing the restore operations!\n')
          return
        }
        return lib.executeOperationOnComponents('restore', options)
      case 'deploy':
        return lib.deployComponents(options)
      case 'collect-garbage':
        return lib.collectComponentsGarbage(options)
    }
  },
})

/** The original's warning and question; stdout stays for results, so both go to stderr. */
async function confirmRestore(stderr: NodeJS.WritableStream): Promise<boolean> {
  stderr.write(
    'This operation will restore the state of all mutable components deployed to the\n' +
      'specified containers! This is a operation that can only be undone if recent\n' +
      'snapshots have been taken! Maybe you prefer to restore the state of individual\n' +
      'components.\n\n' +
      'Are you sure you want to proceed? [n] ',
  )
  const { createInterface } = await import('node:readline')
  const lines = createInterface({ input: process.stdin, terminal: false })
  try {
    for await (const line of lines) return line.trim() === 'y'
    return false
  } finally {
    lines.close()
  }
}
