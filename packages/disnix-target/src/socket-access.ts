import { chmod, chown, readFile } from 'node:fs/promises'
import { hasErrorCode } from '@disnix-ts/libmain'

/** How the socket was opened up: to a group, or to its owner only. */
export type SocketAccess = { mode: 0o660; group: string; gid: number } | { mode: 0o600; reason: string }

/**
 * Gives the socket mode 0660 and the given group when the group exists (the administrator creates
 * it: `groupadd disnix`), else mode 0600 so that only its owner (root) can deploy. Node cannot read
 * a peer's credentials (SO_PEERCRED), so these file permissions are the access control.
 */
export async function restrictSocket(socketPath: string, group: string, groupFile = '/etc/group'): Promise<SocketAccess> {
  const gid = await lookupGroup(group, groupFile)
  if (gid === undefined) {
    await chmod(socketPath, 0o600)
    return { mode: 0o600, reason: `group ${group} does not exist` }
  }
  try {
    await chown(socketPath, process.getuid?.() ?? 0, gid)
  } catch (error) {
    if (!hasErrorCode(error, 'EPERM')) throw error
    await chmod(socketPath, 0o600)
    return { mode: 0o600, reason: `cannot give the socket to group ${group} (not root)` }
  }
  await chmod(socketPath, 0o660)
  return { mode: 0o660, group, gid }
}

/** The gid of a group from an /etc/group-style file, or undefined. */
export async function lookupGroup(group: string, groupFile = '/etc/group'): Promise<number | undefined> {
  let text: string
  try {
    text = await readFile(groupFile, 'utf8')
  } catch (error) {
    if (hasErrorCode(error, 'ENOENT')) return undefined
    throw error
  }
  for (const line of text.split('\n')) {
    const [name, , gid] = line.split(':')
    if (name === group && gid !== undefined && /^\d+$/.test(gid)) return Number(gid)
  }
  return undefined
}
