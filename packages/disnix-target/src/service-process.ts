import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { execa, type ResultPromise } from 'execa'
import { installRoot } from '@disnix-ts/libmain'

export interface ServiceProcess {
  socket: string
  logDir: string
  output: () => string
  stop: () => Promise<void>
}

/** Starts bin/disnix-service in the foreground for a test and waits until its socket exists. */
export async function startServiceProcess(options: { socket: string; logDir: string; env: NodeJS.ProcessEnv; args?: string[] }): Promise<ServiceProcess> {
  let output = ''
  const child: ResultPromise = execa(
    join(installRoot(), 'bin', 'disnix-service'),
    ['--socket', options.socket, '--log-dir', options.logDir, ...(options.args ?? [])],
    { env: options.env, reject: false, stdin: 'ignore', all: true },
  )
  child.all?.on('data', (chunk: Buffer) => {
    output += String(chunk)
  })
  const deadline = Date.now() + 30_000
  while (!output.includes('The Disnix service is running!')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill()
      throw new Error(`disnix-service did not start:\n${output}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  if (!existsSync(options.socket)) throw new Error(`disnix-service runs but ${options.socket} is missing`)
  return {
    socket: options.socket,
    logDir: options.logDir,
    output: () => output,
    stop: async () => {
      child.kill('SIGTERM')
      await child
    },
  }
}
