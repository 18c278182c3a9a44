import { describe, expect, test } from 'vitest'
import { encodeFrame, encodeJsonFrame, frameDecoder, type Frame } from '@disnix-ts/libmain'
import { MuxProtocolError, readClientFrame, readMasterFrame } from './mux-frames.js'
import { FrameType } from './mux-protocol.js'

const frame = (bytes: Buffer): Frame => frameDecoder()(bytes)[0]!

describe('frames of the connection-sharing master, checked where they enter', () => {
  test('an invocation’s frames read as typed messages', () => {
    const served = { client: 'rc', request: { op: 'lock', profile: 'p' } }
    expect(readClientFrame(frame(encodeJsonFrame(3, FrameType.Open, { command: "'rc' '--lock'", served })))).toEqual({
      type: 'open',
      channel: 3,
      open: { command: "'rc' '--lock'", served },
    })
    // A request that is not valid is not served: the command runs as given.
    const odd = { client: 'rc', request: { op: 'print-invalid', paths: ['-x'] } }
    expect(readClientFrame(frame(encodeJsonFrame(3, FrameType.Open, { command: "'rc' '--print-invalid' '-x'", served: odd })))).toEqual({
      type: 'open',
      channel: 3,
      open: { command: "'rc' '--print-invalid' '-x'" },
    })
    expect(readClientFrame(frame(encodeJsonFrame(3, FrameType.Open, { command: 'sh', pty: { rows: 24, cols: 80, term: 'xterm' } })))).toMatchObject({
      open: { command: 'sh', pty: { rows: 24, cols: 80, term: 'xterm' } },
    })
    expect(readClientFrame(frame(encodeFrame(3, FrameType.Stdin, 'data')))).toEqual({ type: 'stdin', channel: 3, data: Buffer.from('data') })
    expect(readClientFrame(frame(encodeJsonFrame(3, FrameType.Resize, { rows: 10, cols: 20 })))).toEqual({ type: 'resize', channel: 3, rows: 10, cols: 20 })
  })

  test.each([
    ['a frame type only the master sends', encodeJsonFrame(1, FrameType.Exit, { code: 0 })],
    ['an open without a command', encodeJsonFrame(1, FrameType.Open, { served: { client: 'x', request: { op: 'lock' } } })],
    ['an open whose served call names no client', encodeJsonFrame(1, FrameType.Open, { command: 'x', served: { request: { op: 'lock' } } })],
    ['a resize that is not JSON', encodeFrame(1, FrameType.Resize, '{rows')],
    ['a negative terminal size', encodeJsonFrame(1, FrameType.Resize, { rows: -1, cols: 2 })],
  ])('an invocation’s frame is refused: %s', (_what, bytes) => {
    expect(() => readClientFrame(frame(bytes))).toThrow(MuxProtocolError)
  })

  test('the master’s frames read as typed messages; unknown error codes are refused', () => {
    expect(readMasterFrame(frame(encodeJsonFrame(2, FrameType.Exit, { code: null, signal: 'KILL' })))).toEqual({ type: 'exit', channel: 2, exit: { code: null, signal: 'KILL' } })
    expect(readMasterFrame(frame(encodeJsonFrame(2, FrameType.Error, { code: 'CONNECTION_LOST', message: 'gone' })))).toEqual({
      type: 'error',
      channel: 2,
      error: { code: 'CONNECTION_LOST', message: 'gone' },
    })
    expect(() => readMasterFrame(frame(encodeJsonFrame(2, FrameType.Error, { code: 'NO_SUCH_CODE', message: 'x' })))).toThrow(MuxProtocolError)
    expect(() => readMasterFrame(frame(encodeJsonFrame(2, FrameType.Exit, { code: '0' })))).toThrow(MuxProtocolError)
    expect(() => readMasterFrame(frame(encodeJsonFrame(0, FrameType.StatusReply, { pid: 1 })))).toThrow(MuxProtocolError)
  })
})
