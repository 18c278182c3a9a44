import { PassThrough } from 'node:stream'
import { finished } from 'node:stream/promises'
import { execa } from 'execa'
import { expect, test } from 'vitest'
import { forwardStream } from './forward-stream.js'

test('children piped into forwarded streams leave the destination open for later writers', async () => {
  const destination = new PassThrough()
  const chunks: string[] = []
  destination.on('data', (chunk: Buffer) => chunks.push(chunk.toString()))
  await execa('sh', ['-c', 'echo first'], { stdout: ['pipe', forwardStream(destination)] })
  await execa('sh', ['-c', 'echo second'], { stdout: ['pipe', forwardStream(destination)] })
  expect(destination.writableEnded).toBe(false)
  destination.end('third\n')
  await finished(destination)
  expect(chunks.join('')).toBe('first\nsecond\nthird\n')
})
