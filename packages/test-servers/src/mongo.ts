// No MongoDB server can be installed here (not in Debian): stand-in mongo, mongodump and
// mongorestore clients first on PATH, and something listening on the port they would talk to.
import { rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { freePort, sharedTempDir, type Server } from './server-process.js'
import { createStandIns, type StandIns } from './stand-ins.js'

export interface MongoStandIn extends Server {
  /** Where the stand-in "server" listens (it accepts connections and closes them). */
  port: number
  /** mongo records its stdin (the script); mongodump and mongorestore their argv. */
  clients: StandIns
  /** What mongodump writes as <out>/<db>/test.bson (with a test.metadata.json beside it). */
  dumpFile: string
  /** The names of the files in the directory mongorestore was given last, one a line. */
  restoredFiles: string
}

export async function startMongoStandIn(): Promise<MongoStandIn> {
  const dir = await sharedTempDir('disnix-mongo-')
  const clients = await createStandIns(dir, {
    mongo: { stdin: true },
    // Writes a dump as mongodump does: <out>/<db>/<collection>.bson and .metadata.json.
    mongodump: {
      script: [
        'while [ $# -gt 0 ]; do case "$1" in -d) db="$2"; shift 2;; -o) out="$2"; shift 2;; *) shift;; esac; done',
        'mkdir -p "$out/$db"',
        'cat "$dir/dump.bson" > "$out/$db/test.bson"',
        'printf \'{"indexes":[]}\' > "$out/$db/test.metadata.json"',
      ].join('\n'),
    },
    mongorestore: { script: 'ls "${@: -1}" > "$dir/restored-files"' },
  })
  // The module waits for the port before it runs a client.
  const port = await freePort()
  const listener = createServer((socket) => socket.end())
  await new Promise<void>((resolve) => listener.listen(port, '127.0.0.1', resolve))
  const close = () => new Promise<void>((resolve) => listener.close(() => resolve()))
  return {
    dir,
    port,
    clients,
    dumpFile: join(dir, 'dump.bson'),
    restoredFiles: join(dir, 'restored-files'),
    async stop() {
      if (listener.listening) await close()
      await rm(dir, { recursive: true, force: true })
    },
    async kill() {
      if (listener.listening) await close()
    },
  }
}
