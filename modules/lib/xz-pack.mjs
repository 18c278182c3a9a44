// xz-pack: compresses stdin to a valid .xz file on stdout, fast on incompressible data.
//
// Usage: node xz-pack.mjs [--store] [--sha256-file FILE]     (XZ_OPT in the environment: options of xz)
//
// xz (liblzma) spends as long on data it cannot compress (random, encrypted, already compressed) as on
// data it can: a few MB/s, which made snapshots of large binary state dominate the time to move them.
// So the input is cut into fixed segments of 8 MiB, and each becomes one .xz stream of its own (a
// concatenation of streams is one valid .xz file: xz -d, tar -J and liblzma read them all):
//   - a segment whose sampled bytes look random (order-0 entropy above 7.5 bits/byte: coding the
//     bytes alone would save at most 6%) is STORED: one block of LZMA2 uncompressed chunks with a
//     CRC32 check, written here at disk speed. (Long repeats of random-looking data, which only LZ
//     matching would find, are given up: a larger snapshot, never a wrong one.)
//   - any other segment goes through xz with one thread (XZ_OPT applies; see threadOption), up to
//     one process per core at once (at most 8).
// The output depends only on the input bytes (and the xz version and XZ_OPT, as before): the segment
// size is fixed, the choice is made from the segment's own bytes and the streams are written in input
// order. With --sha256-file, the hex sha256 of the output is written to FILE, saving a second pass.
// --store stores every segment: a valid .xz file at disk speed, for when the network is faster than xz.
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { crc32 } from 'node:zlib'

const SEGMENT = 8 << 20
const CHUNK = 1 << 16 // the largest LZMA2 uncompressed chunk
const SAMPLE = 1024 // bytes sampled out of every STRIDE for the entropy estimate
const STRIDE = 16384
const MAX_ENTROPY = 7.5
const CHECK_CRC32 = 0x01

function u32le(value) {
  const b = Buffer.alloc(4)
  b.writeUInt32LE(value >>> 0)
  return b
}

function varint(value) {
  const bytes = []
  while (value >= 0x80) {
    bytes.push((value % 0x80) | 0x80)
    value = Math.floor(value / 0x80)
  }
  bytes.push(value)
  return Buffer.from(bytes)
}

const pad4 = (length) => Buffer.alloc((4 - (length % 4)) % 4)

function streamHeader() {
  const flags = Buffer.from([0x00, CHECK_CRC32])
  return Buffer.concat([Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]), flags, u32le(crc32(flags))])
}

function streamFooter(indexSize) {
  const rest = Buffer.concat([u32le(indexSize / 4 - 1), Buffer.from([0x00, CHECK_CRC32])])
  return Buffer.concat([u32le(crc32(rest)), rest, Buffer.from([0x59, 0x5a])])
}

function index(records) {
  const body = Buffer.concat([Buffer.from([0x00]), varint(records.length), ...records.flatMap(([unpadded, size]) => [varint(unpadded), varint(size)])])
  const padded = Buffer.concat([body, pad4(body.length)])
  return Buffer.concat([padded, u32le(crc32(padded))])
}

/** One .xz stream holding `data` in a single block of LZMA2 uncompressed chunks (no block when empty). */
function storedStream(data) {
  if (data.length === 0) {
    const idx = index([])
    return [streamHeader(), idx, streamFooter(idx.length)]
  }
  // Block header: size, flags (one filter, no sizes), filter LZMA2 (0x21) with a 256 KiB dictionary.
  const fields = Buffer.from([0x00, 0x00, 0x21, 0x01, 0x0c])
  const header = Buffer.concat([fields, pad4(fields.length + 4)]) // header + CRC32: a multiple of 4
  header[0] = (header.length + 4) / 4 - 1
  const blockHeader = Buffer.concat([header, u32le(crc32(header))])
  const parts = [streamHeader(), blockHeader]
  let compressed = 0
  for (let at = 0; at < data.length; at += CHUNK) {
    const chunk = data.subarray(at, Math.min(at + CHUNK, data.length))
    const control = Buffer.from([at === 0 ? 0x01 : 0x02, (chunk.length - 1) >> 8, (chunk.length - 1) & 0xff])
    parts.push(control, chunk)
    compressed += control.length + chunk.length
  }
  parts.push(Buffer.from([0x00]))
  compressed += 1
  parts.push(pad4(blockHeader.length + compressed), u32le(crc32(data)))
  const idx = index([[blockHeader.length + compressed + 4, data.length]])
  parts.push(idx, streamFooter(idx.length))
  return parts
}

