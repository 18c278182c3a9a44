import { chmod, chown, mkdir, open, readdir, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import { hasErrorCode } from '@disnix-ts/libmain'

/**
 * The first job id of a service run (spec §4.3): 0 when the log dir cannot be read (absent), else
 * the largest entry name read as a number (non-numbers count as 0) plus one, so numbering continues
 * after a restart and an existing empty dir starts at 1 (as the original, which counts `.`/`..`).
 */
export async function firstJobId(logDir: string): Promise<number> {
  let entries: string[]
  try {
    entries = await readdir(logDir)
  } catch (error) {
    if (hasErrorCode(error, 'ENOENT') || hasErrorCode(error, 'ENOTDIR') || hasErrorCode(error, 'EACCES')) return 0
    throw error
  }
  return Math.max(0, ...entries.map(leadingNumber)) + 1
}

/**
 * Creates `<logDir>/<id>` exclusively with mode 0640 (owner and `gid`, the service's group, when
 * given), in a log dir of mode 0750 (created if needed, tightened if it exists): job logs name
 * services, containers and their properties, so other local users may not read them.
 */
export async function openJobLog(logDir: string, jobId: number, gid?: number): Promise<FileHandle> {
  await mkdir(logDir, { recursive: true, mode: 0o750 })
  await restrictLogDir(logDir, gid)
  // Append mode: the children write through the same descriptor as the service's own lines.
  const handle = await open(join(logDir, String(jobId)), 'ax', 0o640)
  try {
    if (gid !== undefined) await handle.chown(process.getuid?.() ?? 0, gid)
    await handle.chmod(0o640)
  } catch (error) {
    await handle.close()
    throw error
  }
  return handle
}

/**
 * The log dir readable by its owner and the service's group only. A dir the service does not own
 * (EPERM) is left as its owner set it up.
 */
async function restrictLogDir(logDir: string, gid: number | undefined): Promise<void> {
  try {
    if (gid !== undefined) await chown(logDir, process.getuid?.() ?? 0, gid)
    await chmod(logDir, 0o750)
  } catch (error) {
    if (!hasErrorCode(error, 'EPERM')) throw error
  }
}

/** As C's atoi: the leading decimal digits, 0 when there are none. */
function leadingNumber(name: string): number {
  const match = /^\s*[+-]?\d+/.exec(name)
  return match ? Math.max(0, Number.parseInt(match[0], 10)) : 0
}
