import { realpath } from 'node:fs/promises'
import { hostname } from 'node:os'
import { PassThrough, Writable } from 'node:stream'
import { findTargetKey, parseInfrastructureNixXml, type Target } from '@disnix-ts/libinfrastructure'
import { DEFAULT_CLIENT_INTERFACE, DEFAULT_TARGET_PROPERTY, runToolInProcess } from '@disnix-ts/libmain'
import { readManifest, type Manifest } from '@disnix-ts/libmanifest'
import { coordinatorInterfaces } from './client-interfaces.js'
import { normalizeInfraArgv } from './load-infrastructure.js'

/**
 * What disnix-env tells the deploy step it starts ahead (ARGV_ON_STDIN's `{"prepare": ...}`), while
 * the manifest is still being built: where the targets of the coming deployment can be found.
 */
export interface DeployHint {
  /** The coordinator profile's newest manifest: its targets are those of the previous configuration. */
  previousManifest?: string
  /** The infrastructure model, for a profile that has no previous manifest (a first deployment). */
  infrastructure?: string
  /** --target-property and --interface of disnix-env, as the manifest is built with them. */
  targetProperty?: string
  interface?: string
}

/** The hint, when it is one (anything else is ignored: a preparation is only ever a guess). */
export function deployHint(value: unknown): DeployHint | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined
  const hint: DeployHint = {}
  for (const key of ['previousManifest', 'infrastructure', 'targetProperty', 'interface'] as const) {
    const field = (value as Record<string, unknown>)[key]
    if (field === undefined) continue
    if (typeof field !== 'string' || field === '') return undefined
    hint[key] = field
  }
  return hint.previousManifest !== undefined || hint.infrastructure !== undefined ? hint : undefined
}

/**
 * Manifests read while the deploy step waited for its command line, by real path: the run takes
 * them from here instead of reading them again (a redeployment's previous manifest, which is often
 * the new one too).
 */
export const manifestsReadAhead = new Map<string, Promise<Manifest>>()

/**
 * Connects to the targets of the coming deployment while its manifest is built (the targets of the
 * previous manifest, else of the infrastructure model): each target's client interface gets ready
 * (the built-in disnix-ssh-client starts its connection-sharing master and the remote --serve
 * session), so the first call does not wait for a cold connection. Best effort and silent: a target
 * that cannot be reached now is reported by the deployment's own calls.
 */
export async function prepareDeployment(hint: DeployHint, env: NodeJS.ProcessEnv, signal: AbortSignal): Promise<void> {
  const targets = await targetsOf(hint, env, signal)
  if (signal.aborted) return
  const interfaces = coordinatorInterfaces(env)
  await Promise.allSettled(
    targets.map(async (target) => {
      const key = findTargetKey(target)
      if (key !== undefined) await interfaces(target.clientInterface).prepare?.(key)
    }),
  )
}

async function targetsOf(hint: DeployHint, env: NodeJS.ProcessEnv, signal: AbortSignal): Promise<Target[]> {
  if (hint.previousManifest !== undefined) {
    const path = await realpath(hint.previousManifest)
    let manifest = manifestsReadAhead.get(path)
    if (manifest === undefined) {
      manifest = readManifest(path, { defaultTarget: hostname() })
      manifest.catch(() => undefined)
      manifestsReadAhead.set(path, manifest)
    }
    return Object.values((await manifest).infrastructure)
  }
  if (hint.infrastructure === undefined) return []
  // The evaluation disnix-manifest makes of the model, in this process (no Node start).
  const { disnixNormalizeInfra } = await import('../tools/disnix-normalize-infra.js')
  const defaults = { targetProperty: hint.targetProperty ?? DEFAULT_TARGET_PROPERTY, clientInterface: hint.interface ?? DEFAULT_CLIENT_INTERFACE }
  const stdout = new PassThrough()
  const chunks: Buffer[] = []
  stdout.on('data', (chunk: Buffer) => chunks.push(chunk))
  const discard = new Writable({ write: (_chunk, _encoding, callback) => callback() })
  const status = await runToolInProcess(disnixNormalizeInfra, normalizeInfraArgv(hint.infrastructure, defaults), { stdout, stderr: discard, env, signal })
  if (status !== 0) return []
  return Object.values(parseInfrastructureNixXml(Buffer.concat(chunks).toString('utf8'), { ...defaults, source: hint.infrastructure }))
}
