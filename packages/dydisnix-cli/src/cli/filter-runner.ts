import { join } from 'node:path'
import { binDir, installRoot } from '@disnix-ts/libmain'

// The packages whose compiled code the filter executables run.
const FILTER_CODE = ['libdydisnix', 'dydisnix-cli', 'libinfrastructure', 'libxmlmodel', 'libmain']

/** How the Nix filters run this installation's executables in a build: this Node, our bin/, a code hash. */
export async function filterRunner(): Promise<{ node: string; bin: string; fingerprint: string }> {
  const { toolsFingerprint } = await import('@disnix-ts/libdydisnix')
  return {
    node: process.execPath,
    bin: binDir(),
    fingerprint: await toolsFingerprint(FILTER_CODE.map((p) => join(installRoot(), 'packages', p, 'lib'))),
  }
}
