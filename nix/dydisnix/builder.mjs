// The builder of the derivations that nix/dydisnix creates (Node.js is the builder, so no shell and
// no coreutils are needed inside the build):
//   builder.mjs write            copies the file of the `text` attribute (passAsFile) to $out
//   builder.mjs run TOOL ARGS..   runs a Dynamic Disnix executable; its stdout becomes $out
import { spawnSync } from 'node:child_process'
import { closeSync, copyFileSync, openSync } from 'node:fs'

const [mode, tool, ...args] = process.argv.slice(2)
const out = process.env.out
if (out === undefined) throw new Error('builder.mjs: $out is not set')
if (mode === 'write') {
  copyFileSync(process.env.textPath, out)
} else if (mode === 'run') {
  const fd = openSync(out, 'w')
  const result = spawnSync(process.execPath, [tool, ...args], { stdio: ['ignore', fd, 'inherit'] })
  closeSync(fd)
  if (result.error) throw result.error
  process.exitCode = result.status ?? 1
} else {
  throw new Error(`builder.mjs: unknown mode ${mode}`)
}
