// A client that keeps asking the hello server (through the proxy) until it has seen an answer that
// contains UNTIL, then prints what it got: one line per distinct answer with a count, and the number
// of errors. Exits 1 if any request failed or UNTIL never came within MAX_SECONDS.
// usage: hello-loop HOST PORT UNTIL [MAX_SECONDS]
'use strict'
const net = require('node:net')

const [host, port, until, maxSeconds = '300'] = process.argv.slice(2)
if (!until) {
  process.stderr.write('usage: hello-loop HOST PORT UNTIL [MAX_SECONDS]\n')
  process.exit(2)
}

function ask() {
  return new Promise((resolve, reject) => {
    let answer = ''
    const socket = net.connect({ host, port: Number(port) })
    socket.setTimeout(120000, () => socket.destroy(new Error('no answer within 120 s')))
    socket.on('data', (chunk) => { answer += chunk })
    socket.on('end', () => (answer ? resolve(answer.trim()) : reject(new Error('connection closed without an answer'))))
    socket.on('error', reject)
  })
}

async function main() {
  const answers = new Map()
  let errors = 0
  let seen = false
  const deadline = Date.now() + Number(maxSeconds) * 1000
  while (!seen && Date.now() < deadline) {
    try {
      const answer = await ask()
      answers.set(answer, (answers.get(answer) ?? 0) + 1)
      seen = answer.includes(until)
      await new Promise((resolve) => setTimeout(resolve, 20))
    } catch (error) {
      errors++
      console.log(`error: ${error.message}`)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
  for (const [answer, count] of answers) console.log(`${count} x ${answer}`)
  console.log(`${errors} errors`)
  process.exit(errors === 0 && seen ? 0 : 1)
}
main()
