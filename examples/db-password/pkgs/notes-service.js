// The notes web service: serves the rows of the notes table as JSON. It logs in to PostgreSQL as
// postgres with the password in the file named by the environment variable dbPassword (the path of
// the secret that Disnix delivered), handed to psql in its environment (PGPASSWORD), never as an
// argument. The file is read for every request, so a redeployed password is used at once.
//
// usage: node notes-service.js PORT DB_HOST DB_PORT DB_NAME
//   GET /  ->  { "database", "databaseHost", "rows": [ { "id", "text" }, ... ] }
'use strict'
const { execFile } = require('node:child_process')
const { readFileSync } = require('node:fs')
const http = require('node:http')

const [port, dbHost, dbPort, dbName] = process.argv.slice(2)
if (!dbName || !process.env.dbPassword) {
  process.stderr.write('usage: dbPassword=FILE node notes-service.js PORT DB_HOST DB_PORT DB_NAME\n')
  process.exit(1)
}

function queryRows(callback) {
  let password
  try {
    password = readFileSync(process.env.dbPassword, 'utf8').split('\n')[0]
  } catch (error) {
    return callback(new Error(`cannot read the password file: ${error.message}`))
  }
  const args = ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-h', dbHost, '-p', dbPort, '-U', 'postgres', '-d', dbName]
  const env = { ...process.env, PGPASSWORD: password, PGCONNECT_TIMEOUT: '5' }
  const child = execFile('psql', args, { timeout: 10000, env }, (error, stdout, stderr) => {
    if (error) return callback(new Error(stderr.trim() || error.message))
    try {
      callback(null, JSON.parse(stdout))
    } catch (parseError) {
      callback(parseError)
    }
  })
  child.stdin.end("SELECT coalesce(json_agg(t ORDER BY t.id), '[]') FROM notes t\n")
}

http
  .createServer((request, response) => {
    queryRows((error, rows) => {
      if (error) {
        response.writeHead(502, { 'content-type': 'text/plain' })
        response.end(`notesservice: database ${dbName} on ${dbHost}:${dbPort}: ${error.message}\n`)
        return
      }
      response.writeHead(200, { 'content-type': 'application/json' })
      response.end(`${JSON.stringify({ database: dbName, databaseHost: dbHost, rows })}\n`)
    })
  })
  .listen(Number(port))
