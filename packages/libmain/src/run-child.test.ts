import { mkdtemp, open, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { describe, expect, onTestFinished, test } from 'vitest'
import { ChildProcessError, DisnixError } from './disnix-error.js'
import { childFailure, runChild } from './run-child.js'

// libmain's tests cannot use @disnix-ts/test-utils (it depends on libmain).
async function testDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix))
  onTestFinished(() => rm(dir, { recursive: true, force: true }))
  return dir
}

describe('runChild', () => {
  test('collects stdout and stderr and reports the exit status', async () => {
    const outcome = await runChild('sh', ['-c', 'echo out; echo err >&2; exit 3'])
    expect(outcome).toMatchObject({ stdout: 'out\n', stderr: 'err\n', exitCode: 3, cancelled: false })
    expect(outcome.signal).toBeUndefined()
  })

  test('arguments are never interpreted by a shell', async () => {
    expect((await runChild('printf', ['%s', '$(echo injected); `id`'])).stdout).toBe('$(echo injected); `id`')
  })

  test('the environment is ours with the given variables over it', async () => {
    process.env.RUN_CHILD_TEST_INHERITED = 'inherited'
    try {
      const { stdout } = await runChild('sh', ['-c', 'echo "$RUN_CHILD_TEST_INHERITED $RUN_CHILD_TEST_GIVEN"'], { env: { RUN_CHILD_TEST_GIVEN: 'given' } })
      expect(stdout).toBe('inherited given\n')
    } finally {
      delete process.env.RUN_CHILD_TEST_INHERITED
    }
  })

  test('output to a descriptor is written by the child itself and not collected', async () => {
    const dir = await testDir('disnix-run-child-')
    const handle = await open(join(dir, 'out'), 'w')
    try {
      const outcome = await runChild('sh', ['-c', 'echo into the file'], { stdout: handle.fd })
      expect(outcome.stdout).toBe('')
    } finally {
      await handle.close()
    }
    expect(await readFile(join(dir, 'out'), 'utf8')).toBe('into the file\n')
  })

  test('stderr to a stream of the caller is forwarded, collected, and the stream left open', async () => {
    const sink = new PassThrough()
    const seen: Buffer[] = []
    sink.on('data', (chunk: Buffer) => seen.push(chunk))
    const outcome = await runChild('sh', ['-c', 'echo progress >&2'], { stderr: sink })
    expect(outcome.stderr).toBe('progress\n')
    expect(Buffer.concat(seen).toString()).toBe('progress\n')
    expect(sink.writableEnded).toBe(false)
  })

  test('attach feeds stdin and reads a stdout stream', async () => {
    const received: Buffer[] = []
    const outcome = await runChild('tr', ['a-z', 'A-Z'], {
      stdin: 'pipe',
      stdout: 'stream',
      attach: (child) => {
        child.stdout?.on('data', (chunk: Buffer) => received.push(chunk))
        child.stdin?.end('shout\n')
      },
    })
    expect(outcome.exitCode).toBe(0)
    expect(outcome.stdout).toBe('')
    expect(Buffer.concat(received).toString()).toBe('SHOUT\n')
  })

  test('a child that ends without reading its input is an outcome, not a crash', async () => {
    const outcome = await runChild('sh', ['-c', 'exit 4'], {
      stdin: 'pipe',
      attach: (child) => {
        const big = Buffer.alloc(1 << 20)
        for (let i = 0; i < 8; i++) child.stdin?.write(big)
        child.stdin?.end()
      },
    })
    expect(outcome.exitCode).toBe(4)
  })

  test('aborting kills the child with SIGTERM', async () => {
    const controller = new AbortController()
    const pending = runChild('sleep', ['30'], { signal: controller.signal })
    setTimeout(() => controller.abort(), 50)
    const outcome = await pending
    expect(outcome).toMatchObject({ signal: 'SIGTERM', cancelled: true })
    expect(outcome.exitCode).toBeUndefined()
  })

  test('a missing program is a spawn error', async () => {
    const outcome = await runChild('/nonexistent/program', [])
    expect(outcome.spawnError?.code).toBe('ENOENT')
    expect(outcome.exitCode).toBeUndefined()
  })
})

describe('childFailure', () => {
  test('is undefined for a child that exited with status 0', async () => {
    expect(childFailure(await runChild('true', []), 'true', [])).toBeUndefined()
  })

  test('names the step and the exit status and carries the last 20 lines of stderr', async () => {
    const outcome = await runChild('sh', ['-c', 'for i in $(seq 1 30); do echo line$i >&2; done; exit 3'])
    const error = childFailure(outcome, 'sh', [], { step: 'importing closure' })
    expect(error).toBeInstanceOf(ChildProcessError)
    expect(error).toMatchObject({ code: 'COMMAND_FAILED', exitStatus: 3 })
    expect(error?.message).toMatch(/^importing closure: failed \(exit status 3\)\n/)
    expect(error?.message).toContain('line11\n')
    expect(error?.message).toContain('line30')
    expect(error?.message).not.toContain('line10\n')
  })

  test('without a step the command line names it', async () => {
    const error = childFailure(await runChild('false', ['--flag']), 'false', ['--flag'])
    expect(error?.message).toBe('false --flag: failed (exit status 1)')
  })

  test('redacts secrets', async () => {
    const outcome = await runChild('sh', ['-c', 'echo "password=hunter2 rejected" >&2; exit 1'])
    const error = childFailure(outcome, 'sh', [], { step: 'login', secrets: ['hunter2'] })
    expect(error?.message).toContain('password=*** rejected')
    expect(error?.message).not.toContain('hunter2')
  })

  test('a missing program is COMMAND_NOT_FOUND', async () => {
    const error = childFailure(await runChild('/nonexistent/program', []), '/nonexistent/program', [], { step: 'running it' })
    expect(error).toBeInstanceOf(DisnixError)
    expect(error).toMatchObject({ code: 'COMMAND_NOT_FOUND', message: 'running it: cannot execute /nonexistent/program: not found' })
  })

  test('a killed child says by which signal; a cancelled one says so', async () => {
    const killed = await runChild('sh', ['-c', 'kill -KILL $$'])
    expect(childFailure(killed, 'sh', [], { step: 'working' })?.message).toBe('working: failed (killed by SIGKILL)')
    const controller = new AbortController()
    const pending = runChild('sleep', ['30'], { signal: controller.signal })
    setTimeout(() => controller.abort(), 50)
    expect(childFailure(await pending, 'sleep', [], { step: 'waiting' })?.message).toBe('waiting: failed (cancelled)')
  })
})
