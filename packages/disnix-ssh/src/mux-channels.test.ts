import { createServer, connect, type Server, type Socket } from 'node:net'
import { join } from 'node:path'
import { encodeFrame, encodeJsonFrame, frameDecoder, type Frame } from '@disnix-ts/libmain'
import { testDir } from '@disnix-ts/test-utils'
import { afterEach, expect, test } from 'vitest'
import { serveInvocation, type ChannelCommand } from './mux-channels.js'
import { FrameType } from './mux-protocol.js'

let server: Server | undefined
afterEach(() => server?.close())

/** A master socket whose commands are `run`; returns an invocation connected to it and its frames. */
async function invocation(run: (command: ChannelCommand) => Promise<{ code: number }>): Promise<{ socket: Socket; frames: Frame[]; next: (channel: number) => Promise<Frame> }> {
  const path = join(await testDir('disnix-mux-'), 'master.sock')
  server = createServer((s) => serveInvocation(s, { run, status: () => ({ pid: 0, connects: 0, commands: 0, served: 0, running: 0, connected: true }), onClose: () => {} }))
  await new Promise<void>((resolve) => server!.listen(path, resolve))
  const socket = connect(path)
  await new Promise<void>((resolve) => socket.once('connect', resolve))
  const frames: Frame[] = []
  const waiting: { channel: number; resolve: (f: Frame) => void }[] = []
  const decode = frameDecoder()
  socket.on('data', (chunk: Buffer) => {
    for (const frame of decode(chunk)) {
      frames.push(frame)
      const i = waiting.findIndex((w) => w.channel === frame.channel && (frame.type === FrameType.Exit || frame.type === FrameType.Error))
      if (i >= 0) waiting.splice(i, 1)[0]!.resolve(frame)
    }
  })
  const next = (channel: number) => new Promise<Frame>((resolve) => waiting.push({ channel, resolve }))
  return { socket, frames, next }
}

test('a command that ends without reading its stdin does not keep the invocation paused: later channels run', async () => {
  // Channel 1 never reads its stdin and fails once plenty of it is buffered; channel 2 answers at once.
  let failFirst: () => void = () => {}
  const run = async (command: ChannelCommand): Promise<{ code: number }> => {
    command.opened()
    if (command.open.command === 'first') {
      await new Promise<void>((resolve) => (failFirst = resolve))
      throw new Error('the connection stopped responding')
    }
    return { code: 0 }
  }
  const { socket, next } = await invocation(run)
  socket.write(encodeJsonFrame(1, FrameType.Open, { command: 'first' }))
  const first = next(1)
  const chunk = Buffer.alloc(64 * 1024, 1)
  for (let i = 0; i < 8; i++) socket.write(encodeFrame(1, FrameType.Stdin, chunk))
  await new Promise((resolve) => setTimeout(resolve, 200))
  failFirst()
  expect((await first).type).toBe(FrameType.Error)
  socket.write(encodeJsonFrame(2, FrameType.Open, { command: 'second' }))
  const second = await Promise.race([next(2), new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 5000))])
  expect(second?.type).toBe(FrameType.Exit)
  socket.destroy()
})
