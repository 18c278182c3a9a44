// The hello-world client: a small web page that shows what the server says. Where the server runs
// (host and port) is not configured by hand: Disnix passes it in through the client's
// inter-dependency argument (see services.nix).
// usage: node client.js PORT SERVER_HOST SERVER_PORT
'use strict'
const http = require('node:http')
const net = require('node:net')
const os = require('node:os')

const [port, serverHost, serverPort] = process.argv.slice(2)
if (!serverPort) {
  process.stderr.write('usage: node client.js PORT SERVER_HOST SERVER_PORT\n')
  process.exit(1)
}

function askServer(callback) {
  let answer = ''
  const socket = net.connect({ host: serverHost, port: Number(serverPort) })
  socket.setTimeout(5000, () => socket.destroy(new Error('timed out')))
  socket.on('data', (chunk) => { answer += chunk })
  socket.on('end', () => callback(null, answer.trim()))
  socket.on('error', (error) => callback(error))
}

const server = http.createServer((request, response) => {
  askServer((error, greeting) => {
    if (error) {
      response.writeHead(502, { 'content-type': 'text/plain' })
      response.end(`The client on ${os.hostname()} cannot reach the server at ${serverHost}:${serverPort}: ${error.message}\n`)
      return
    }
    response.writeHead(200, { 'content-type': 'text/plain' })
    response.end(`${greeting} (the client on ${os.hostname()} asked the server at ${serverHost}:${serverPort})\n`)
  })
})
server.listen(Number(port), () => console.log(`hello-world client listening on port ${port}, server at ${serverHost}:${serverPort}`))
process.on('SIGTERM', () => server.close(() => process.exit(0)))
