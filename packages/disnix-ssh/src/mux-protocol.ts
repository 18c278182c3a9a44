/**
 * The framed protocol between a disnix-ssh-client invocation and the connection-sharing master, over a
 * Unix socket. Frame: u32 payload length, u32 channel id, u8 type, payload. One channel per remote
 * command; data frames carry raw bytes so closures and snapshots stream both ways, and backpressure
 * is applied by pausing the reader on either side.
 */
export const FrameType = {
  /** client → master, JSON {@link OpenPayload}. */
  Open: 1,
  Stdin: 2,
  StdinEof: 3,
  /** client → master, JSON `{ rows, cols }`. */
  Resize: 4,
  Stdout: 5,
  Stderr: 6,
  /** master → client, JSON {@link ExitPayload}. */
  Exit: 7,
  /** master → client, JSON {@link ErrorPayload}: the command could not run (connection failure). */
  Error: 8,
  /** client → master: asks for {@link MasterStatus} (channel 0). */
  Status: 9,
  StatusReply: 10,
} as const
export type FrameType = (typeof FrameType)[keyof typeof FrameType]

export interface Frame {
  channel: number
  type: FrameType
  payload: Buffer
}

export interface OpenPayload {
  command: string
  pty?: { rows: number; cols: number; term: string }
}

export interface ExitPayload {
  code: number | null
  signal?: string
}

export interface ErrorPayload {
  code: string
  message: string
  hint?: string
  exitCode: number
}

/** What a master reports about itself (tests and `--master-status` read it). */
export interface MasterStatus {
  pid: number
  /** How many ssh connections this master has opened (1 unless it reconnected). */
  connects: number
  /** Remote commands served so far. */
  commands: number
  connected: boolean
}

const HEADER = 9
export const MAX_FRAME_PAYLOAD = 1024 * 1024

export function encodeFrame(channel: number, type: FrameType, payload: Buffer | string = Buffer.alloc(0)): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload) : payload
  const header = Buffer.allocUnsafe(HEADER)
  header.writeUInt32BE(body.length, 0)
  header.writeUInt32BE(channel, 4)
  header.writeUInt8(type, 8)
  return Buffer.concat([header, body])
}

export function encodeJsonFrame(channel: number, type: FrameType, value: unknown): Buffer {
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
      if (length > MAX_FRAME_PAYLOAD) throw new Error(`mux frame too large (${length} bytes)`)
      if (pending.length < HEADER + length) {
        need = HEADER + length
        break
      }
      frames.push({
        channel: pending.readUInt32BE(4),
        type: pending.readUInt8(8) as FrameType,
        payload: pending.subarray(HEADER, HEADER + length),
      })
      pending = pending.subarray(HEADER + length)
    }
    return frames
  }
}
