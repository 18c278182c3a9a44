import { describe, expect, test } from 'vitest'
import { PassThrough } from 'node:stream'
import { finished } from 'node:stream/promises'
import { encodeFrame, encodeJsonFrame, frameDecoder, frameWriter, MAX_FRAME_PAYLOAD } from './frame-codec.js'

describe('frames', () => {
  test('decode across arbitrary chunk boundaries', () => {
    const bytes = Buffer.concat([
      encodeJsonFrame(1, 1, { command: 'echo hi' }),
      encodeFrame(1, 2, Buffer.from([0, 1, 2, 255])),
      encodeFrame(1, 3),
      encodeFrame(7, 5, 'x'.repeat(70_000)),
    ])
    for (const step of [1, 5, 9, 1000, bytes.length]) {
      const decode = frameDecoder()
      const frames = []
      for (let i = 0; i < bytes.length; i += step) frames.push(...decode(bytes.subarray(i, i + step)))
      expect(frames.map((f) => [f.channel, f.type, f.payload.length])).toEqual([
        [1, 1, 21],
        [1, 2, 4],
        [1, 3, 0],
        [7, 5, 70_000],
      ])
      expect(JSON.parse(frames[0]!.payload.toString())).toEqual({ command: 'echo hi' })
      expect([...frames[1]!.payload]).toEqual([0, 1, 2, 255])
    }
  })

  test('a frame larger than the limit is refused', () => {
    const header = Buffer.alloc(9)
    header.writeUInt32BE(MAX_FRAME_PAYLOAD + 1, 0)
    expect(() => frameDecoder()(header)).toThrow('frame too large')
  })

  test('a writer splits what it gets into frames within the limit, on its channel and type', async () => {
    const output = new PassThrough()
    const received: Buffer[] = []
    output.on('data', (chunk: Buffer) => received.push(chunk))
    const writer = frameWriter(output, 3, 5)
    const data = Buffer.alloc(MAX_FRAME_PAYLOAD * 2 + 10, 7)
    writer.end(data)
    await finished(writer)
    const frames = frameDecoder()(Buffer.concat(received))
    expect(frames.map((f) => [f.channel, f.type, f.payload.length])).toEqual([
      [3, 5, MAX_FRAME_PAYLOAD],
      [3, 5, MAX_FRAME_PAYLOAD],
      [3, 5, 10],
    ])
    expect(Buffer.concat(frames.map((f) => f.payload)).equals(data)).toBe(true)
  })
})
