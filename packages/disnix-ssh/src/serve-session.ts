import { basename } from 'node:path'
import { PassThrough, Writable } from 'node:stream'
import { encodeJsonFrame, frameDecoder, quoteShellArgs, type Frame } from '@disnix-ts/libmain'
import { SERVE_PROTOCOL, ServeFrameType, type InterfaceRequest } from '@disnix-ts/libinterface'
import type { Client as SshClient } from 'ssh2'
import { execOnClient } from './direct-session.js'
import type { ExecResult } from './remote-session.js'
import { targetError } from './target-error.js'

/** One request for the remote client, and where its output goes. */
export interface ServedCommand {
  request: InterfaceRequest
  stdout: Writable
  stderr: Writable
}

/** A long-lived `disnix-run-activity --serve` on a connection: runs requests without a process each. */
export interface ServeSession {
  run(command: ServedCommand): Promise<ExecResult>
  /** False once the remote session has ended; the master then starts a new one. */
  readonly alive: boolean
}

/** Only our own client can serve; any other remote client gets a process per call, as before. */
export function canServe(remoteClient: string): boolean {
  return basename(remoteClient) === 'disnix-run-activity'
}

/**
 * Starts `<remoteClient> --serve` on an open connection and waits for its hello. Resolves to
 * undefined when the remote client cannot serve (an older or other implementation exits with a usage
 * error, says nothing within `helloTimeoutMs`, or speaks another version of the protocol): the caller
 * then runs each command as a process.
 */
export function startServeSession(client: SshClient, target: string, remoteClient: string, helloTimeoutMs: number, log: (line: string) => void): Promise<ServeSession | undefined> {
  const stdin = new PassThrough()
  const pending = new Map<number, { command: ServedCommand; resolve: (result: ExecResult) => void; reject: (error: unknown) => void }>()
  const decode = frameDecoder()
  let nextChannel = 1
  let alive = true
  let ready: (session: ServeSession | undefined) => void = () => {}
  const started = new Promise<ServeSession | undefined>((resolve) => (ready = resolve))

  const session: ServeSession = {
    get alive() {
      return alive
    },
    run(command) {
      if (!alive) return Promise.reject(lost())
      const channel = nextChannel++
      return new Promise<ExecResult>((resolve, reject) => {
        pending.set(channel, { command, resolve, reject })
        stdin.write(encodeJsonFrame(channel, ServeFrameType.Request, command.request))
      })
    },
  }
  const lost = () => targetError({ target }, 'CONNECTION_LOST', `the ${remoteClient} --serve session ended while a command was running`)

  const onFrame = (frame: Frame): void => {
    if (frame.channel === 0 && frame.type === ServeFrameType.Hello) {
      clearTimeout(timer)
      const protocol = (jsonOf(frame) as { protocol?: unknown } | undefined)?.protocol
      if (protocol === SERVE_PROTOCOL) {
        ready(session)
        return
      }
      log(`${remoteClient} --serve speaks another protocol (${String(protocol ?? 'command lines')}); running a process per command`)
      stdin.end()
      end()
      return
    }
    const request = pending.get(frame.channel)
    if (!request) return
    if (frame.type === ServeFrameType.Stdout) request.command.stdout.write(frame.payload)
    else if (frame.type === ServeFrameType.Stderr) request.command.stderr.write(frame.payload)
    else if (frame.type === ServeFrameType.Exit) {
      pending.delete(frame.channel)
      const code = (jsonOf(frame) as { code?: unknown } | undefined)?.code
      if (typeof code === 'number' && Number.isInteger(code)) request.resolve({ code })
      else request.reject(targetError({ target }, 'CONNECTION_LOST', `the ${remoteClient} --serve session answered with a malformed exit frame`))
    }
  }
  const stdout = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      try {
        decode(chunk).forEach(onFrame)
        callback()
      } catch (error) {
        callback(error as Error)
      }
    },
  })
  stdout.on('error', () => stdin.end())
  const stderr = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      log(`${remoteClient} --serve: ${chunk.toString().trimEnd()}`)
      callback()
    },
  })

  const end = (): void => {
    clearTimeout(timer)
    alive = false
    ready(undefined)
    for (const request of pending.values()) request.reject(lost())
    pending.clear()
  }
  const timer = setTimeout(() => {
    log(`${remoteClient} --serve did not answer within ${helloTimeoutMs} ms; running a process per command`)
    stdin.end()
    end()
  }, helloTimeoutMs)
  execOnClient(client, target, { command: quoteShellArgs([remoteClient, '--serve']), stdin, stdout, stderr }).then(
    (result) => {
      if (result.code !== 0) log(`${remoteClient} --serve ended with ${result.signal ?? `exit status ${result.code}`}`)
      end()
    },
    () => end(),
  )
  return started
}

function jsonOf(frame: Frame): unknown {
  try {
    return JSON.parse(frame.payload.toString())
  } catch {
    return undefined
  }
}
