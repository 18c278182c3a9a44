import { DisnixError, runCommand, toolPath } from '@disnix-ts/libmain'

/** The target names of the test network (`disnix-testnet status --json`, which reads TESTNET_DIR). */
export async function testnetTargetNames(): Promise<string[]> {
  const { stdout } = await runCommand(toolPath('disnix-testnet'), ['status', '--json'], { step: 'disnix-testnet status' })
  const status = JSON.parse(stdout) as { targets?: Array<{ name: string }> }
  const names = (status.targets ?? []).map((t) => t.name)
  if (names.length === 0) throw new DisnixError('USAGE', 'The test network has no targets', { hint: 'disnix-testnet up N' })
  return names
}
