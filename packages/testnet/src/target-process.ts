import { readdir, readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { hasErrorCode } from '@disnix-ts/libmain'

/**
 * The process that owns a target: the `unshare` process (host PID) whose child is the target's PID 1.
 * The start time guards against PID reuse: we only ever signal a process that is still the one we
 * started (testnet.md pitfall 22).
 */
export interface InitRecord {
  pid: number
  startTime: string
}

export async function readInitRecord(file: string): Promise<InitRecord | undefined> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    if (hasErrorCode(error, 'ENOENT')) return undefined
    throw error
  }
  const [pid, startTime] = text.trim().split(/\s+/)
  if (!pid || !/^\d+$/.test(pid) || !startTime) return undefined
  return { pid: Number(pid), startTime }
}

export async function writeInitRecord(file: string, record: InitRecord): Promise<void> {
  await writeFile(file, `${record.pid} ${record.startTime}\n`)
}

interface ProcStat {
  comm: string
  state: string
  startTime: string
}

/** Fields of /proc/PID/stat we need, or undefined when the process is gone. */
export async function procStat(pid: number): Promise<ProcStat | undefined> {
  let text: string
  try {
    text = await readFile(`/proc/${pid}/stat`, 'utf8')
  } catch (error) {
    if (hasErrorCode(error, 'ENOENT') || hasErrorCode(error, 'ESRCH')) return undefined
    throw error
  }
  // comm may contain spaces and parentheses; it ends at the last ')'.
  const close = text.lastIndexOf(')')
  const comm = text.slice(text.indexOf('(') + 1, close)
  const fields = text.slice(close + 2).split(' ')
  // fields[0] is field 3 (state); field 22 (starttime) is fields[19].
  return { comm, state: fields[0] ?? '?', startTime: fields[19] ?? '' }
}

/** The start time of a live process, for a new InitRecord. */
export async function processStartTime(pid: number): Promise<string | undefined> {
  return (await procStat(pid))?.startTime
}

/**
 * True while the recorded process is still our live `unshare` (not a zombie, not a reused PID). Right
 * after the spawn it may still be `nsenter`, which execs `unshare` once it has joined the netns.
 */
export async function isOurInit(record: InitRecord | undefined): Promise<boolean> {
  if (!record) return false
  const st = await procStat(record.pid)
  return st !== undefined && (st.comm === 'unshare' || st.comm === 'nsenter') && st.startTime === record.startTime && st.state !== 'Z'
}

/** Host PID of the target's PID 1 (the only child of `unshare --fork`), if it is running. */
export async function targetPid1(record: InitRecord): Promise<number | undefined> {
  if (!(await isOurInit(record))) return undefined
  let text: string
  try {
    text = await readFile(`/proc/${record.pid}/task/${record.pid}/children`, 'utf8')
  } catch (error) {
    if (hasErrorCode(error, 'ENOENT')) return undefined
    throw error
  }
  const first = text.trim().split(/\s+/)[0]
  return first ? Number(first) : undefined
}

/** Resolves once the process is gone or a zombie (its parent may reap it lazily: pitfall 12). */
export async function waitForDeath(pid: number, startTime: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const st = await procStat(pid)
    if (st === undefined || st.startTime !== startTime || st.state === 'Z' || st.state === 'X') return true
    if (Date.now() > deadline) return false
    await delay(5)
  }
}

/**
 * Host PIDs of the live processes in the given network namespaces (what `ip netns pids` prints,
 * without one `ip` process per namespace). Zombies are skipped, as `ip netns pids` does.
 */
export async function pidsInNetns(netnsFiles: readonly string[]): Promise<number[]> {
  const wanted = new Set<string>()
  for (const file of netnsFiles) {
    try {
      const st = await stat(file)
      wanted.add(`${st.dev}:${st.ino}`)
    } catch (error) {
      if (!hasErrorCode(error, 'ENOENT')) throw error
    }
  }
  if (wanted.size === 0) return []
  const pids: number[] = []
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const st = await stat(join('/proc', entry, 'ns', 'net'))
      if (!wanted.has(`${st.dev}:${st.ino}`)) continue
      const ps = await procStat(Number(entry))
      if (ps && ps.state !== 'Z') pids.push(Number(entry))
    } catch (error) {
      // The process ended while we looked, or is a kernel thread we may not inspect.
      if (!hasErrorCode(error, 'ENOENT') && !hasErrorCode(error, 'EACCES')) throw error
    }
  }
  return pids
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
