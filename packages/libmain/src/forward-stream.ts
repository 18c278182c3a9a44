import { Writable } from 'node:stream'

/**
 * A Writable that passes what it gets on to `destination` (waiting when it is full) and leaves it
 * open when it ends itself. Children piped into a caller's stream (execa ends the streams it pipes
 * into) get one each, so that several children and the caller can write to the same destination.
 */
export function forwardStream(destination: Writable): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (destination.destroyed || destination.writableEnded) return callback()
      if (destination.write(chunk)) callback()
      else destination.once('drain', () => callback())
    },
  })
}
