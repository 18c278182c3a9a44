import { randomBytes } from 'node:crypto'
import { readdir, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { hostname } from 'node:os'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import { installRoot } from '@disnix-ts/libmain'
import { isRoot, suiteDir, runsHere, rootPrecondition } from '@disnix-ts/test-utils'
import { removeCoordinatorProfile } from './readme-session.js'
import { runDemo } from './run-demo.js'

vi.setConfig({ testTimeout: 600_000 })

/** A port nobody listens on right now. */
async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

async function answers(port: number): Promise<boolean> {
  try {
    await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(2000) })
    return true
  } catch {
    return false
  }
}

// The demo's other path: without namespaces (as non-root) it deploys hello-world to this machine
// through the disnix-run-activity client interface. DISNIX_DEMO_LOCAL=1 takes that path as root,
// with a profile and state directory of its own, on free ports.
describe.runIf(runsHere(rootPrecondition(), 'root'))('scripts/demo on this machine (DISNIX_DEMO_LOCAL=1)', () => {
  const profile = `demo-local-test-${randomBytes(4).toString('hex')}`
  let home: string
  let env: NodeJS.ProcessEnv

  beforeAll(async () => {
    home = await suiteDir('disnix-demo-local-')
    env = {
      DISNIX_DEMO_SKIP_SETUP: '1',
      DISNIX_DEMO_LOCAL: '1',
      DISNIX_DEMO_HOME: home,
      DISNIX_DEMO_PROFILE: profile,
      DISNIX_DEMO_SERVER_PORT: String(await freePort()),
      DISNIX_DEMO_CLIENT_PORT: String(await freePort()),
    }
  })
  afterAll(async () => {
    // Stop whatever is left (a failed test) and remove the profiles this test made on this machine.
    await execa('bash', ['-c', `source ${home}/env.sh && disnix-env --undeploy -i examples/hello-world/infrastructure-local.nix`], {
      cwd: installRoot(), reject: false, env: { ...process.env, ...env },
    })
    await removeCoordinatorProfile(profile)
    const profiles = '/nix/var/nix/profiles/disnix'
    const entries = await readdir(profiles).catch(() => [] as string[])
    await Promise.all(entries.filter((e) => e === profile || e.startsWith(`${profile}-`)).map((e) => rm(`${profiles}/${e}`, { force: true })))
    await rm(home, { recursive: true, force: true })
  })

  test('deploys hello-world locally, says so, and shows what the client says', async () => {
    const r = await runDemo(env)
    expect(r.exitCode, r.all).toBe(0)
    expect(r.stdout).toContain('[demo]: DISNIX_DEMO_LOCAL=1: deploying to this machine instead of a network of virtual machines\n')
    expect(r.stdout).toContain(`[demo]: hello-world is running on this machine. Its client (http://127.0.0.1:${env.DISNIX_DEMO_CLIENT_PORT}/) says:\n`)
    expect(r.stdout).toContain(`[demo]:   Hello world from ${hostname()}! (the client on ${hostname()} asked the server at localhost:${env.DISNIX_DEMO_SERVER_PORT})\n`)
    expect(r.stdout).toContain(`[demo]:   source ${home}/env.sh && disnix-env --undeploy -i `)
  })

  test('the printed command removes the deployment again', async () => {
    const r = await execa('bash', ['-euc', `source ${home}/env.sh && disnix-env --undeploy -i examples/hello-world/infrastructure-local.nix`], {
      cwd: installRoot(), reject: false, all: true, env: { ...process.env, ...env },
    })
    expect(r.exitCode, String(r.all)).toBe(0)
    expect(await answers(Number(env.DISNIX_DEMO_CLIENT_PORT))).toBe(false)
    expect(await readdir(`${home}/run`)).toEqual([])
  })
})
