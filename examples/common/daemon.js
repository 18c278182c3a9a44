#!/usr/bin/env node
// Runs a foreground program as a daemon the way Dysnomia's `process` module expects: the launcher
// returns once the program is up, a supervisor (detached, in its own session, standard streams in a
// log file) writes a one-line PID file, forwards SIGTERM to the program as --stop-signal (and SIGHUP,
// SIGUSR1, SIGUSR2 as they are), and removes the PID file when the program exits. So a program that
// cannot daemonise itself (postgres in the foreground, a Node server) becomes a `process` component.
//
// usage: node daemon.js --pid-file FILE --log FILE [--user NAME] [--stop-signal SIG]
//                       [--wait-port PORT [--wait-http PATH]] [--wait-seconds N] -- PROGRAM [ARGS...]
//   --wait-port     the PID file appears (and the launcher returns) only once 127.0.0.1:PORT accepts
//                   connections, so that services activated after this one can use it at once.
//   --wait-http     and only once a GET of http://127.0.0.1:PORT/PATH gets an HTTP answer (any
//                   status): an open port is not yet a server that serves.
//   --wait-seconds  how long the launcher waits for all that before it fails (default 30).
'use strict'
const { spawn } = require('node:child_process')
const fs = require('node:fs')
const net = require('node:net')

const usage = 'usage: daemon.js --pid-file FILE --log FILE [--user NAME] [--stop-signal SIG] [--wait-port PORT [--wait-http PATH]] [--wait-seconds N] -- PROGRAM [ARGS...]'

function parse(argv) {
  const opts = { user: '', stopSignal: 'SIGTERM', waitPort: 0, waitHttp: '', waitSeconds: 30, supervise: false, command: [] }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    const value = () => {
      if (i + 1 >= argv.length) fail(`${arg} needs a value\n${usage}`)
      return argv[++i]
    }
    if (arg === '--') { opts.command = argv.slice(i + 1); break }
    else if (arg === '--pid-file') opts.pidFile = value()
    else if (arg === '--log') opts.log = value()
    else if (arg === '--user') opts.user = value()
    else if (arg === '--stop-signal') opts.stopSignal = value()
    else if (arg === '--wait-port') opts.waitPort = Number(value())
    else if (arg === '--wait-http') opts.waitHttp = value()
    else if (arg === '--wait-seconds') opts.waitSeconds = Number(value())
    else if (arg === '--supervise') opts.supervise = true
    else fail(`unknown option: ${arg}\n${usage}`)
  }
  if (!opts.pidFile || !opts.log || opts.command.length === 0) fail(usage)
  if (!Number.isInteger(opts.waitSeconds) || opts.waitSeconds < 1) fail(`--wait-seconds must be a whole number of seconds (at least 1)\n${usage}`)
  if (opts.waitHttp && !opts.waitPort) fail(`--wait-http needs --wait-port\n${usage}`)
  return opts
}

function fail(message) {
  process.stderr.write(`daemon.js: ${message}\n`)
  process.exit(1)
}

// uid and gid of a user from /etc/passwd (Node has no getpwnam).
function lookupUser(name) {
  const line = fs.readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.split(':')[0] === name)
  if (!line) fail(`no such user: ${name}`)
  const fields = line.split(':')
  return { uid: Number(fields[2]), gid: Number(fields[3]) }
}

function portOpen(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port })
    socket.once('connect', () => { socket.end(); resolve(true) })
    socket.on('error', () => resolve(false))
    socket.resume()
  })
}

// Whether a GET of http://127.0.0.1:port/path gets an HTTP answer (any status) within 2 seconds.
function httpAnswers(port, path) {
  return new Promise((resolve) => {
    const request = require('node:http').get({ host: '127.0.0.1', port, path, timeout: 2000 }, (response) => {
      response.resume()
      resolve(true)
    })
    request.on('timeout', () => request.destroy(new Error('timeout')))
    request.on('error', () => resolve(false))
  })
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

async function launch(opts) {
  fs.mkdirSync(require('node:path').dirname(opts.pidFile), { recursive: true })
  fs.rmSync(opts.pidFile, { force: true })
  const log = fs.openSync(opts.log, 'a')
  const supervisor = spawn(process.execPath, [__filename, '--supervise', ...process.argv.slice(2)], {
    detached: true,
    stdio: ['ignore', log, log],
  })
  let exited = false
  supervisor.once('exit', () => { exited = true })
  supervisor.unref()
  for (let waited = 0; waited < opts.waitSeconds * 10; waited++) {
    if (fs.existsSync(opts.pidFile)) process.exit(0)
    if (exited) break
    await sleep(100)
  }
  const tail = fs.readFileSync(opts.log, 'utf8').trimEnd().split('\n').slice(-10).join('\n')
  if (exited) fail(`${opts.command[0]} did not start (see ${opts.log}):\n${tail}`)
  // Not up in time: stop it rather than leave a server behind that no PID file names.
  try { process.kill(supervisor.pid, 'SIGTERM') } catch {}
  const what = opts.waitHttp ? `answer on http://127.0.0.1:${opts.waitPort}${opts.waitHttp}` : `listen on port ${opts.waitPort}`
  fail(`${opts.command[0]} did not ${what} within ${opts.waitSeconds} seconds (see ${opts.log}):\n${tail}`)
}

async function supervise(opts) {
  const ids = opts.user ? lookupUser(opts.user) : {}
  const child = spawn(opts.command[0], opts.command.slice(1), { stdio: 'inherit', ...ids })
  let stopping = false
  const stop = () => {
    stopping = true
    child.kill(opts.stopSignal)
  }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
  for (const signal of ['SIGHUP', 'SIGUSR1', 'SIGUSR2']) process.on(signal, () => child.kill(signal))
  child.once('error', (error) => {
    process.stderr.write(`daemon.js: cannot start ${opts.command[0]}: ${error.message}\n`)
    process.exit(1)
  })
  child.once('exit', (code, signal) => {
    fs.rmSync(opts.pidFile, { force: true })
    process.stderr.write(`daemon.js: ${opts.command[0]} exited (${signal ?? code})\n`)
    process.exit(stopping ? 0 : 1)
  })
  if (opts.waitPort) {
    while (!(await portOpen(opts.waitPort))) await sleep(100)
    if (opts.waitHttp) while (!(await httpAnswers(opts.waitPort, opts.waitHttp))) await sleep(100)
  }
  if (child.exitCode === null && child.signalCode === null) fs.writeFileSync(opts.pidFile, `${process.pid}\n`)
}

const opts = parse(process.argv.slice(2))
if (opts.supervise) supervise(opts)
else launch(opts)
