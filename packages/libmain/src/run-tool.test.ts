import { Writable } from 'node:stream'
import { Argument, Option } from 'commander'
import { describe, expect, test } from 'vitest'
import { ChildProcessError, DisnixError } from './disnix-error.js'
import { errorReport, exitStatusOf, INTERNAL_ERROR_STATUS, runToolInProcess } from './run-tool.js'
import { defineSubcommand, defineTool, plainSession, type Session } from './tool-definition.js'

function capture(): Writable & { text: () => string } {
  const chunks: string[] = []
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      chunks.push(String(chunk))
      callback()
    },
  }) as Writable & { text: () => string }
  stream.text = () => chunks.join('')
  return stream
}

const events: string[] = []
const recordingSession: Session<{ name: string }, { verbose?: boolean }> = {
  kind: 'coordinator',
  errorPrefix: '[coordinator]: ',
  environment: [{ name: 'TMPDIR', meaning: 'temp files' }],
  exitStatuses: [{ status: 130, meaning: 'interrupted', codes: ['INTERRUPTED'] }],
  open: ({ opts }) => {
    events.push(`open verbose=${opts.verbose === true}`)
    return { name: 'session' }
  },
  close: () => void events.push('close'),
}

const tool = defineTool<{ fail?: string; verbose?: boolean; level: string }, { name: string }, [item: string]>({
  name: 'sample-tool',
  summary: 'Does sample things',
  session: recordingSession,
  arguments: [new Argument('<item>', 'what to work on')],
  options: [new Option('--fail <how>', 'fail in the given way'), new Option('--verbose'), new Option('--level <l>', 'a level').env('SAMPLE_LEVEL').default('low')],
  environment: [{ name: 'SAMPLE_HOME', meaning: 'where samples live' }],
  exitStatuses: [
    { status: 0, meaning: 'done' },
    { status: 2, meaning: 'the migration failed', codes: ['MIGRATION_FAILED'] },
    { status: 'child', meaning: "the failing child's own status", codes: ['COMMAND_FAILED'] },
  ],
  async run({ opts, args: [item], session, io }) {
    events.push(`run ${item} in ${session.name}`)
    if (opts.fail === 'migration') throw new DisnixError('MIGRATION_FAILED', 'state did not move', { hint: 'disnix-migrate …' })
    if (opts.fail === 'child') throw new ChildProcessError('COMMAND_FAILED', 'module failed', { exitStatus: 7 })
    if (opts.fail === 'interrupt') throw new DisnixError('INTERRUPTED', 'interrupted')
    if (opts.fail === 'bug') throw new TypeError('oops')
    if (opts.fail === 'status') return 3
    io.stdout.write(`${item}\n`)
  },
})

async function run(argv: string[]) {
  events.length = 0
  const stdout = capture()
  const stderr = capture()
  const status = await runToolInProcess(tool, argv, { stdout, stderr, env: {} })
  return { status, stdout: stdout.text(), stderr: stderr.text() }
}

describe('runToolInProcess', () => {
  test('opens the session with the parsed options, runs, closes it, and returns 0', async () => {
    expect(await run(['--verbose', 'x'])).toEqual({ status: 0, stdout: 'x\n', stderr: '' })
    expect(events).toEqual(['open verbose=true', 'run x in session', 'close'])
  })

  test('an error prints once, with the session prefix and the hint, after the session closed', async () => {
    expect(await run(['--fail', 'migration', 'x'])).toEqual({ status: 2, stdout: '', stderr: '[coordinator]: state did not move\nhint: disnix-migrate …\n' })
    expect(events.at(-1)).toBe('close')
  })

  test('maps codes to statuses from the definition, the session, or the failing child', async () => {
    expect((await run(['--fail', 'child', 'x'])).status).toBe(7)
    expect((await run(['--fail', 'interrupt', 'x'])).status).toBe(130)
    expect((await run(['--fail', 'status', 'x'])).status).toBe(3)
  })

  test('anything but a DisnixError is a bug: its stack is printed with status 70', async () => {
    const result = await run(['--fail', 'bug', 'x'])
    expect(result.status).toBe(INTERNAL_ERROR_STATUS)
    expect(result.stderr).toMatch(/^\[coordinator\]: internal error \(this is a bug in disnix-ts\):\nTypeError: oops\n {4}at /)
  })

  test('usage errors are commander’s (exit 1, with a suggestion), and the session is never opened', async () => {
    const result = await run(['--verbos', 'x'])
    expect(result).toMatchObject({ status: 1, stdout: '' })
    expect(result.stderr).toContain("error: unknown option '--verbos'\n(Did you mean --verbose?)")
    expect(events).toEqual([])
  })

  test('--help generates the Environment and Exit status sections from the definition and its session', async () => {
    const result = await run(['--help'])
    expect(result.status).toBe(0)
    expect(result.stdout).toContain(
      [
        'Environment:',
        '  SAMPLE_LEVEL  default for --level (default: low)',
        '  SAMPLE_HOME   where samples live',
        '  TMPDIR        temp files',
        '',
        'Exit status:',
        '  0    done',
        '  2    the migration failed',
        "  N    the failing child's own status",
        '  130  interrupted',
      ].join('\n'),
    )
  })
})

