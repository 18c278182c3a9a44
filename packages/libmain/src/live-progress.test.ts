import { PassThrough } from 'node:stream'
import { describe, expect, test } from 'vitest'
import { createProgressRenderer } from './live-progress.js'

function capture(isTTY: boolean, columns = 120) {
  const stream = Object.assign(new PassThrough(), { isTTY, columns })
  let text = ''
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()))
  return { stream, text: () => text }
}

/**
 * What a terminal shows after `output`: a small emulation of the sequences the renderer uses
 * (text, \n, \r, CSI n A, CSI J, CSI K), with lines that scrolled away kept above.
 */
function screen(output: string, columns = 120): string[] {
  const rows: string[] = ['']
  let row = 0
  let col = 0
  const put = (ch: string) => {
    if (col >= columns) {
      row++
      col = 0
    }
    while (rows.length <= row) rows.push('')
    const line = rows[row]!.padEnd(col)
    rows[row] = line.slice(0, col) + ch + line.slice(col + 1)
    col++
  }
  for (let i = 0; i < output.length; i++) {
    const ch = output[i]!
    if (ch === '\n') {
      row++
      col = 0
      while (rows.length <= row) rows.push('')
    } else if (ch === '\r') col = 0
    else if (ch === '\x1b' && output[i + 1] === '[') {
      const match = /^\x1b\[(\d*)([AJK])/.exec(output.slice(i))!
      const n = Number(match[1] || '0')
      if (match[2] === 'A') row = Math.max(0, row - Math.max(1, n))
      if (match[2] === 'J') {
        rows[row] = rows[row]!.slice(0, col)
        rows.length = row + 1
      }
      if (match[2] === 'K') rows[row] = rows[row]!.slice(0, col)
      i += match[0].length - 1
    } else put(ch)
  }
  return rows.map((line) => line.trimEnd()).filter((line, index, all) => line !== '' || index < all.length - 1)
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 15))

describe('createProgressRenderer', () => {
  test('prints the original prefixed lines when not on a terminal, prefixing every line of a failure', () => {
    const out = capture(false)
    const renderer = createProgressRenderer({ stream: out.stream })
    renderer.sink({ kind: 'phase', phase: 'distribute', status: 'start', text: 'Distributing intra-dependency closures...' })
    renderer.sink({ kind: 'step', target: 'test1', step: 'activate', status: 'start', text: 'Activating service with key: abc' })
    renderer.sink({ kind: 'step', target: 'test1', step: 'activate', service: 'staff', status: 'failed', text: 'Activation failed of service: staff', error: { reason: 'psql: error\nthe database system is starting up' } })
    renderer.sink({ kind: 'transfer', target: 'test2', what: 'closure', bytes: 2048, done: true })
    renderer.sink({ kind: 'phase', phase: 'distribute', status: 'done' })
    renderer.close()
    expect(out.text()).toBe(
      '[coordinator]: Distributing intra-dependency closures...\n' +
        '[target: test1]: Activating service with key: abc\n' +
        '[target: test1]: Activation failed of service: staff\n' +
        '[target: test1]: psql: error\n' +
        '[target: test1]: the database system is starting up\n' +
        '[target: test2]: closure: 2.0 KiB transferred\n',
    )
  })

  test('on a terminal, coordinator lines stay in order under everything and the block is redrawn below them', async () => {
    const out = capture(true)
    const renderer = createProgressRenderer({ stream: out.stream, intervalMs: 1 })
    renderer.sink({ kind: 'message', text: 'Activating new configuration...' })
    renderer.sink({ kind: 'expect', target: 'test1', step: 'activate', total: 3 })
    renderer.sink({ kind: 'step', target: 'test1', step: 'activate', service: 'hello', status: 'start' })
    renderer.sink({ kind: 'transfer', target: 'test2', what: 'snapshot x', bytes: 5 * 1024 * 1024 })
    await tick()
    expect(screen(out.text())).toEqual([
      '[coordinator]: Activating new configuration...',
      '[target: test1]: activating hello; activated 0/3',
      '[target: test2]: snapshot x 5.0 MiB',
    ])
    renderer.sink({ kind: 'step', target: 'test1', step: 'activate', service: 'hello', status: 'done' })
    renderer.sink({ kind: 'message', text: 'Migrating data...' })
    await tick()
    renderer.sink({ kind: 'message', text: 'Sending snapshots...' })
    renderer.sink({ kind: 'transfer', target: 'test2', what: 'snapshot x', bytes: 1024, done: true })
    await tick()
    renderer.close({ keepBlock: true })
    expect(screen(out.text())).toEqual([
      '[coordinator]: Activating new configuration...',
      '[coordinator]: Migrating data...',
      '[coordinator]: Sending snapshots...',
      '[target: test1]: activated 1/3',
      '[target: test2]: 1.0 KiB transferred',
    ])
  })

  test('a failure on a terminal keeps the target prefix on every line, and names the service', async () => {
    const out = capture(true)
    const renderer = createProgressRenderer({ stream: out.stream, intervalMs: 1 })
    renderer.sink({ kind: 'step', target: 'test2', step: 'activate', service: 'staffservice', status: 'start' })
    await tick()
    renderer.sink({ kind: 'step', target: 'test2', step: 'activate', service: 'staffservice', status: 'failed', text: 'Activation failed of service: staffservice', error: { reason: 'line one\nline two' } })
    renderer.close()
    expect(screen(out.text())).toEqual([
      '[target: test2]: Activation failed of service: staffservice',
      '[target: test2]: line one',
      '[target: test2]: line two',
    ])
  })

  test('the interrupt message is never cut into a row, also when the terminal echoed ^C', async () => {
    const out = capture(true)
    const renderer = createProgressRenderer({ stream: out.stream, intervalMs: 1 })
    renderer.sink({ kind: 'step', target: 'test1', step: 'activate', service: 'a', status: 'start' })
    await tick()
    out.stream.write('^C') // what the terminal echoes at the cursor
    renderer.sink({ kind: 'message', text: 'Interrupted: letting running activities finish' })
    renderer.close()
    expect(screen(out.text())).toEqual(['[coordinator]: Interrupted: letting running activities finish'])
  })

  test('rows that a narrower terminal wraps are erased completely', async () => {
    const out = capture(true, 60)
    const renderer = createProgressRenderer({ stream: out.stream, intervalMs: 1 })
    renderer.sink({ kind: 'step', target: 'test1', step: 'activate', service: 'a-service-with-a-long-name', status: 'start' })
    await tick()
    out.stream.columns = 20
    renderer.sink({ kind: 'message', text: 'next' })
    renderer.close()
    expect(screen(out.text(), 20)).toEqual(['[coordinator]: next'])
  })
})
