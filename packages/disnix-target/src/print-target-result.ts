import type { Writable } from 'node:stream'
import type { TargetResult } from './target-request.js'

/** Prints a result the way the original's clients do: one line per item, a temp file as its path. */
export function printTargetResult(result: TargetResult, out: Writable): void {
  switch (result.kind) {
    case 'done':
      return
    case 'lines':
      for (const line of result.lines) out.write(`${line}\n`)
      return
    case 'text':
      out.write(result.text)
      return
    case 'tempfile':
      out.write(`${result.path}\n`)
      return
  }
}
