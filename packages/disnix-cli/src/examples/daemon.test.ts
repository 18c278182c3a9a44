import { existsSync } from 'node:fs'
import { copyFile, readFile, writeFile } from 'node:fs/promises'
import { connect, createServer } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { execa } from 'execa'
import { testDir } from '@disnix-ts/test-utils'
import { describe, expect, onTestFinished, test } from 'vitest'

const daemonSource = fileURLToPath(new URL('../../../../examples/common/daemon.js', import.meta.url))

// A server whose port opens at once but that answers HTTP only once `readyFile` exists, as a
// server that still loads its data: connections are held without an answer until then.
const slowServer = `
const http = require('node:http'), fs = require('node:fs')
const [port, readyFile] = process.argv.slice(2)
http.createServer((request, response) => {
  const answer = () => fs.existsSync(readyFile) ? response.end('ok') : setTimeout(answer, 50)
  answer()
}).listen(Number(port), '127.0.0.1')
`

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0))
    })
  })
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    socket.once('connect', () => {
      socket.end()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

async function setUp() {
  const dir = await testDir('disnix-daemon-')
  const port = await freePort()
  const pidFile = join(dir, 'server.pid')
  const readyFile = join(dir, 'ready')
  const script = join(dir, 'server.js')
  await writeFile(script, slowServer)
  // As in the Nix store: a CommonJS script outside this repository's package.json ("type": "module").
  const daemonJs = join(dir, 'daemon.js')
  await copyFile(daemonSource, daemonJs)
  onTestFinished(async () => {
    // The PID file names the supervisor, which stops the server on SIGTERM.
    if (existsSync(pidFile)) process.kill(Number((await readFile(pidFile, 'utf8')).trim()), 'SIGTERM')
  })
  const launch = (waitSeconds: number) =>
    execa('node', [daemonJs, '--pid-file', pidFile, '--log', join(dir, 'server.log'), '--wait-port', String(port), '--wait-http', '/', '--wait-seconds', String(waitSeconds), '--', process.execPath, script, String(port), readyFile], { reject: false })
  return { port, pidFile, readyFile, launch }
}

describe('examples/common/daemon.js --wait-http', () => {
  test('the launcher returns only once the server answers HTTP, not when its port opens', async () => {
    const { port, pidFile, readyFile, launch } = await setUp()
    const launcher = launch(120)
    while (!(await portOpen(port))) await new Promise((resolve) => setTimeout(resolve, 100))
    // The port is open; a request gets no answer yet, so there is no PID file and the launcher waits.
    await new Promise((resolve) => setTimeout(resolve, 1000))
    expect(existsSync(pidFile)).toBe(false)
    expect(launcher.exitCode).toBe(null)
    await writeFile(readyFile, '')
    const result = await launcher
    expect(result.exitCode, result.stderr).toBe(0)
    expect(existsSync(pidFile)).toBe(true)
  })

  test('a server that never answers fails the launcher after --wait-seconds, saying what it waited for', async () => {
    const { port, pidFile, launch } = await setUp()
    const result = await launch(2)
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toContain(`daemon.js: ${process.execPath} did not answer on http://127.0.0.1:${port}/ within 2 seconds`)
    expect(existsSync(pidFile)).toBe(false)
    // and the launcher stopped what it started: the port closes.
    for (let i = 0; i < 100 && (await portOpen(port)); i++) await new Promise((resolve) => setTimeout(resolve, 100))
    expect(await portOpen(port)).toBe(false)
  })
})
