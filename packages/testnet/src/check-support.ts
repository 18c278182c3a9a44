import { execa } from 'execa'
import { DisnixError } from '@disnix-ts/libmain'

export interface SupportResult {
  ok: boolean
  /** Why test networks cannot be created here (for a clean skip or a clear error). */
  reason?: string
}

/**
 * Whether this process may create test networks: root, mount namespaces (`unshare -m true`) and
 * network namespaces (`ip netns add` of a probe namespace, removed again at once).
 */
export async function checkTestnetSupport(): Promise<SupportResult> {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    return { ok: false, reason: 'disnix-testnet needs root (it creates network and mount namespaces, a bridge and veths)' }
  }
  const unshare = await execa('unshare', ['-m', 'true'], { reject: false, stdin: 'ignore' })
  if (unshare.exitCode !== 0) {
    return { ok: false, reason: `cannot create mount namespaces (unshare -m true: ${firstLine(unshare.stderr, unshare.shortMessage)})` }
  }
  const probe = `tnprobe-${process.pid}`
  const add = await execa('ip', ['netns', 'add', probe], { reject: false, stdin: 'ignore' })
  if (add.exitCode !== 0) {
    return { ok: false, reason: `cannot create network namespaces (ip netns add: ${firstLine(add.stderr, add.shortMessage)})` }
  }
  await execa('ip', ['netns', 'del', probe], { stdin: 'ignore' })
  return { ok: true }
}

function firstLine(stderr: unknown, fallback: string | undefined): string {
  return String(stderr ?? '').trim().split('\n')[0] || (fallback ?? 'failed')
}

/** Fails with one clear message unless we are root (every operation on a network needs it). */
export function requireRoot(): void {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    throw new DisnixError('TESTNET_NOT_ROOT', 'disnix-testnet needs root (it creates network and mount namespaces, a bridge and veths)', {
      hint: 'run it with sudo, or as root',
    })
  }
}
