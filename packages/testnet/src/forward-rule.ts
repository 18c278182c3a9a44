import { readFile } from 'node:fs/promises'
import { execa } from 'execa'
import { hasErrorCode } from '@disnix-ts/libmain'

/**
 * testnet.md pitfall 21: with br_netfilter loaded and `bridge-nf-call-iptables=1`, bridged
 * target-to-target packets traverse the iptables FORWARD chain, which Docker sets to DROP. We only
 * add an accept rule for our own bridge when that chain could drop something; otherwise the host's
 * firewall stays untouched.
 */
export async function needsForwardRule(): Promise<boolean> {
  let flag: string
  try {
    flag = await readFile('/proc/sys/net/bridge/bridge-nf-call-iptables', 'utf8')
  } catch (error) {
    if (hasErrorCode(error, 'ENOENT')) return false // br_netfilter not loaded
    throw error
  }
  if (flag.trim() !== '1') return false
  const rules = await execa('iptables', ['-w', '-S', 'FORWARD'], { reject: false, stdin: 'ignore' })
  if (rules.failed) return false // no iptables (nothing can have put rules there through it)
  const lines = String(rules.stdout).split('\n')
  return lines.some((l) => l === '-P FORWARD DROP' || l.startsWith('-A FORWARD'))
}

export async function addForwardRule(bridge: string): Promise<void> {
  await execa('iptables', ['-w', '-I', 'FORWARD', '-i', bridge, '-o', bridge, '-j', 'ACCEPT'], { stdin: 'ignore' })
}

export async function removeForwardRule(bridge: string): Promise<void> {
  await execa('iptables', ['-w', '-D', 'FORWARD', '-i', bridge, '-o', bridge, '-j', 'ACCEPT'], { reject: false, stdin: 'ignore' })
}
