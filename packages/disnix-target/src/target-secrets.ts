import { randomBytes } from 'node:crypto'
import { chmod, mkdir, open, readFile, rename, rm, rmdir } from 'node:fs/promises'
import { homedir } from 'node:os'
import { dirname, join } from 'node:path'
import type { Readable } from 'node:stream'
import type { InterfaceRequest, RequestOf, SecretRef } from '@disnix-ts/libinterface'
import { DisnixError, hasErrorCode } from '@disnix-ts/libmain'
import { requestProfile } from './execute-target-request.js'
import type { TargetContext } from './target-context.js'

/**
 * Where the secrets of this machine's services live: DISNIX_SECRETS_DIR, else /var/lib/disnix/secrets
 * for root and ~/.disnix/secrets for other users.
 */
export function secretsDir(env: NodeJS.ProcessEnv): string {
  const configured = env.DISNIX_SECRETS_DIR
  if (configured !== undefined && configured !== '') return configured
  return process.getuid?.() === 0 ? '/var/lib/disnix/secrets' : join(homedir(), '.disnix', 'secrets')
}

/** `<secrets dir>/<profile>/<container>/<service key>`: the secrets of one service mapping. */
export function serviceSecretsDir(ctx: Pick<TargetContext, 'env'>, ref: SecretRef): string {
  return join(secretsDir(ctx.env), requestProfile(ref.profile, ctx.env), ref.container, ref.service)
}

/**
 * Writes one secret (put-secret): atomically (a temp file in the same directory, renamed over the old
 * one), mode 0600, owned by the request's owner and group; the directories above it are 0711, so the
 * owner can reach the file without anyone listing what is there. Returns the file's path. The content
 * comes from the request (base64) or from the file it names on this machine.
 */
export async function putSecret(ctx: Pick<TargetContext, 'env'>, request: RequestOf<'put-secret'>): Promise<string> {
  const content = await secretContent(request)
  const { uid, gid } = await secretOwner(ctx, request)
  const dir = serviceSecretsDir(ctx, request)
  await makeDirs(secretsDir(ctx.env), dir)
  const path = join(dir, request.secret)
  const temp = join(dir, `.${request.secret}.${randomBytes(6).toString('hex')}`)
  const handle = await open(temp, 'wx', 0o600)
  try {
    await handle.chmod(0o600)
    await handle.chown(uid, gid)
    await handle.writeFile(content)
    await handle.sync()
    await handle.close()
    await rename(temp, path)
  } catch (error) {
    await handle.close().catch(() => undefined)
    await rm(temp, { force: true })
    throw error
  }
  return path
}

/** Removes the secrets of one service mapping (remove-secrets), and the directories it leaves empty. */
export async function removeSecrets(ctx: Pick<TargetContext, 'env'>, request: RequestOf<'remove-secrets'>): Promise<void> {
  const root = secretsDir(ctx.env)
  const dir = serviceSecretsDir(ctx, request)
  await rm(dir, { recursive: true, force: true })
  for (let parent = dirname(dir); parent.startsWith(`${root}/`); parent = dirname(parent)) {
    try {
      await rmdir(parent)
    } catch (error) {
      if (hasErrorCode(error, 'ENOTEMPTY') || hasErrorCode(error, 'EEXIST') || hasErrorCode(error, 'ENOENT')) break
      throw error
    }
  }
}

/**
 * A put-secret request with its content in it (base64): read from the file it names, or from `stdin`
 * when it names none (what a transport sends). Other requests are returned as they are.
 */
export async function withSecretContent<R extends InterfaceRequest>(request: R, stdin: Readable): Promise<R> {
  if (request.op !== 'put-secret' || request.content !== undefined) return request
  const { file: _file, ...rest } = request
  const content = request.file === undefined ? await readAll(stdin) : await readFile(request.file)
  return { ...rest, content: content.toString('base64') } as R
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)))
  return Buffer.concat(chunks)
}

async function secretContent(request: RequestOf<'put-secret'>): Promise<Buffer> {
  if (request.content !== undefined) return Buffer.from(request.content, 'base64')
  if (request.file !== undefined) return readFile(request.file)
  throw new DisnixError('INVALID_REQUEST', `Invalid request: the secret ${request.secret} of service ${request.service} has no content`)
}

/** The uid and gid of the request's owner and group (default: the executing user; the owner's group). */
async function secretOwner(ctx: Pick<TargetContext, 'env'>, request: RequestOf<'put-secret'>): Promise<{ uid: number; gid: number }> {
  const self = { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 }
  const user = request.owner === undefined ? undefined : await getent(ctx, 'passwd', request.owner, request)
  const uid = user === undefined ? self.uid : Number(user[2])
  let gid = user === undefined ? self.gid : Number(user[3])
  if (request.group !== undefined) gid = Number((await getent(ctx, 'group', request.group, request))[2])
  return { uid, gid }
}

/** One entry of the user or group database, split at `:`; an unknown name is a clear error. */
async function getent(ctx: Pick<TargetContext, 'env'>, database: 'passwd' | 'group', name: string, request: RequestOf<'put-secret'>): Promise<string[]> {
  const { execa } = await import('execa')
  const result = await execa('getent', [database, name], { env: ctx.env, extendEnv: false, reject: false, stdin: 'ignore' })
  const fields = String(result.stdout).split('\n')[0]?.split(':') ?? []
  if (result.exitCode !== 0 || fields.length < 3 || !/^\d+$/.test(fields[2] ?? '')) {
    const what = database === 'passwd' ? 'user' : 'group'
    throw new DisnixError('SECRET_OWNER_UNKNOWN', `cannot write secret ${request.secret} of service ${request.service}: the ${what} ${JSON.stringify(name)} does not exist on this machine`, {
      hint: `create the ${what} on the target (e.g. in a service that runs before it), or change the secret's ${database === 'passwd' ? 'owner' : 'group'} in the services model`,
    })
  }
  return fields
}

/** The directories from `root` down to `dir`, each root-owned 0711 (created if missing, tightened if not). */
async function makeDirs(root: string, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o711 })
  for (let path = dir; path === root || path.startsWith(`${root}/`); path = dirname(path)) {
    await chmod(path, 0o711)
    if (path === root) break
  }
}
