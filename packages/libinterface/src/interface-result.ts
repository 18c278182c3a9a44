import { OPERATIONS, type InterfaceRequest, type ResultKind } from './operations.js'

interface ResultValues {
  none: void
  lines: string[]
  text: string
  file: string
  dirs: string[]
  status: number
}

/** The typed result of a request: what its operation's output means (spec §3.1). */
export type InterfaceResult<R extends InterfaceRequest> = ResultValues[(typeof OPERATIONS)[R['op']]['result']]

/**
 * An operation's result from the interface's stdout: lines split on newlines (the empty trailing
 * element dropped), a text as it is, a file path without its newline (spec §3.1).
 */
export function parseResult(kind: Exclude<ResultKind, 'status'>, stdout: string): string[] | string | undefined {
  switch (kind) {
    case 'none':
      return undefined
    case 'lines':
    case 'dirs':
      return outputLines(stdout)
    case 'text':
      return stdout
    case 'file':
      return stdout.replace(/\n$/, '')
  }
}

/** stdout split on newlines, the empty trailing element dropped (spec §3.1). */
export function outputLines(stdout: string): string[] {
  const lines = stdout.split('\n')
  if (lines.at(-1) === '') lines.pop()
  return lines
}
