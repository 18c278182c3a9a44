import { homedir } from 'node:os'
import { DisnixError, helpSections, runTool, toolCommand } from '@disnix-ts/libmain'

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

interface ContainersOptions {
  operation?: string
  container?: string
  y?: boolean
}

// As in the original, the last action on the command line wins.
let action: Action | undefined

const program = toolCommand('dysnomia-containers', 'Manage all mutable components deployed to a set of containers', { suite: 'dysnomia' })
  .usage('[OPTION] ACTION')
  .option('--query-containers', 'Print the available containers (the configuration files of all DYSNOMIA_CONTAINERS_PATH dirs)')
  .option('--query-available-components', 'Print the mutable components that can be deployed, as CONTAINER/COMPONENT')
  .option('--query-activated-components', 'Print the activated mutable components, as CONTAINER/COMPONENT')
  .option('--query-garbage', 'Print the deactivated components whose state awaits --collect-garbage')
  .option('--generate-expr', 'Print a Nix expression with the machine properties and the container configurations')
  .option('--generate-dot', 'Print a Graphviz graph of the containers and their available components')
  .option('-o, --operation <operation>', 'Execute the given operation on every activated component')
  .option('--deploy', 'Activate every available component not yet activated, deactivate every activated one no longer available')
  .option('--snapshot', 'Snapshot the state of every activated component')
  .option('--restore', 'Restore the state of every activated component (asks for confirmation unless -y)')
  .option('--collect-garbage', 'Remove the state of every component marked as garbage')
  .option('-C, --container <container>', 'Restrict the action to the given container')
  .option('-y', 'Confirm destructive actions (--restore) without asking')
  .addHelpText(
    'after',
    helpSections({
      Actions: ['Exactly one action; when several are given, the last one wins.'],
      Environment: [
        'DYSNOMIA_COMPONENTS_PATH  Colon-separated directories with DIR/CONTAINER/COMPONENT entries',
        '                          (default: /etc/dysnomia/components)',
        'DYSNOMIA_CONTAINERS_PATH  Colon-separated directories with container configuration files',
        '                          (default: /etc/dysnomia/containers)',
        'DYSNOMIA_PROPERTIES       Machine properties file used by --generate-expr',
        '                          (default: /etc/dysnomia/properties)',
        'DYSNOMIA_STATEDIR         Where the activated and garbage markers are kept',
        '                          (default: /var/state/dysnomia for root, $HOME/.dysnomia for others)',
        'DYSNOMIA_MODULES_PATH     Passed on to dysnomia, which looks modules up there first',
      ],
      'Exit status': [
        '0  success (also when --restore was not confirmed)',
        'N  the exit status of the first dysnomia operation that failed; the remaining ones are not run',
        '1  no action given, or an invalid configuration file',
      ],
    }),
  )
  .action(async (opts: ContainersOptions) => {
    if (action === undefined) throw new DisnixError('USAGE', 'No action specified!')
    const { dysnomiaSettings } = await import('../dysnomia-settings.js')
    const settings = dysnomiaSettings(process.env, { uid: process.getuid?.() ?? -1, home: homedir() })
    const lib = await import('../index.js')
    switch (action) {
      case 'query-containers':
        process.stdout.write((await lib.queryContainers(settings.containersPath)).map((name) => `${name}\n`).join(''))
        return
      case 'query-available-components':
        process.stdout.write(lib.formatComponents(await lib.queryAvailableComponents(settings.componentsPath, opts.container)))
        return
      case 'query-activated-components':
        process.stdout.write(lib.formatComponents(await lib.queryActivatedComponents(settings.stateDir, opts.container)))
        return
      case 'query-garbage':
        process.stdout.write(lib.formatComponents(await lib.queryGarbageComponents(settings.stateDir, opts.container)))
        return
      case 'generate-expr':
        process.stdout.write(
          await lib.generateExpr({ propertiesFile: settings.propertiesFile, containersPath: settings.containersPath, env: process.env }),
        )
        return
      case 'generate-dot':
        process.stdout.write(
          await lib.generateDot({ containersPath: settings.containersPath, componentsPath: settings.componentsPath, container: opts.container }),
        )
        return
    }
    const { toolPath } = await import('@disnix-ts/libmain')
    const options = {
      dysnomia: toolPath('dysnomia'),
      env: process.env,
      stateDir: settings.stateDir,
      componentsPath: settings.componentsPath,
      container: opts.container,
      progress: lib.bareProgress(process.stderr),
    }
    switch (action) {
      case 'execute-operation':
        return lib.executeOperationOnComponents(opts.operation ?? '', options)
      case 'snapshot':
        return lib.executeOperationOnComponents('snapshot', options)
      case 'restore':
        if (opts.y !== true && !(await confirmRestore())) {
          process.stderr.write('Not executing the restore operations!\n')
          return
        }
        return lib.executeOperationOnComponents('restore', options)
      case 'deploy':
        return lib.deployComponents(options)
      case 'collect-garbage':
        return lib.collectComponentsGarbage(options)
    }
  })

const ACTIONS: Record<string, Action> = {
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
for (const [option, name] of Object.entries(ACTIONS)) program.on(`option:${option}`, () => (action = name))

/** The original's warning and question; stdout stays for results, so both go to stderr. */
async function confirmRestore(): Promise<boolean> {
  process.stderr.write(
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

await runTool(program)
