// A StaffTracker web service: serves the rows of one table of a PostgreSQL database as JSON.
// The database's host and port come from the service's inter-dependency on the database (see
// services.nix); psql (from the host's Debian packages) does the talking, so no npm package is needed.
//
// usage: node webservice.js NAME PORT DB_HOST DB_PORT DB_NAME TABLE
//   GET /  ->  { "service", "host", "database", "databaseHost", "rows": [ {...}, ... ] }
'use strict'
const { execFile } = require('node:child_process')
const http = require('node:http')
const os = require('node:os')

const [name, port, dbHost, dbPort, dbName, table] = process.argv.slice(2)
if (!table) {
  process.stderr.write('usage: node webservice.js NAME PORT DB_HOST DB_PORT DB_NAME TABLE\n')
  process.exit(1)
}

function queryRows(callback) {
  // The table name is fixed by the model; psql quotes it as an identifier (:"table").
  const sql = 'SELECT coalesce(json_agg(t), \'[]\') FROM :"table" t'
  const args = ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-v', `table=${table}`,
    '-h', dbHost, '-p', dbPort, '-U', 'postgres', '-d', dbName]
  const child = execFile('psql', args, { timeout: 10000 }, (error, stdout, stderr) => {
    if (error) return callback(new Error(stderr.trim() || error.message))
    try {
      callback(null, JSON.parse(stdout))
    } catch (parseError) {
      callback(parseError)
    }
  })
  child.stdin.end(`${sql}\n`)
}

const server = http.createServer((request, response) => {
  queryRows((error, rows) => {
    if (error) {
      response.writeHead(502, { 'content-type': 'text/plain' })
      response.end(`${name}: database ${dbName} on ${dbHost}:${dbPort}: ${error.message}\n`)
      return
    }
    response.writeHead(200, { 'content-type': 'application/json' })
    response.end(JSON.stringify({ service: name, host: os.hostname(), database: dbName, databaseHost: dbHost, rows }))
  })
})
server.listen(Number(port), () => console.log(`${name} listening on port ${port}, database ${dbName} on ${dbHost}:${dbPort}`))
process.on('SIGTERM', () => server.close(() => process.exit(0)))
