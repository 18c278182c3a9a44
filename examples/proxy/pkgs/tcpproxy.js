// A TCP proxy that can hold its traffic while the service behind it is replaced.
//
// Normally every connection is piped to UPSTREAM. On SIGUSR1 (Dysnomia `lock`) it stops forwarding:
// new connections are accepted but queued, and once the connections in progress have finished it
// creates STATE_DIR/tcpproxy.drained, which tells the lock operation that the upstream service may go
// away now. On SIGUSR2 (`unlock`) it forwards the queued connections, to the new upstream service, and
// carries on. A client sees a slower answer during an upgrade, never an error.
//
// usage: node tcpproxy.js PORT UPSTREAM_HOST UPSTREAM_PORT STATE_DIR
'use strict'
const fs = require('node:fs')
const net = require('node:net')
const path = require('node:path')

const [port, upstreamHost, upstreamPort, stateDir] = process.argv.slice(2)
if (!stateDir) {
  process.stderr.write('usage: node tcpproxy.js PORT UPSTREAM_HOST UPSTREAM_PORT STATE_DIR\n')
  process.exit(1)
}
const drainedFile = path.join(stateDir, 'tcpproxy.drained')

let locked = false
let active = 0
const queue = []

function signalDrained() {
  if (locked && active === 0) fs.writeFileSync(drainedFile, `${process.pid}\n`)
}

function forward(client) {
  active++
  const upstream = net.connect({ host: upstreamHost, port: Number(upstreamPort) })
  let open = 2
  const closed = () => {
    if (--open === 0) {
      active--
      signalDrained()
    }
  }
  client.on('close', () => {
    // Nobody is left to read what the upstream service still has to say.
    upstream.destroy()
    closed()
  })
  upstream.on('close', closed)
  client.on('error', (error) => console.error(`client: ${error.message}`))
  upstream.setTimeout(30000, () => upstream.destroy(new Error('no traffic for 30 s')))
  upstream.on('error', (error) => {
    console.error(`upstream ${upstreamHost}:${upstreamPort}: ${error.message}`)
    client.destroy()
  })
  client.pipe(upstream).pipe(client)
  client.resume()
}

const server = net.createServer({ pauseOnConnect: true }, (client) => {
  if (locked) {
    queue.push(client)
    client.on('error', () => {})
  } else {
    forward(client)
  }
})

process.on('SIGUSR1', () => {
  console.log(`locked: queueing new connections, waiting for ${active} to finish`)
  locked = true
  signalDrained()
})
process.on('SIGUSR2', () => {
  console.log(`unlocked: forwarding ${queue.length} queued connections`)
  locked = false
  fs.rmSync(drainedFile, { force: true })
  for (const client of queue.splice(0)) if (!client.destroyed) forward(client)
})
process.on('SIGTERM', () => server.close(() => process.exit(0)))
server.listen(Number(port), () => console.log(`tcpproxy listening on port ${port}, forwarding to ${upstreamHost}:${upstreamPort}`))
