import type { Writable } from 'node:stream'
import type { ProgressSink } from '@disnix-ts/libmain'

/** Dysnomia's tools print their notices bare, one line each, as the original does (no `[coordinator]:`). */
export function bareProgress(stream: Writable): ProgressSink {
  return (event) => {
    if (event.kind === 'message' || (event.kind === 'step' && event.text !== undefined)) stream.write(`${event.text}\n`)
  }
}
