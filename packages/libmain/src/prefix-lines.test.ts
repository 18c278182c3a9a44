import { PassThrough } from 'node:stream'
import { describe, expect, test } from 'vitest'
import { prefixLines } from './prefix-lines.js'

describe('prefixLines', () => {
  test('prefixes every line, also lines split across chunks and a last line without newline', async () => {
    const out = new PassThrough()
    let text = ''
    out.on('data', (chunk: Buffer) => (text += chunk.toString()))
    const stream = prefixLines(out, '[target: t1]: ')
    stream.write('Notifying lock on /nix/store/a\nNotifying ')
    stream.write('lock on /nix/store/b\n')
    stream.end('no newline')
    await new Promise((resolve) => stream.on('finish', resolve))
    expect(text).toBe('[target: t1]: Notifying lock on /nix/store/a\n[target: t1]: Notifying lock on /nix/store/b\n[target: t1]: no newline\n')
  })

  test('a line that already names the target is not prefixed twice', async () => {
    const out = new PassThrough()
    let text = ''
    out.on('data', (chunk: Buffer) => (text += chunk.toString()))
    const stream = prefixLines(out, '[target: t1]: ')
    stream.end('[target: t1]: unreachable: no answer for 10 s\nhint\n')
    await new Promise((resolve) => stream.on('finish', resolve))
    expect(text).toBe('[target: t1]: unreachable: no answer for 10 s\n[target: t1]: hint\n')
  })
})
