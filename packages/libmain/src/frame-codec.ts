import { Writable } from 'node:stream'

/**
 * Length-prefixed frames for the multiplexed protocols between our own processes (the SSH
 * connection-sharing master and its clients, `disnix-run-activity --serve` and the master). Frame: u32
 * payload length, u32 channel id, u8 type, payload. What the types mean is each protocol's business.
 */
export interface Frame {
  channel: number
  type: number
  payload: Buffer
}

const HEADER = 9
/** Larger payloads are split by the writers; a longer frame means the peer is not speaking our protocol. */
export const MAX_FRAME_PAYLOAD = 1024 * 1024

export function encodeFrame(channel: number, type: number, payload: Buffer | string = Buffer.alloc(0)): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload) : payload
  const header = Buffer.allocUnsafe(HEADER)
  header.writeUInt32BE(body.length, 0)
  header.writeUInt32BE(channel, 4)
  header.writeUInt8(type, 8)
  return Buffer.concat([header, body])
}

export function encodeJsonFrame(channel: number, type: number, value: unknown): Buffer {
  return encodeFrame(channel, type, JSON.stringify(value))
}

/** Splits a byte stream into frames; throws on a frame larger than {@link MAX_FRAME_PAYLOAD}. */
export function frameDecoder(): (chunk: Buffer) => Frame[] {
  let pending: Buffer = Buffer.alloc(0)
  // Chunks of an incomplete frame are collected and joined once it is complete (no quadratic copying).
  let parts: Buffer[] = []
  let partsLength = 0
  let need = 0
  return (chunk) => {
    if (need > 0) {
      parts.push(chunk)
      partsLength += chunk.length
      if (pending.length + partsLength < need) return []
      pending = Buffer.concat([pending, ...parts])
      parts = []
      partsLength = 0
      need = 0
    } else {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk])
    }
    const frames: Frame[] = []
    while (pending.length >= HEADER) {
      const length = pending.readUInt32BE(0)
      if (length > MAX_FRAME_PAYLOAD) throw new Error(`frame too large (${length} bytes)`)
      if (pending.length < HEADER + length) {
        need = HEADER + length
        break
      }
      frames.push({ channel: pending.readUInt32BE(4), type: pending.readUInt8(8), payload: pending.subarray(HEADER, HEADER + length) })
      pending = pending.subarray(HEADER + length)
    }
    return frames
  }
}

/**
 * A Writable that sends what it gets as frames of one channel and type on `output` (split to the
 * payload limit), waiting when `output` is full. Once `output` is gone, what comes is dropped.
 */
export function frameWriter(output: Writable, channel: number, type: number): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (output.destroyed) return callback()
      let ready = true
      for (let at = 0; at < chunk.length; at += MAX_FRAME_PAYLOAD) {
        ready = output.write(encodeFrame(channel, type, chunk.subarray(at, at + MAX_FRAME_PAYLOAD)))
      }
      if (ready) callback()
      else output.once('drain', () => callback())
    },
  })
}
