import { readFile, readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { execa } from 'execa'
import { installRoot } from '@disnix-ts/libmain'
import { nixTestEnv, runBin, testDir } from '@disnix-ts/test-utils'
import { describe, expect, test } from 'vitest'

// DISNIX_ARGV_ON_STDIN=1: how disnix-env starts disnix-deploy while it still builds the manifest.
// The tool loads its libraries, then takes its command line from stdin; what it then does and prints
// is exactly what it does with that command line as its arguments.

const ahead = (input: string) => runBin('disnix-deploy', [], { input, env: { DISNIX_ARGV_ON_STDIN: '1' } })

describe('a tool started ahead of its command line (DISNIX_ARGV_ON_STDIN)', () => {
  test('a command line on stdin does exactly what the same arguments do', async () => {
    expect(await ahead(JSON.stringify(['--version']))).toEqual(await runBin('disnix-deploy', ['--version']))
    const dir = await testDir()
    const missing = join(dir, 'no-such-manifest.xml')
    const given = await ahead(JSON.stringify(['--coordinator-profile-path', dir, missing]))
    expect(given).toEqual(await runBin('disnix-deploy', ['--coordinator-profile-path', dir, missing]))
    expect(given.exitCode).not.toBe(0)
    expect(given.stderr).toContain(missing)
  })

  test('empty input (the step is not needed after all) ends it at once: status 0, nothing printed', async () => {
    expect(await ahead('')).toEqual({ stdout: '', stderr: '', exitCode: 0 })
  })

  test('input that is not a JSON array of strings is refused with one line', async () => {
    for (const input of ['--version', '{"argv":[]}', '[1,2]']) {
      expect(await ahead(input)).toEqual({ stdout: '', stderr: 'disnix-deploy: DISNIX_ARGV_ON_STDIN=1, but standard input is not a JSON array of arguments\n', exitCode: 1 })
    }
  })
})

/** The pids of the processes whose parent is `parent` and whose command line ends with `suffix`. */
async function childrenRunning(parent: number, suffix: string): Promise<number[]> {
  const found: number[] = []
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '')
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
    const cmdline = (await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '')).split('\0').filter(Boolean).join(' ')
    if (ppid === parent && cmdline.endsWith(suffix)) found.push(Number(entry))
  }
  return found
}

describe('disnix-env and the deploy step it starts ahead', () => {
  test('Ctrl-C while the manifest is built ends both; no deploy step is left waiting', async () => {
    const dir = await testDir()
    // An infrastructure model that takes seconds to evaluate: the interrupt comes while it is built.
    await writeFile(
      join(dir, 'infrastructure.nix'),
      "let slow = builtins.foldl' (a: i: a + builtins.foldl' (b: j: b + j) 0 (builtins.genList (x: x) 1000)) 0 (builtins.genList (x: x) 40000); in\n{ test1 = { properties.hostname = if slow > 0 then \"test1\" else \"x\"; }; }\n",
    )
    await writeFile(join(dir, 'services.nix'), '{ system, pkgs, distribution, invDistribution }:\n{ s = { name = "s"; type = "echo"; pkg = pkgs.writeTextFile { name = "s"; text = "x"; }; }; }\n')
    await writeFile(join(dir, 'distribution.nix'), '{ infrastructure }: { s = [ infrastructure.test1 ]; }\n')
    const models = ['-s', 'services.nix', '-i', 'infrastructure.nix', '-d', 'distribution.nix', '--coordinator-profile-path', join(dir, 'coordinator')]
    const child = execa(join(installRoot(), 'bin', 'disnix-env'), models, { cwd: dir, env: nixTestEnv(), detached: true, reject: false, all: true })
    let waiting: number[] = []
    for (let waited = 0; waiting.length === 0; waited += 50) {
      if (waited > 20_000) throw new Error('disnix-env did not start its deploy step')
      await new Promise((resolve) => setTimeout(resolve, 50))
      waiting = await childrenRunning(child.pid!, 'bin/disnix-deploy')
    }
    process.kill(-child.pid!, 'SIGINT')
    const result = await child
    expect(result.exitCode).toBe(1)
    expect(result.all).toBe('[coordinator]: Building manifest...\n[coordinator]: disnix-manifest was killed (SIGINT)')
    for (const pid of waiting) expect(await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => 'gone')).toBe('gone')
  })
})
