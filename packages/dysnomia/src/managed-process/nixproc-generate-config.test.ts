import { readFile, readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { runToolInProcess } from '@disnix-ts/libmain'
import { testDir } from '@disnix-ts/libmain/testing'
import { describe, expect, test } from 'vitest'
import { nixprocGenerateConfig } from './nixproc-generate-config.js'

async function generate(argv: string[]): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  const out: string[] = []
  const err: string[] = []
  const stdout = new Writable({ write: (chunk, _encoding, done) => void (out.push(String(chunk)), done()) })
  const stderr = new Writable({ write: (chunk, _encoding, done) => void (err.push(String(chunk)), done()) })
  const exitCode = await runToolInProcess(nixprocGenerateConfig, argv, { stdout, stderr, env: {} })
  return { stdout: out.join(''), stderr: err.join(''), exitCode }
}

describe('nixproc-generate-config', () => {
  test('writes the supervisord program of a JSON process configuration into --output and prints that directory', async () => {
    const dir = await testDir('nixproc-')
    const config = join(dir, 'web.json')
    await writeFile(config, JSON.stringify({ name: 'web', foregroundProcess: '/bin/web', args: ['-p', '8080'] }))
    const output = join(dir, 'out')
    expect(await generate(['--process-manager', 'supervisord', '--state-dir', join(dir, 'state'), '--output', output, config])).toEqual({
      stdout: `${output}\n`,
      stderr: '',
      exitCode: 0,
    })
    expect(await readdir(join(output, 'conf.d'))).toEqual(['web.conf'])
    expect(await readFile(join(output, 'conf.d', 'web.conf'), 'utf8')).toContain(`[program:web]\ncommand=${join(output, 'bin', 'web')}\n`)
    expect(await readFile(join(output, 'bin', 'web'), 'utf8')).toMatch(/\nexec \/bin\/web -p 8080\n$/)
  })

  test('an unsupported process manager, a missing argument and an unreadable configuration end with exit 1 and one line', async () => {
    const dir = await testDir('nixproc-')
    const output = join(dir, 'out')
    expect(await generate(['--process-manager', 'launchd', '--output', output, join(dir, 'x.json')])).toEqual({
      stdout: '',
      stderr: 'Cannot generate a configuration for process manager: launchd (supported: supervisord, sysvinit, disnix)\n',
      exitCode: 1,
    })
    expect(await generate(['--process-manager', 'sysvinit', join(dir, 'x.json')])).toEqual({
      stdout: '',
      stderr: 'Expecting --output DIR and exactly one JSON process configuration\n',
      exitCode: 1,
    })
    expect(await generate(['--process-manager', 'sysvinit', '--output', output, join(dir, 'x.json')])).toEqual({
      stdout: '',
      stderr: `Cannot read process configuration: ${join(dir, 'x.json')}: no such file\n`,
      exitCode: 1,
    })
    await writeFile(join(dir, 'bad.json'), '{"name": 7}')
    expect(await generate(['--process-manager', 'disnix', '--output', output, join(dir, 'bad.json')])).toEqual({
      stdout: '',
      stderr: `Invalid process configuration: ${join(dir, 'bad.json')}: "name" must be a string\n`,
      exitCode: 1,
    })
  })
})
