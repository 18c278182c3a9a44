import { execa } from 'execa'
import { DisnixError } from '@disnix-ts/libmain'

/**
 * Runs many `ip` commands in one process (`ip -batch -`): creating or removing a network is then a
 * single spawn instead of several per target. With `force`, a failing line (an interface that is
 * already gone) does not stop the rest.
 */
export async function ipBatch(lines: readonly string[], options: { force?: boolean; step: string }): Promise<void> {
  if (lines.length === 0) return
  const args = options.force ? ['-force', '-batch', '-'] : ['-batch', '-']
  const result = await execa('ip', args, { input: `${lines.join('\n')}\n`, reject: false })
  if (result.exitCode !== 0 && !options.force) {
    const detail = String(result.stderr).trim() || result.shortMessage
    throw new DisnixError('TESTNET_NETWORK_FAILED', `${options.step}: ip failed: ${detail}`)
  }
}
