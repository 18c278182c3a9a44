import { PassThrough } from 'node:stream'
import { describe, expect, test } from 'vitest'
import { createProgressRenderer } from './live-progress.js'

function capture(isTTY: boolean) {
  const stream = Object.assign(new PassThrough(), { isTTY, columns: 120 })
  let text = ''
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()))
  return { stream, text: () => text }
}

describe('createProgressRenderer', () => {
  test('prints the original prefixed lines when not on a terminal', () => {
    const out = capture(false)
    const renderer = createProgressRenderer({ stream: out.stream })
    renderer.sink({ kind: 'message', text: 'Distributing intra-dependency closures...' })
    renderer.sink({ kind: 'step', target: 'test1', step: 'activate', status: 'start', text: 'Activating service with key: abc' })
    renderer.sink({ kind: 'transfer', target: 'test2', what: 'closure', bytes: 2048, done: true })
    renderer.close()
    expect(out.text()).toBe(
      '[coordinator]: Distributing intra-dependency closures...\n' +
        '[target: test1]: Activating service with key: abc\n' +
        '[target: test2]: closure: 2.0 KiB transferred\n',
    )
  })

  test('draws one live line per target with done/total and bytes on a terminal', async () => {
    const out = capture(true)
    const renderer = createProgressRenderer({ stream: out.stream, intervalMs: 1 })
    renderer.sink({ kind: 'expect', target: 'test1', step: 'activate', total: 3 })
    renderer.sink({ kind: 'step', target: 'test1', step: 'activate', service: 'hello', status: 'start' })
    renderer.sink({ kind: 'step', target: 'test1', step: 'activate', service: 'hello', status: 'done' })
    renderer.sink({ kind: 'transfer', target: 'test2', what: 'receiving closure', bytes: 5 * 1024 * 1024 })
    await new Promise((resolve) => setTimeout(resolve, 20))
    renderer.sink({ kind: 'message', text: 'Activating new configuration...' })
    renderer.close()
    const text = out.text()
    expect(text).toContain('[coordinator]: Activating new configuration...\n')
    expect(text).toContain('[target: test1]  activate  activate 1/3  hello')
    expect(text).toContain('[target: test2]  receiving closure  5.0 MiB')
    // the block is redrawn in place: cursor-up + clear sequences
    expect(text).toContain('\x1b[2A\x1b[0J')
  })
})