/** Order-0 entropy (bits per byte) of samples spread over the segment. */
function sampledEntropy(data) {
  const counts = new Uint32Array(256)
  let total = 0
  for (let at = 0; at < data.length; at += STRIDE) {
    const end = Math.min(at + SAMPLE, data.length)
    for (let i = at; i < end; i++) counts[data[i]]++
    total += end - at
  }
  let bits = 0
  for (const count of counts) if (count > 0) bits -= (count / total) * Math.log2(count / total)
  return bits
}

/**
 * xz's thread option: -T+1 (xz 5.4 and later) writes the multi-threaded format with one thread, the
 * same bytes whatever the number of cores, whose blocks carry their sizes so that `xz -d -T0` decodes
 * them in parallel; older versions have only the single-threaded -T1.
 */
function threadOption() {
  return new Promise((resolve) => {
    const child = spawn('xz', ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] })
    let out = ''
    child.stdout.on('data', (chunk) => (out += chunk))
    child.on('error', () => resolve('-T1')) // the compression itself reports it
    child.on('close', () => {
      const [major, minor] = (/(\d+)\.(\d+)/.exec(out) ?? []).slice(1).map(Number)
      resolve(major > 5 || (major === 5 && minor >= 4) ? '-T+1' : '-T1')
    })
  })
}

function xzStream(data, threads) {
  return new Promise((resolve, reject) => {
    const child = spawn('xz', ['--format=xz', threads, '-c', '-q'], { stdio: ['pipe', 'pipe', 'inherit'] })
    const out = []
    child.stdout.on('data', (chunk) => out.push(chunk))
    child.on('error', reject)
    child.on('close', (code, signal) => (code === 0 ? resolve(out) : reject(new Error(`xz failed (${signal ?? `exit ${code}`})`))))
    child.stdin.on('error', () => {}) // reported through the exit status
    child.stdin.end(data)
  })
}

function encode(segment, store, threads) {
  return store || sampledEntropy(segment) > MAX_ENTROPY ? Promise.resolve(storedStream(segment)) : xzStream(segment, threads)
}

async function main() {
  const args = process.argv.slice(2)
  const store = args[0] === '--store'
  if (store) args.shift()
  let shaFile
  if (args.length === 2 && args[0] === '--sha256-file') shaFile = args[1]
  else if (args.length !== 0) throw new Error('usage: xz-pack [--store] [--sha256-file FILE]')

  const threads = await threadOption()
  const hash = createHash('sha256')
  const write = async (buffers) => {
    for (const buffer of buffers) {
      hash.update(buffer)
      if (!process.stdout.write(buffer)) await new Promise((resolve) => process.stdout.once('drain', resolve))
    }
  }
  const limit = Math.min(8, Math.max(1, availableParallelism())) // bounds the memory: 2 segments per slot
  const pending = []
  let buffered = []
  let size = 0
  let segments = 0
  const flush = async (max) => {
    while (pending.length > max) await write(await pending.shift())
  }
  const cut = async () => {
    const segment = Buffer.concat(buffered, size)
    buffered = []
    size = 0
    segments++
    const encoded = encode(segment, store, threads)
    encoded.catch(() => {}) // awaited in order below
    pending.push(encoded)
    await flush(limit - 1)
  }
  for await (const chunk of process.stdin) {
    let rest = chunk
    while (size + rest.length >= SEGMENT) {
      const take = SEGMENT - size
      buffered.push(rest.subarray(0, take))
      size += take
      rest = rest.subarray(take)
      await cut()
    }
    if (rest.length > 0) {
      buffered.push(rest)
      size += rest.length
    }
  }
  if (size > 0 || segments === 0) await cut()
  await flush(0)
  await new Promise((resolve, reject) => process.stdout.end((error) => (error ? reject(error) : resolve())))
  if (shaFile !== undefined) writeFileSync(shaFile, `${hash.digest('hex')}\n`)
}

main().catch((error) => {
  process.stderr.write(`xz-pack: ${error.message}\n`)
  process.exit(1)
})