describe('exitStatusOf', () => {
  test('is 1 for a code the definition does not name, and for a child without a status', () => {
    expect(exitStatusOf(tool, new DisnixError('MODELS_INVALID', 'bad'))).toBe(1)
    expect(exitStatusOf(tool, new ChildProcessError('COMMAND_FAILED', 'killed', { signal: 'SIGKILL' }))).toBe(1)
  })

  test('errorReport of a plain tool has no prefix', () => {
    const plain = { ...tool, session: plainSession }
    expect(errorReport(plain, new DisnixError('USAGE', 'ERROR: No operation specified!'))).toEqual({ text: 'ERROR: No operation specified!\n', exitStatus: 1 })
  })
})

const greet = defineSubcommand<{ name: string; loud?: boolean }, { name: string }, [times?: string]>({
  name: 'greet',
  summary: 'Greets someone',
  arguments: [new Argument('[times]', 'how often')],
  options: [new Option('--name <name>', 'whom to greet').env('SAMPLE_NAME').default('world'), new Option('--loud', 'shout')],
  async run({ opts, args: [times], session, io, isDefault }) {
    events.push(`greet in ${session.name}`)
    io.stdout.write(`hello ${opts.name} x${times ?? 1}${isDefault('name') ? ' (default name)' : ''}\n`)
    return opts.loud ? 4 : 0
  },
})

const multi = defineTool<Record<string, never>, { name: string }, []>({
  name: 'multi-tool',
  summary: 'Does things in subcommands',
  session: recordingSession,
  options: [],
  commands: [greet],
  exitStatuses: [{ status: 0, meaning: 'done' }],
})

async function runMulti(argv: string[], env: NodeJS.ProcessEnv = {}) {
  events.length = 0
  const stdout = capture()
  const stderr = capture()
  const status = await runToolInProcess(multi, argv, { stdout, stderr, env })
  return { status, stdout: stdout.text(), stderr: stderr.text() }
}

describe('runToolInProcess of a tool with subcommands', () => {
  test('runs the chosen subcommand in the tool\'s session, with its own options and arguments', async () => {
    expect(await runMulti(['greet', '--loud', '3'])).toEqual({ status: 4, stdout: 'hello world x3 (default name)\n', stderr: '' })
    expect(events).toEqual(['open verbose=false', 'greet in session', 'close'])
    expect((await runMulti(['greet', '--name', 'you'])).stdout).toBe('hello you x1\n')
  })

  test('without a subcommand it shows its help and fails, as commander does', async () => {
    const result = await runMulti([])
    expect(result.status).toBe(1)
    expect(result.stderr).toContain('Commands:\n  greet [options] [times]')
    expect(events).toEqual([])
  })

  test('the help of the tool and of each subcommand lists the environment variables of the subcommands\' options', async () => {
    const root = await runMulti(['--help'])
    expect(root.stdout).toContain('Environment:\n  SAMPLE_NAME  default for --name (default: world)\n  TMPDIR       temp files\n')
    const sub = await runMulti(['greet', '--help'])
    expect(sub.status).toBe(0)
    expect(sub.stdout).toContain('Options:\n  --name <name>')
    expect(sub.stdout).toContain('Environment:\n  SAMPLE_NAME  default for --name (default: world)')
  })
})
