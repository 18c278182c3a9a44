import type { Socket } from 'node:net'
import { PassThrough, type Writable } from 'node:stream'
import { finished } from 'node:stream/promises'
import { encodeJsonFrame, frameDecoder, frameWriter, isDisnixError } from '@disnix-ts/libmain'
import { readClientFrame, type ClientMessage } from './mux-frames.js'
import { FrameType, type ErrorPayload, type ExitPayload, type MasterStatus, type OpenPayload } from './mux-protocol.js'

/** One remote command an invocation opened on a channel, with the streams of that channel. */
export interface ChannelCommand {
  open: OpenPayload
  /** The command's stdin; terminal size changes arrive as `resize` events ({ rows, cols }). */
  stdin: PassThrough
  stdout: Writable
  stderr: Writable
  /** Aborted when the invocation goes away: its remote commands end with it. */
  signal: AbortSignal
  /** The command has its connection: the invocation's further frames are read from now on. */
  opened(): void
}

export interface InvocationHandlers {
  /** Runs a command to its end; a rejection is sent as the channel's error. */
  run(command: ChannelCommand): Promise<ExitPayload>
  status(): MasterStatus
  /** The invocation went away. */
  onClose(): void
}

/**
 * Serves one invocation on the master's socket: reads its frames (checked where they enter: a frame
 * that is not the protocol drops the invocation), runs a command per opened channel and sends the
 * command's output, then its exit or error, on that channel. Stdin is passed on with backpressure: the
 * socket is paused while a command cannot take more.
 */
export function serveInvocation(socket: Socket, handlers: InvocationHandlers): void {
  socket.setMaxListeners(0)
  const decode = frameDecoder()
  const queue: ClientMessage[] = []
  const channels = new Map<number, { input: PassThrough; stop: AbortController }>()
  let blocked = false

  const block = (until: Promise<unknown>): void => {
    blocked = true
    socket.pause()
    void until.finally(() => {
      blocked = false
      socket.resume()
      pump()
    })
  }
  const pump = (): void => {
    while (!blocked && queue.length > 0) handle(queue.shift()!)
  }
  const handle = (message: ClientMessage): void => {
    const stdin = channels.get(message.channel)?.input
    switch (message.type) {
      case 'open': {
        const input = new PassThrough()
        const stop = new AbortController()
        channels.set(message.channel, { input, stop })
        // Further frames of this invocation wait until the command has its connection; stdin then
        // buffers in `input` with its own backpressure.
        let opened: () => void = () => {}
        block(new Promise<void>((resolve) => (opened = resolve)))
        void runChannel(socket, message.channel, { open: message.open, stdin: input, signal: stop.signal, opened: () => opened() }, handlers).finally(() => {
          channels.delete(message.channel)
          // Nothing reads the input of an ended command: a wait for it to drain ends with it.
          input.destroy()
          opened()
        })
        break
      }
      case 'stdin':
        if (stdin && !stdin.write(message.data)) block(new Promise((resolve) => stdin.once('drain', resolve).once('close', resolve)))
        break
      case 'stdin-eof':
        stdin?.end()
        break
      case 'resize':
        stdin?.emit('resize', { rows: message.rows, cols: message.cols })
        break
      case 'status':
        socket.write(encodeJsonFrame(message.channel, FrameType.StatusReply, handlers.status()))
        break
    }
  }

  socket.on('data', (chunk: Buffer) => {
    try {
      queue.push(...decode(chunk).map(readClientFrame))
    } catch {
      socket.destroy()
      return
    }
    pump()
  })
  socket.on('error', () => {})
  socket.on('close', () => {
    // An invocation that went away (killed in the middle of a transfer) takes its remote commands
    // along: left running they would hold the channel, the remote temp files and the link's bandwidth.
    for (const { input, stop } of channels.values()) {
      stop.abort()
      input.destroy()
    }
    handlers.onClose()
  })
}

async function runChannel(socket: Socket, channel: number, command: Omit<ChannelCommand, 'stdout' | 'stderr'>, handlers: InvocationHandlers): Promise<void> {
  const stdout = frameWriter(socket, channel, FrameType.Stdout)
  const stderr = frameWriter(socket, channel, FrameType.Stderr)
  let reply: Buffer
  try {
    reply = encodeJsonFrame(channel, FrameType.Exit, await handlers.run({ ...command, stdout, stderr }))
  } catch (error) {
    reply = encodeJsonFrame(channel, FrameType.Error, errorPayload(error))
  }
  stdout.end()
  stderr.end()
  await Promise.all([finished(stdout), finished(stderr)]).catch(() => {})
  if (!socket.destroyed) socket.write(reply)
}

/** A command's failure as the invocation gets it. */
export function errorPayload(error: unknown): ErrorPayload {
  if (isDisnixError(error)) return { code: error.code, message: error.message, hint: error.hint }
  return { code: 'SSH_MASTER_FAILED', message: `ssh connection master failed: ${(error as Error).message}` }
}
