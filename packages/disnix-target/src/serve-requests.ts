import type { Readable, Writable } from 'node:stream'
import { finished } from 'node:stream/promises'
import { encodeJsonFrame, frameDecoder, frameWriter, VERSION, type Frame } from '@disnix-ts/libmain'
import { parseRequest, SERVE_PROTOCOL, ServeFrameType, type ServeHello } from '@disnix-ts/libinterface'
import { runTargetRequest } from './execute-target-request.js'
import { localTargetContext } from './local-target-context.js'

export interface ServeRequestsOptions {
  input: Readable
  output: Writable
  env: NodeJS.ProcessEnv
  /** How a failed request ends: the message and exit status disnix-run-activity would have. */
  report: (error: unknown) => { text: string; exitStatus: number }
}

/**
 * `disnix-run-activity --serve` (ARCHITECTURE §5): reads typed requests of the client-interface
 * protocol from `input` (each checked where it enters, with libinterface's parseRequest) and runs
 * each in this process, several at once, as the executable would: the same output on the request's
 * own channel and the same exit status. This saves the start of a Node process per remote operation.
 * Returns when `input` has ended and every request is done: 0, or 2 when the input was not our
 * protocol.
 */
export async function serveRequests(options: ServeRequestsOptions): Promise<number> {
  const { input, output, env } = options
  const send = (frame: Buffer): boolean => output.write(frame)
  const running = new Set<Promise<void>>()
  const hello: ServeHello = { version: VERSION, pid: process.pid, protocol: SERVE_PROTOCOL }
  send(encodeJsonFrame(0, ServeFrameType.Hello, hello))

  const serve = async (frame: Frame): Promise<void> => {
    const stdout = frameWriter(output, frame.channel, ServeFrameType.Stdout)
    const stderr = frameWriter(output, frame.channel, ServeFrameType.Stderr)
    const code = await serveOne(frame, stdout, stderr)
    stdout.end()
    stderr.end()
    await Promise.all([finished(stdout), finished(stderr)]).catch(() => {})
    send(encodeJsonFrame(frame.channel, ServeFrameType.Exit, { code }))
  }

  const serveOne = async (frame: Frame, stdout: Writable, stderr: Writable): Promise<number> => {
    let request
    try {
      request = parseRequest(JSON.parse(frame.payload.toString()))
    } catch (error) {
      stderr.write(`disnix-run-activity --serve: ${error instanceof SyntaxError ? 'Invalid request: not JSON' : (error as Error).message}\n`)
      return 1
    }
    if (request.op === 'shell') {
      stderr.write('ERROR: --shell needs a terminal and cannot be served\n')
      return 1
    }
    const ctx = localTargetContext({ env, stdout, stderr, log: (line) => void stderr.write(`${line}\n`) })
    try {
      await runTargetRequest(request, ctx, stdout)
      return 0
    } catch (error) {
      const report = options.report(error)
      stderr.write(report.text)
      return report.exitStatus
    }
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
