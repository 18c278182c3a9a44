import { createHash, randomBytes } from 'node:crypto'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { execa } from 'execa'
import { bundledModulesDir } from '@disnix-ts/libmain'
import { testDir } from '@disnix-ts/test-utils'
import { describe, expect, test } from 'vitest'

const xzPack = join(bundledModulesDir(), 'lib', 'xz-pack.mjs')
const MiB = 1 << 20

/** Log-like text: compressible, but not trivially. */
function text(bytes: number): Buffer {
  let out = ''
  for (let i = 0; out.length < bytes; i++) out += `2026-11-21T10:${String(i % 60).padStart(2, '0')}:00Z INFO request ${i * 7919} status=200 ms=${i % 997}\n`
  return Buffer.from(out.slice(0, bytes))
}

/** Packs `input` (XZ_OPT=-0 for speed), checks it with xz -t and decodes it again. */
async function pack(input: Buffer, extraArgs: string[] = []) {
  const dir = await testDir()
  await writeFile(join(dir, 'in'), input)
  const packed = await execa('node', [xzPack, ...extraArgs], {
    inputFile: join(dir, 'in'),
    encoding: 'buffer',
    env: { XZ_OPT: '-0' },
    reject: false,
  })
  expect(packed.exitCode, String(packed.stderr)).toBe(0)
  const output = Buffer.from(packed.stdout)
  await writeFile(join(dir, 'out.xz'), output)
  expect((await execa('xz', ['-t', join(dir, 'out.xz')], { reject: false })).exitCode).toBe(0)
  const decoded = Buffer.from((await execa('xz', ['-dc', join(dir, 'out.xz')], { encoding: 'buffer' })).stdout)
  const totals = (await execa('xz', ['--robot', '-l', join(dir, 'out.xz')])).stdout.split('\n').find((l) => l.startsWith('totals'))!.split('\t')
  return { output, decoded, streams: Number(totals[1]), blocks: Number(totals[2]), dir }
}

describe('lib/xz-pack.mjs (the fileset snapshot compressor)', () => {
  test('stores incompressible segments and compresses the others, into one valid .xz file that xz decodes exactly', async () => {
    // 2 segments of random bytes, then 1.5 of text: 4 streams.
    const input = Buffer.concat([randomBytes(16 * MiB), text(12 * MiB)])
    const { output, decoded, streams, blocks } = await pack(input)
    expect(decoded.equals(input)).toBe(true)
    expect(streams).toBe(4)
    // xz 5.4 (Debian 12): the compressed segments are cut into blocks that xz -d -T0 decodes in parallel.
    expect(blocks).toBeGreaterThan(streams)
    // The random part is stored (LZMA2 chunk headers only), the text part compressed well.
    expect(output.length).toBeGreaterThan(16 * MiB)
    expect(output.length).toBeLessThan(16 * MiB + 3 * MiB)
  }, 60_000)

  test('gives the same bytes for the same input, and its --sha256-file is the sha256 of its output', async () => {
    const input = Buffer.concat([text(3 * MiB), randomBytes(9 * MiB)])
    const a = await pack(input)
    const dir = await testDir()
    const shaFile = join(dir, 'sha')
    const b = await pack(input, ['--sha256-file', shaFile])
    expect(b.output.equals(a.output)).toBe(true)
    expect((await readFile(shaFile, 'utf8')).trim()).toBe(createHash('sha256').update(b.output).digest('hex'))
    expect(b.decoded.equals(input)).toBe(true)
  }, 60_000)

  test('handles empty input, one byte and an exact multiple of the segment size', async () => {
    for (const input of [Buffer.alloc(0), Buffer.from('x'), randomBytes(8 * MiB)]) {
      const { decoded, streams } = await pack(input)
      expect(decoded.equals(input)).toBe(true)
      expect(streams).toBe(1)
    }
  }, 60_000)

  test('--store stores compressible segments too', async () => {
    const input = text(10 * MiB)
    const { output, decoded, streams } = await pack(input, ['--store'])
    expect(decoded.equals(input)).toBe(true)
    expect(streams).toBe(2)
    expect(output.length).toBeGreaterThan(input.length)
    expect(output.length).toBeLessThan(input.length + 4096)
  }, 60_000)

  test('refuses unknown arguments and fails when xz fails', async () => {
    const bad = await execa('node', [xzPack, '--bogus'], { input: 'x', reject: false })
    expect(bad).toMatchObject({ exitCode: 1, stdout: '', stderr: 'xz-pack: usage: xz-pack [--store] [--sha256-file FILE]' })
    const broken = await execa('node', [xzPack], { input: text(1000), env: { XZ_OPT: '--no-such-option' }, reject: false })
    expect(broken.exitCode).toBe(1)
    expect(broken.stderr).toContain('xz-pack: xz failed (exit 1)')
  })
})
