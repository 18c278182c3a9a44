import { join } from 'node:path'

/**
 * The bind mounts that make a target's private directories, as an fstab that target-init mounts
 * with one `mount -a -T FILE` (one process instead of one per mount; this is most of `up`'s time).
 * Order matters: /run first, so it can hold the installation (`/run/testnet-install`) before /nix,
 * /root and /tmp shadow the host's copies; /tmp last among the private dirs, because it hides the
 * state dir when that lives under /tmp (testnet.md pitfall 4). target-init then moves the held
 * installation back to its own path.
 */
export function targetFstabText(options: { targetDir: string; hostsFile: string; installRoot: string }): string {
  const t = options.targetDir
  const r = join(t, 'root')
  const mounts: Array<[string, string]> = [
    [join(r, 'run'), '/run'],
    [options.installRoot, INSTALL_HOLD],
    [join(r, 'nix'), '/nix'],
    [join(r, 'var/log'), '/var/log'],
    [join(r, 'var/state'), '/var/state'],
    [join(r, 'var/lib/disnix'), '/var/lib/disnix'],
    [join(r, 'etc/dysnomia'), '/etc/dysnomia'],
    [join(t, 'etc-nix'), '/etc/nix'],
    [join(t, 'etc-ssh'), '/etc/ssh'],
    [options.hostsFile, '/etc/hosts'],
    [join(t, 'hostname'), '/etc/hostname'],
    [join(r, 'home'), '/root'],
    [join(r, 'tmp'), '/tmp'],
  ]
  return mounts.map(([source, target]) => `${fstabEscape(source)} ${fstabEscape(target)} none bind 0 0\n`).join('')
}

/** Where the installation waits (inside the target's /run) while /tmp and friends are mounted. */
export const INSTALL_HOLD = '/run/testnet-install'

/** fstab fields escape white space and backslashes as octal (fstab(5)). */
export function fstabEscape(field: string): string {
  return field.replace(/[\s\\]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`)
}
