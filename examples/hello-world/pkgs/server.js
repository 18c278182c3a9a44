// The hello-world server: a TCP server that greets every connection with one line and closes it.
// usage: node server.js PORT
'use strict'
const net = require('node:net')
const os = require('node:os')

const port = Number(process.argv[2])
if (!port) {
  process.stderr.write('usage: node server.js PORT\n')
  process.exit(1)
}
const server = net.createServer((socket) => {
  // A client that hangs up early must not take the server down with an unhandled error.
  socket.on('error', (error) => console.error(`connection: ${error.message}`))
  socket.end(`Hello world from ${os.hostname()}!\n`)
})
server.listen(port, () => console.log(`hello-world server listening on port ${port}`))
process.on('SIGTERM', () => server.close(() => process.exit(0)))
