import { mkdir, open, readdir, type FileHandle } from 'node:fs/promises'
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

/** Creates `<logDir>/<id>` exclusively (mode 0644), creating the log dir (0755) if needed. */
export async function openJobLog(logDir: string, jobId: number): Promise<FileHandle> {
  await mkdir(logDir, { recursive: true, mode: 0o755 })
  // Append mode: the children write through the same descriptor as the service's own lines.
  return open(join(logDir, String(jobId)), 'ax', 0o644)
}

/** As C's atoi: the leading decimal digits, 0 when there are none. */
function leadingNumber(name: string): number {
  const match = /^\s*[+-]?\d+/.exec(name)
  return match ? Math.max(0, Number.parseInt(match[0], 10)) : 0
}
