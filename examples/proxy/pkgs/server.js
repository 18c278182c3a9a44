// The hello server behind the proxy: greets every connection with one line naming its version.
// usage: node server.js PORT VERSION
'use strict'
const net = require('node:net')
const os = require('node:os')

const [port, version] = process.argv.slice(2)
if (!version) {
  process.stderr.write('usage: node server.js PORT VERSION\n')
  process.exit(1)
}
const server = net.createServer((socket) => {
  socket.on('error', (error) => console.error(`connection: ${error.message}`))
  socket.end(`Hello from server version ${version} on ${os.hostname()}\n`)
})
server.listen(Number(port), () => console.log(`hello server version ${version} listening on port ${port}`))
process.on('SIGTERM', () => server.close(() => process.exit(0)))
