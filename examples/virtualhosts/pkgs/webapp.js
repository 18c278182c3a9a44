// A web application of the virtualhosts example: answers every request with one line naming itself,
// its virtual host and the machine it runs on.
// usage: node webapp.js NAME VIRTUAL_HOST PORT
'use strict'
const http = require('node:http')
const os = require('node:os')

const [name, virtualHost, port] = process.argv.slice(2)
if (!port) {
  process.stderr.write('usage: node webapp.js NAME VIRTUAL_HOST PORT\n')
  process.exit(1)
}
const server = http.createServer((request, response) => {
  response.writeHead(200, { 'content-type': 'text/plain' })
  response.end(`Hello from ${name} (virtual host ${virtualHost}) on ${os.hostname()}\n`)
})
server.listen(Number(port), '127.0.0.1', () => console.log(`${name} (${virtualHost}) listening on 127.0.0.1:${port}`))
process.on('SIGTERM', () => server.close(() => process.exit(0)))
