import { describe, expect, test } from 'vitest'
import { DisnixError } from './disnix-error.js'
import { runCommand } from './run-command.js'

describe('runCommand', () => {
  test('returns stdout and stderr of a successful command', async () => {
    const result = await runCommand('sh', ['-c', 'echo out; echo err >&2'])
    expect(result).toEqual({ stdout: 'out\n', stderr: 'err\n' })
  })

  test('a failing command becomes a DisnixError naming the step, its status and the last stderr lines', async () => {
    const error = await runCommand('sh', ['-c', 'for i in $(seq 1 30); do echo line$i >&2; done; exit 3'], { step: 'importing closure' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DisnixError)
    const message = (error as DisnixError).message
    expect(message).toMatch(/^importing closure: failed \(exit status 3\)\n/)
    expect(message).toContain('line30')
    expect(message).toContain('line11')
    expect(message).not.toContain('line10\n')
    expect((error as DisnixError).code).toBe('COMMAND_FAILED')
  })

  test('secrets are redacted from the message', async () => {
    const error = await runCommand('sh', ['-c', 'echo "password=hunter2 rejected" >&2; exit 1'], { step: 'login', secrets: ['hunter2'] }).catch((e: unknown) => e)
    expect((error as DisnixError).message).toContain('password=*** rejected')
    expect((error as DisnixError).message).not.toContain('hunter2')
  })

  test('a missing program is COMMAND_NOT_FOUND', async () => {
    const error = await runCommand('/nonexistent/program', []).catch((e: unknown) => e)
    expect((error as DisnixError).code).toBe('COMMAND_NOT_FOUND')
  })

  test('arguments are never interpreted by a shell', async () => {
    const { stdout } = await runCommand('printf', ['%s', '$(echo injected)'])
    expect(stdout).toBe('$(echo injected)')
  })
})
