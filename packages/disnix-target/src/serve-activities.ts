import type { Readable, Writable } from 'node:stream'
import { finished } from 'node:stream/promises'
import { encodeJsonFrame, frameDecoder, frameWriter, ServeFrameType, VERSION, type Frame, type ServeRequest } from '@disnix-ts/libmain'
import { runActivityCommand } from './activity-command.js'

export interface ServeActivitiesOptions {
  input: Readable
  output: Writable
  env: NodeJS.ProcessEnv
}

/**
 * `disnix-run-activity --serve` (ARCHITECTURE §5): reads requests (command lines of this tool) from
 * `input` and runs each in this process, several at once, as the executable would: the same output on
 * the request's own channel and the same exit status. This saves the start of a Node process per
 * remote operation. Returns when `input` has ended and every request is done: 0, or 2 when the input
 * was not our protocol.
 */
export async function serveActivities(options: ServeActivitiesOptions): Promise<number> {
  const { input, output, env } = options
  const send = (frame: Buffer): boolean => output.write(frame)
  const running = new Set<Promise<void>>()
  send(encodeJsonFrame(0, ServeFrameType.Hello, { version: VERSION, pid: process.pid }))

  const serve = async (frame: Frame): Promise<void> => {
    const stdout = frameWriter(output, frame.channel, ServeFrameType.Stdout)
    const stderr = frameWriter(output, frame.channel, ServeFrameType.Stderr)
    let code: number
    try {
      const request = JSON.parse(frame.payload.toString()) as ServeRequest
      if (!Array.isArray(request.argv) || request.argv.some((a) => typeof a !== 'string')) throw new Error('argv must be an array of strings')
      code = await runActivityCommand(request.argv, env, stdout, stderr)
    } catch (error) {
      stderr.write(`disnix-run-activity --serve: bad request: ${(error as Error).message}\n`)
      code = 1
    }
    stdout.end()
    stderr.end()
    await Promise.all([finished(stdout), finished(stderr)]).catch(() => {})
    send(encodeJsonFrame(frame.channel, ServeFrameType.Exit, { code }))
  }

  const decode = frameDecoder()
  let status = 0
  for await (const chunk of input as AsyncIterable<Buffer>) {
    let frames: Frame[]
    try {
      frames = decode(chunk)
    } catch {
      status = 2
      break
    }
    for (const frame of frames) {
      if (frame.type !== ServeFrameType.Request) {
        status = 2
        break
      }
      const task = serve(frame).finally(() => running.delete(task))
      running.add(task)
    }
    if (status !== 0) break
  }
  await Promise.all(running)
  return status
}
