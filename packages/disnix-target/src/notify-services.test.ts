import { writeSync } from 'node:fs'
import { chmod, mkdir, open, readFile, readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { describe, expect, test } from 'vitest'
import { testDir } from '@disnix-ts/test-utils'
import { notifyServices, type NotifiedService } from './notify-services.js'
import type { TargetContext } from './target-context.js'

/**
 * A module whose output would interleave if notifications shared the output unordered: it writes to
 * stdout and stderr in turns with pauses, refuses the lock of a component whose name starts with
 * "refuse", and records that it ran. With $RENDEZVOUS set, the first services wait (at most 20 s)
 * until that many notifications run at the same time and record whether they met.
 */
async function setup(count: number, refuse?: number) {
  const dir = await testDir('disnix-notify-')
  const modules = join(dir, 'modules')
  const ran = join(dir, 'ran')
  await mkdir(modules)
  await mkdir(ran)
  await writeFile(
    join(modules, 'chatty'),
    `#!/bin/bash
name="$(basename "$2")"
touch "${ran}/$1-$name"
if [ -n "$RENDEZVOUS" ]; then
  touch "${dir}/running-$name"
  for i in $(seq 200); do
    [ "$(ls "${dir}" | grep -c '^running-')" -ge "$RENDEZVOUS" ] && { touch "${dir}/met-$name"; break; }
    sleep 0.1
  done
fi
echo "out 1 $1 $name"
sleep 0.0$((RANDOM % 5))
echo "err 1 $1 $name" >&2
echo "out 2 $1 $name"
case "$name" in refuse*) [ "$1" = lock ] && { echo "refusing $name" >&2; exit 2; } ;; esac
exit 0
`,
  )
  await chmod(join(modules, 'chatty'), 0o755)
  const services: NotifiedService[] = []
  for (let i = 0; i < count; i++) {
    const pkg = join(dir, `${i === refuse ? 'refuse' : 'svc'}-${String(i).padStart(2, '0')}`)
    await writeFile(pkg, '')
    services.push({ pkg, type: 'chatty', container: 'box' })
  }
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: dir, DYSNOMIA_MODULES_PATH: modules, DYSNOMIA_STATEDIR: join(dir, 'state') }
  return { dir, ran, services, env }
}

/** A context writing everything, log lines included, into one file (as the daemon's job log). */
async function jobLogContext(dir: string, env: NodeJS.ProcessEnv, name: string) {
  const handle = await open(join(dir, name), 'ax')
  const ctx: TargetContext = {
    tmpdir: dir,
    profileDir: dir,
    hostname: 'test',
    env,
    stdout: handle.fd,
    stderr: handle.fd,
    log: (line) => void writeSync(handle.fd, `${line}\n`),
  }
  return { ctx, text: async () => readFile(join(dir, name), 'utf8'), close: () => handle.close() }
}

