import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'

/**
 * Runs `fn` while sampling the argv of every process on the machine; returns the argvs that contain
 * `secret` (there must be none). Together with the recorded argvs of the clients (recordingWrappers)
 * this shows that credentials never reach a command line.
 */
export async function argvLeaks<T>(secret: string, fn: () => Promise<T>): Promise<{ result: T; leaks: string[] }> {
  const leaks = new Set<string>()
  let running = true
  const sampler = (async () => {
    while (running) {
      const pids = await readdir('/proc').catch(() => [] as string[])
      for (const pid of pids) {
        if (!/^\d+$/.test(pid)) continue
        const cmdline = await readFile(join('/proc', pid, 'cmdline'), 'utf8').catch(() => '')
        if (cmdline.includes(secret)) leaks.add(cmdline.split('\0').join(' '))
      }
      await new Promise((resolve) => setTimeout(resolve, 2))
    }
  })()
  try {
    const result = await fn()
    return { result, leaks: [...leaks] }
  } finally {
    running = false
    await sampler
  }
}
