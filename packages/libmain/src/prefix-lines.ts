import { Writable } from 'node:stream'
import { redact } from './redact.js'

/**
 * A stream that writes every line it receives to `target` with `prefix` in front, so that the output
 * of a client interface reads like the rest: `[target: test1]: Notifying lock on ...`. A last line
 * without a newline is written when the stream ends. Each of `secrets` in a line is shown as `***`. A line that already starts with the prefix (the
 * interface's own error report names the target) is passed on as it is: never `[target: t]: [target: t]: `.
 */
export function prefixLines(target: NodeJS.WritableStream, prefix: string, secrets: readonly string[] = []): Writable {
  let pending = ''
  const prefixed = (line: string): string => (line.startsWith(prefix) ? line : `${prefix}${line}`)
  return new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      pending += chunk.toString()
      const lines = pending.split('\n')
      pending = lines.pop() ?? ''
      if (lines.length > 0) target.write(lines.map((line) => `${prefixed(redact(line, secrets))}\n`).join(''))
      callback()
    },
    final(callback) {
      if (pending !== '') target.write(`${prefixed(redact(pending, secrets))}\n`)
      pending = ''
      callback()
    },
  })
}