describe('notifyServices', () => {
  test('several at once write the same job log as one after the other, and leave no temp files', async () => {
    const { dir, services, env } = await setup(9)
    const logs: string[] = []
    for (const concurrency of [1, 4]) {
      const log = await jobLogContext(dir, env, `log-${concurrency}`)
      const outcomes = await notifyServices(log.ctx, 'lock', services, { announce: true, stopAtFailure: true, concurrency })
      await log.close()
      expect(outcomes.map((o) => [o.service.pkg, o.failed])).toEqual(services.map((s) => [s.pkg, undefined]))
      logs.push(await log.text())
    }
    const expected = services
      .map((s) => {
        const name = s.pkg.slice(dir.length + 1)
        return `Notifying lock on ${s.pkg}: of type: chatty in container: box\nout 1 lock ${name}\nerr 1 lock ${name}\nout 2 lock ${name}\n`
      })
      .join('')
    expect(logs[0]).toBe(expected)
    expect(logs[1]).toBe(expected)
    expect((await readdir(dir)).filter((entry) => entry.startsWith('disnix-notify-'))).toEqual([])
  })

  test('separate stdout and stderr keep each stream in service order', async () => {
    const { dir, services, env } = await setup(6)
    const out = await open(join(dir, 'out'), 'ax')
    const err = await open(join(dir, 'err'), 'ax')
    const ctx: TargetContext = { tmpdir: dir, profileDir: dir, hostname: 'test', env, stdout: out.fd, stderr: err.fd, log: (line) => void writeSync(err.fd, `${line}\n`) }
    await notifyServices(ctx, 'unlock', services, { announce: false, stopAtFailure: false, concurrency: 3 })
    await out.close()
    await err.close()
    const names = services.map((s) => s.pkg.slice(dir.length + 1))
    expect(await readFile(join(dir, 'out'), 'utf8')).toBe(names.map((n) => `out 1 unlock ${n}\nout 2 unlock ${n}\n`).join(''))
    expect(await readFile(join(dir, 'err'), 'utf8')).toBe(names.map((n) => `err 1 unlock ${n}\n`).join(''))
  })

  test('stdout and stderr streams (a --serve request) each get their own output in service order', async () => {
    const { dir, services, env } = await setup(6)
    const streams = { stdout: new PassThrough(), stderr: new PassThrough() }
    const text = { stdout: '', stderr: '' }
    streams.stdout.on('data', (chunk: Buffer) => (text.stdout += chunk.toString()))
    streams.stderr.on('data', (chunk: Buffer) => (text.stderr += chunk.toString()))
    const ctx: TargetContext = { tmpdir: dir, profileDir: dir, hostname: 'test', env, ...streams, log: (line) => void streams.stderr.write(`${line}\n`) }
    await notifyServices(ctx, 'lock', services, { announce: true, stopAtFailure: true, concurrency: 4 })
    const names = services.map((s) => s.pkg.slice(dir.length + 1))
    expect(text.stdout).toBe(names.map((n) => `out 1 lock ${n}\nout 2 lock ${n}\n`).join(''))
    expect(text.stderr).toBe(services.map((s, i) => `Notifying lock on ${s.pkg}: of type: chatty in container: box\nerr 1 lock ${names[i]}\n`).join(''))
    expect(streams.stdout.writableEnded).toBe(false)
    expect((await readdir(dir)).filter((entry) => entry.startsWith('disnix-notify-'))).toEqual([])
  })

  test('one stream for both keeps the interleaving of each module', async () => {
    const { dir, services, env } = await setup(5)
    const stream = new PassThrough()
    let text = ''
    stream.on('data', (chunk: Buffer) => (text += chunk.toString()))
    const ctx: TargetContext = { tmpdir: dir, profileDir: dir, hostname: 'test', env, stdout: stream, stderr: stream, log: () => {} }
    await notifyServices(ctx, 'unlock', services, { announce: false, stopAtFailure: false, concurrency: 3 })
    const names = services.map((s) => s.pkg.slice(dir.length + 1))
    expect(text).toBe(names.map((n) => `out 1 unlock ${n}\nerr 1 unlock ${n}\nout 2 unlock ${n}\n`).join(''))
  })

  test('notifications really run at the same time', async () => {
    const { dir, services, env } = await setup(3)
    const log = await jobLogContext(dir, { ...env, RENDEZVOUS: '3' }, 'log')
    await notifyServices(log.ctx, 'lock', services, { announce: false, stopAtFailure: false, concurrency: 3 })
    await log.close()
    // Each of the three waited until all three were running.
    expect((await readdir(dir)).filter((entry) => entry.startsWith('met-')).sort()).toEqual(['met-svc-00', 'met-svc-01', 'met-svc-02'])
  }, 60_000)

  test('a refusal stops further notifications; its message comes right after its output', async () => {
    const { dir, ran, services, env } = await setup(12, 2)
    const log = await jobLogContext(dir, env, 'log')
    const outcomes = await notifyServices(log.ctx, 'lock', services, {
      announce: true,
      stopAtFailure: true,
      concurrency: 4,
      onFailure: (service) => log.ctx.log(`refused by ${service.pkg}`),
    })
    await log.close()
    expect(outcomes[2]?.failed).toMatchObject({ code: 'COMMAND_FAILED', exitStatus: 2 })
    // The three already running alongside the refusing one finish; nothing is started after it.
    expect(outcomes.map((o) => o.service)).toEqual(services.slice(0, outcomes.length))
    expect(outcomes.length).toBeLessThanOrEqual(2 + 4)
    expect((await readdir(ran)).length).toBe(outcomes.length)
    const text = await log.text()
    expect(text).toContain(
      `out 2 lock refuse-02\nrefusing refuse-02\nERROR: Module: ${join(dir, 'modules', 'chatty')} failed to execute operation: lock on component: ${services[2]?.pkg} (exit status 2)\nrefused by ${services[2]?.pkg}\n`,
    )
  })
})

/**
 * A module that batches lock and unlock (# dysnomia-batch): it records each run, then for each
 * component on stdin prints its marker and its output; it refuses the lock of a component whose name
 * starts with "refuse" (ending the run there).
 */
async function batchSetup(names: string[]) {
  const dir = await testDir('disnix-notify-batch-')
  const modules = join(dir, 'modules')
  await mkdir(modules)
  await writeFile(
    join(modules, 'batcher'),
    `#!/bin/bash
# dysnomia-batch: lock unlock
echo "$*" >> "${dir}/runs"
one() {
  echo "$1 of $(basename "$2") in $3"
  case "$(basename "$2")" in refuse*) [ "$1" = lock ] && { echo "refusing $(basename "$2")" >&2; exit 3; } ;; esac
  return 0
}
if [ "$2" = --batch ]; then
  while IFS= read -r c; do echo "dysnomia-batch: $c"; one "$1" "$c" "$3"; done
else
  one "$@"
fi
`,
  )
  await chmod(join(modules, 'batcher'), 0o755)
  const services: NotifiedService[] = []
  for (const name of names) {
    const [type, base] = name.includes(':') ? (name.split(':') as [string, string]) : ['batcher', name]
    const pkg = join(dir, base)
    await writeFile(pkg, '')
    services.push({ pkg, type, container: 'box' })
  }
  // The chatty module of the tests above, for a service of another type between batched ones.
  await writeFile(join(modules, 'chatty'), '#!/bin/sh\necho "chatty $1 $(basename "$2")"\n')
  await chmod(join(modules, 'chatty'), 0o755)
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: dir, DYSNOMIA_MODULES_PATH: modules, DYSNOMIA_STATEDIR: join(dir, 'state') }
  const runs = async () => (await readFile(join(dir, 'runs'), 'utf8').catch(() => '')).split('\n').filter(Boolean)
  return { dir, services, env, runs }
}

