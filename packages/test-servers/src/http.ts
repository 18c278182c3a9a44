// Talking to the servers as a client does: HTTP GET and one line over TCP, on loopback.
import { connect } from 'node:net'
import type { Server } from './server-process.js'

/** A web server (nginx, Apache httpd, Tomcat) serving `documentRoot` on 127.0.0.1:`port`. */
export interface WebServer extends Server {
  port: number
  documentRoot: string
}

export interface HttpReply {
  status: number
  body: string
}

/** GET over HTTP; a refused connection gives status 0. */
export async function httpGet(url: string): Promise<HttpReply> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(5_000) })
    return { status: response.status, body: await response.text() }
  } catch (error) {
    if (error instanceof TypeError) return { status: 0, body: String(error.cause ?? error) }
    throw error
  }
}

/** True once something answers HTTP on 127.0.0.1:`port` (a web server's readiness). */
export async function answersHttp(port: number): Promise<boolean> {
  return (await httpGet(`http://127.0.0.1:${port}/`)).status !== 0
}

/** Sends one line to a TCP port on loopback and returns everything the server answers (null: refused). */
export async function tcpExchange(port: number, line: string): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    let data = ''
    socket.setTimeout(5_000, () => socket.destroy())
    socket.on('connect', () => socket.end(`${line}\n`))
    socket.on('data', (chunk) => (data += chunk.toString()))
    socket.on('error', () => resolve(null))
    socket.on('close', () => resolve(data))
  })
}
