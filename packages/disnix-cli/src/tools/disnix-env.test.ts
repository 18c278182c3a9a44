import { runBin } from '@disnix-ts/test-utils'
import { describe, expect, test } from 'vitest'

describe('disnix-env', () => {
  test('without arguments prints its usage on stderr and fails', async () => {
    const r = await runBin('disnix-env', [])
    expect(r.exitCode).toBe(1)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(/^Usage: disnix-env \[options\]\n/)
    expect(r.stderr).toContain('  -i, --infrastructure <file>')
    expect(r.stderr).toContain('Model combinations:')
  })

  test('a misspelled option gets a suggestion', async () => {
    const r = await runBin('disnix-env', ['--undeplo'])
    expect(r).toMatchObject({ exitCode: 1, stdout: '' })
    expect(r.stderr).toBe("error: unknown option '--undeplo'\n(Did you mean --undeploy?)\n")
  })
})