describe('notifyServices with a module that batches the operation', () => {
  test.each([1, 4])('one run notifies them all (concurrency %i); each announcement comes right before its own output', async (concurrency) => {
    const { dir, services, env, runs } = await batchSetup(['a', 'b', 'c', 'd', 'e'])
    const log = await jobLogContext(dir, env, 'log')
    const outcomes = await notifyServices(log.ctx, 'lock', services, { announce: true, stopAtFailure: true, concurrency })
    await log.close()
    expect(outcomes.map((o) => [o.service.pkg, o.failed])).toEqual(services.map((s) => [s.pkg, undefined]))
    expect(await runs()).toEqual(['lock --batch box'])
    expect(await log.text()).toBe(services.map((s) => `Notifying lock on ${s.pkg}: of type: batcher in container: box\nlock of ${s.pkg.slice(dir.length + 1)} in box\n`).join(''))
  })

  test('a refused lock ends the batch at that service: it fails with the module error, the ones after it are not notified', async () => {
    const { dir, services, env, runs } = await batchSetup(['a', 'b', 'refuse-c', 'd', 'e'])
    const log = await jobLogContext(dir, env, 'log')
    const outcomes = await notifyServices(log.ctx, 'lock', services, {
      announce: true,
      stopAtFailure: true,
      onFailure: (service) => log.ctx.log(`refused by ${service.pkg}`),
    })
    await log.close()
    expect(outcomes.map((o) => o.service.pkg)).toEqual(services.slice(0, 3).map((s) => s.pkg))
    expect(outcomes.map((o) => o.failed === undefined)).toEqual([true, true, false])
    expect(outcomes[2]?.failed).toMatchObject({ code: 'COMMAND_FAILED', exitStatus: 3 })
    expect(await runs()).toEqual(['lock --batch box'])
    const text = await log.text()
    expect(text).toContain(
      `Notifying lock on ${services[2]?.pkg}: of type: batcher in container: box\nlock of refuse-c in box\nrefusing refuse-c\nERROR: Module: ${join(dir, 'modules', 'batcher')} failed to execute operation: lock on component: ${services[2]?.pkg} (exit status 3)\nrefused by ${services[2]?.pkg}\n`,
    )
    expect(text).not.toContain(services[3]!.pkg)
  })

  test('a batching module that cannot be started fails the first service, as a module called alone would', async () => {
    const { dir, services, env, runs } = await batchSetup(['a', 'b', 'c'])
    // Executable, declares batching, but its interpreter is missing: spawning it fails.
    const module = join(dir, 'modules', 'batcher')
    await writeFile(module, (await readFile(module, 'utf8')).replace('#!/bin/bash', '#!/nonexistent/bash'))
    const log = await jobLogContext(dir, env, 'log')
    const outcomes = await notifyServices(log.ctx, 'lock', services, { announce: true, stopAtFailure: true })
    await log.close()
    expect(outcomes).toHaveLength(1)
    expect(outcomes[0]?.failed).toMatchObject({ code: 'COMMAND_FAILED', exitStatus: 1 })
    expect(await runs()).toEqual([])
    expect(await log.text()).toBe(`Notifying lock on ${services[0]?.pkg}: of type: batcher in container: box\nCannot execute module: ${module}: spawn ${module} ENOENT\n`)
  })

  test('only consecutive services of one module and container share a run; a lone one is called as always', async () => {
    const { services, env, runs, dir } = await batchSetup(['a', 'b', 'chatty:x', 'c', 'd', 'chatty:y', 'e'])
    const log = await jobLogContext(dir, env, 'log')
    const outcomes = await notifyServices(log.ctx, 'unlock', services, { announce: false, stopAtFailure: false })
    await log.close()
    expect(outcomes.every((o) => o.failed === undefined)).toBe(true)
    expect(await runs()).toEqual(['unlock --batch box', 'unlock --batch box', `unlock ${services[6]?.pkg} box`])
    expect(await log.text()).toBe('unlock of a in box\nunlock of b in box\nchatty unlock x\nunlock of c in box\nunlock of d in box\nchatty unlock y\nunlock of e in box\n')
  })
})
