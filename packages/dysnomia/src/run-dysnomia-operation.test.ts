import { chmod, mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { describe, expect, test } from 'vitest'
import { DisnixError } from '@disnix-ts/libmain'
import { testDir } from '@disnix-ts/test-utils'
import { runDysnomiaOperation } from './run-dysnomia-operation.js'

function collect(stream: PassThrough): () => string {
  const chunks: Buffer[] = []
  stream.on('data', (chunk: Buffer) => chunks.push(chunk))
  return () => Buffer.concat(chunks).toString('utf8')
}

async function setup() {
  const dir = await testDir('dysnomia-run-')
  await mkdir(join(dir, 'modules'))
  await writeFile(join(dir, 'modules', 'show'), '#!/bin/bash\necho "$1|$2|$3|$prop|$DYSNOMIA_STATEDIR"\necho "to stderr" >&2\nexit "${status:-0}"\n')
  await chmod(join(dir, 'modules', 'show'), 0o755)
  await mkdir(join(dir, 'containers'))
  await writeFile(join(dir, 'containers', 'box'), 'type=show\nprop="from file"\nstatus=6\n')
  const base = {
    component: dir,
    env: { PATH: process.env.PATH, prop: 'from env' },
    stateDir: join(dir, 'state'),
    containersPath: [join(dir, 'containers')],
    componentsPath: [],
    modulesPath: [join(dir, 'modules')],
    builtinModulesDir: join(dir, 'no-bundled'),
  }
  return { dir, base }
}

describe('runDysnomiaOperation', () => {
  test('runs the module in-process for the target side and returns its exit status', async () => {
    const { dir, base } = await setup()
    const stdout = new PassThrough()
    const stderr = new PassThrough()
    const out = collect(stdout)
    const err = collect(stderr)
    const status = await runDysnomiaOperation({ ...base, operation: 'activate', type: 'show', environment: true, container: 'c1', stdout, stderr })
    expect(status).toBe(0)
    expect(out()).toBe(`activate|${dir}|c1|from env|${join(dir, 'state')}\n`)
    expect(err()).toBe('to stderr\n')
  })

  test('a caller stream stays open, gets all of a large output before the call returns, and takes the next call', async () => {
    const { dir, base } = await setup()
    await writeFile(join(dir, 'modules', 'big'), '#!/bin/bash\nhead -c 300000 /dev/zero | tr "\\0" x\necho " $1"\n')
    await chmod(join(dir, 'modules', 'big'), 0o755)
    const stdout = new PassThrough()
    const out = collect(stdout)
    expect(await runDysnomiaOperation({ ...base, operation: 'lock', type: 'big', environment: true, container: 'c1', stdout, stderr: 'ignore' })).toBe(0)
    expect(out()).toBe(`${'x'.repeat(300000)} lock\n`)
    expect(stdout.writableEnded).toBe(false)
    expect(await runDysnomiaOperation({ ...base, operation: 'unlock', type: 'big', environment: true, container: 'c1', stdout, stderr: 'ignore' })).toBe(0)
    expect(out()).toBe(`${'x'.repeat(300000)} lock\n${'x'.repeat(300000)} unlock\n`)
  })

  test('in container-file mode the file properties are used and a failure is a status, not an exception', async () => {
    const { dir, base } = await setup()
    const stdout = new PassThrough()
    const out = collect(stdout)
    const status = await runDysnomiaOperation({ ...base, operation: 'snapshot', container: 'box', stdout, stderr: 'ignore' })
    expect(status).toBe(6)
    expect(out()).toBe(`snapshot|${dir}|box|from file|${join(dir, 'state')}\n`)
  })

  test('resolution problems are DisnixErrors and nothing runs', async () => {
    const { base } = await setup()
    const error = await runDysnomiaOperation({ ...base, operation: 'activate', container: 'missing' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DisnixError)
    expect((error as DisnixError).code).toBe('CONTAINER_NOT_FOUND')
  })
})
