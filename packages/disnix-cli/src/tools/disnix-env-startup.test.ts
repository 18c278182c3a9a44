import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { execa } from 'execa'
import { installRoot } from '@disnix-ts/libmain'
import { nixTestEnv, testDir } from '@disnix-ts/test-utils'
import { describe, expect, test } from 'vitest'

// disnix-env only starts its steps (ARCHITECTURE §5): what it loads itself is paid on every
// deployment before anything else happens, so it loads none of the libraries its steps use to reach
// targets. Checked with a module-loading hook that records every module the process loads.

describe('disnix-env start-up', () => {
  test('a deployment from models loads no client-interface, deployment or manifest library in disnix-env itself', async () => {
    const dir = await testDir()
    const loaded = join(dir, 'loaded')
    await writeFile(join(dir, 'hooks.mjs'), `import { appendFileSync } from 'node:fs'\nexport async function load(url, context, next) {\n  appendFileSync(${JSON.stringify(loaded)}, url + '\\n')\n  return next(url, context)\n}\n`)
    await writeFile(join(dir, 'register.mjs'), `import { register } from 'node:module'\nregister('./hooks.mjs', import.meta.url)\n`)
    // A missing services model: disnix-env opens its session and starts disnix-manifest, which fails.
    const r = await execa('node', ['--import', join(dir, 'register.mjs'), join(installRoot(), 'bin', 'disnix-env'), '-s', join(dir, 'none.nix'), '-i', join(dir, 'none.nix'), '-d', join(dir, 'none.nix')], {
      env: nixTestEnv(),
      reject: false,
    })
    expect(r.stderr).toContain('[coordinator]: Building manifest...')
    const modules = (await readFile(loaded, 'utf8')).split('\n').filter((url) => url.includes('/packages/'))
    expect(modules.some((url) => url.includes('/packages/disnix-cli/lib/cli/run-env.js'))).toBe(true)
    for (const library of ['libinterface', 'libdeploy', 'libmanifest', 'disnix-ssh']) {
      expect(modules.filter((url) => url.includes(`/packages/${library}/`))).toEqual([])
    }
  })
})
