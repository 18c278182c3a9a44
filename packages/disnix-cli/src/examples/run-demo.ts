import { execa } from 'execa'
import { installRoot } from '@disnix-ts/libmain'

/** Runs `bash scripts/demo` as the README says, with the given settings. */
export async function runDemo(env: NodeJS.ProcessEnv): Promise<{ exitCode: number; stdout: string; all: string }> {
  const clean: NodeJS.ProcessEnv = { ...process.env }
  for (const name of ['SSH_OPTS', 'DISNIX_PROFILE', 'TESTNET_DIR', 'TESTNET_NET', 'TESTNET_BRIDGE', 'TESTNET_NSPREFIX']) delete clean[name]
  const result = await execa('bash', ['scripts/demo'], {
    cwd: installRoot(),
    env: { ...clean, ...env },
    extendEnv: false,
    reject: false,
    all: true,
    stdin: 'ignore',
    stripFinalNewline: false,
    timeout: 600_000,
  })
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), all: String(result.all) }
}
