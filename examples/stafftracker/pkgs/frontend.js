// The StaffTracker web front-end: one HTML page listing every staff member with their room and its
// address. It joins the rows of three web services (staff, rooms, zipcodes), whose addresses come
// from its inter-dependencies (see services.nix). nginx serves it to the outside world.
//
// usage: node frontend.js PORT STAFF_URL ROOMS_URL ZIPCODES_URL
'use strict'
const http = require('node:http')
const os = require('node:os')

const [port, staffUrl, roomsUrl, zipcodesUrl] = process.argv.slice(2)
if (!zipcodesUrl) {
  process.stderr.write('usage: node frontend.js PORT STAFF_URL ROOMS_URL ZIPCODES_URL\n')
  process.exit(1)
}

async function fetchService(url) {
  const response = await fetch(url, { signal: AbortSignal.timeout(10000) })
  if (!response.ok) throw new Error(`${url}: ${response.status} ${(await response.text()).trim()}`)
  return response.json()
}

const escape = (text) => String(text).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c])

async function page() {
  const [staff, rooms, zipcodes] = await Promise.all([staffUrl, roomsUrl, zipcodesUrl].map(fetchService))
  const roomOf = new Map(rooms.rows.map((r) => [r.room, r]))
  const addressOf = new Map(zipcodes.rows.map((z) => [z.zipcode, z]))
  const rows = staff.rows.map((person) => {
    const room = roomOf.get(person.room)
    const address = room && addressOf.get(room.zipcode)
    const where = address ? `${address.street}, ${address.zipcode} ${address.city}` : 'unknown address'
    return `    <tr class="staff"><td>${escape(person.name)}</td><td>${escape(person.room)}</td><td>${escape(where)}</td></tr>`
  })
  const sources = [staff, rooms, zipcodes].map((s) =>
    `    <li class="source">${escape(s.database)} database on ${escape(s.databaseHost)}, through ${escape(s.service)} on ${escape(s.host)}</li>`)
  return [
    '<!DOCTYPE html>',
    '<html><head><meta charset="utf-8"><title>StaffTracker</title></head><body>',
    '  <h1>StaffTracker</h1>',
    '  <table>',
    '    <tr><th>Name</th><th>Room</th><th>Address</th></tr>',
    ...rows,
    '  </table>',
    '  <ul>',
    ...sources,
    '  </ul>',
    `  <p>Page made by the front-end on ${escape(os.hostname())}.</p>`,
    '</body></html>',
    '',
  ].join('\n')
}

const server = http.createServer((request, response) => {
  page().then(
    (html) => {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      response.end(html)
    },
    (error) => {
      response.writeHead(502, { 'content-type': 'text/plain' })
      response.end(`StaffTracker cannot reach a service: ${error.message}\n`)
    },
  )
})
server.listen(Number(port), () => console.log(`stafftracker front-end listening on port ${port}`))
process.on('SIGTERM', () => server.close(() => process.exit(0)))
