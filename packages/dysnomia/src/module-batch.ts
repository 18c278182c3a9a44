import { spawn } from 'node:child_process'
import { open } from 'node:fs/promises'
import { moduleExitStatus, moduleNotExecutable } from './run-dysnomia-operation.js'

/**
 * A module may handle an operation for several components in one run. It says so with a line
 * `# dysnomia-batch: lock unlock` (the operations it batches) in its first 4 KiB; it is then called as
 * `MODULE OPERATION --batch CONTAINER` with the component paths on stdin, one per line, and for each
 * of them, in order, prints `dysnomia-batch: COMPONENT` on stdout and does what
 * `MODULE OPERATION COMPONENT CONTAINER` would. A refused lock ends the run at that component with a
 * non-zero exit status; an unlock goes on with the others and exits non-zero if any failed. A module
 * without the line is called once per component, as always (docs/writing-modules.md).
 */
export const BATCH_DECLARATION_BYTES = 4096
const DECLARATION = /^# dysnomia-batch:((?:[ \t]+[a-z-]+)+)[ \t]*$/m
/** What a batch-run module prints on stdout before each component's own output. */
export const BATCH_MARKER = 'dysnomia-batch: '

const NONE: ReadonlySet<string> = new Set()

/** The operations a module declares it batches; none for a module it cannot read. */
export async function moduleBatchOperations(module: string): Promise<ReadonlySet<string>> {
  let handle
  try {
    handle = await open(module, 'r')
  } catch {
    return NONE
  }
  try {
    const head = Buffer.alloc(BATCH_DECLARATION_BYTES)
    const { bytesRead } = await handle.read(head, 0, BATCH_DECLARATION_BYTES, 0)
    const match = DECLARATION.exec(head.subarray(0, bytesRead).toString('latin1'))
    return match ? new Set(match[1]!.trim().split(/\s+/)) : NONE
  } finally {
    await handle.close()
  }
}

export interface ModuleBatch {
  module: string
  operation: string
  /** The component paths, in the order they are notified. */
  components: readonly string[]
  /** `$3` of every call: the container argument. */
  containerArg: string
  /** The module's environment (the same for every component of the batch). */
  env: Record<string, string>
}

/** How a batch run ended: its exit status, and each component's stdout (those it reached). */
export interface BatchOutcome {
  status: number
  /** The stdout of each component the module reached, in order (the markers removed). */
  segments: Array<{ component: string; stdout: Buffer }>
  /** What the module printed on stdout before its first marker, and all of its stderr. */
  preamble: Buffer
  stderr: Buffer
}

/** Runs one batch with its output captured (the caller writes it out in the services' order). */
export function runModuleBatch(batch: ModuleBatch, signal?: AbortSignal): Promise<BatchOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(batch.module, [batch.operation, '--batch', batch.containerArg], { env: batch.env, stdio: ['pipe', 'pipe', 'pipe'], signal })
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk))
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk))
    // A module that ends without reading all of its input must not fail us with EPIPE.
    child.stdin.on('error', () => {})
    child.stdin.end(batch.components.map((c) => `${c}\n`).join(''))
    child.once('error', (error: NodeJS.ErrnoException) => {
      // As runModule reports a module that cannot be started; a cancelled run closes with SIGTERM.
      if (error.name !== 'AbortError') reject(moduleNotExecutable(batch.module, error))
    })
    child.once('close', (code, sig) => {
      if (code !== null && code < 0) return
      resolve({ status: moduleExitStatus(code, sig), ...splitSegments(Buffer.concat(out), batch.components), stderr: Buffer.concat(err) })
    })
  })
}

const MARKER_BYTES = Buffer.from(BATCH_MARKER)

/** Whether the line from `start` to `end` is the marker of `component` (compared without decoding every line). */
function isMarker(stdout: Buffer, start: number, end: number, component: string): boolean {
  if (end - start < MARKER_BYTES.length || stdout.compare(MARKER_BYTES, 0, MARKER_BYTES.length, start, start + MARKER_BYTES.length) !== 0) return false
  return stdout.toString('utf8', start + MARKER_BYTES.length, end) === component
}

/** Cuts a batch's stdout at the markers of its components, which must come in order. */
export function splitSegments(stdout: Buffer, components: readonly string[]): Pick<BatchOutcome, 'segments' | 'preamble'> {
  const segments: BatchOutcome['segments'] = []
  let preamble: Buffer = Buffer.alloc(0)
  let start = 0
  let next = 0
  let lineStart = 0
  const close = (end: number) => {
    const part = stdout.subarray(start, end)
    const last = segments.at(-1)
    if (last) last.stdout = part
    else preamble = part
  }
  while (lineStart < stdout.length) {
    const newline = stdout.indexOf(10, lineStart)
    const lineEnd = newline === -1 ? stdout.length : newline
    if (next < components.length && isMarker(stdout, lineStart, lineEnd, components[next]!)) {
      close(lineStart)
      segments.push({ component: components[next]!, stdout: Buffer.alloc(0) as Buffer })
      next++
      start = newline === -1 ? stdout.length : newline + 1
    }
    lineStart = newline === -1 ? stdout.length : newline + 1
  }
  close(stdout.length)
  return { segments, preamble }
}
