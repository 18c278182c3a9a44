import { parseToolArgv, toolArgv, toolOptions, type ToolDefinition } from '@disnix-ts/libmain'
import { describe, expect, test } from 'vitest'
import { disnixDelegate } from '../tools/disnix-delegate.js'
import { disnixDeploy } from '../tools/disnix-deploy.js'
import { disnixManifest } from '../tools/disnix-manifest.js'
import type { DisnixEnvOptions } from './env-options.js'
import { delegateStep, deployStep, manifestStep, repairStep } from './run-env.js'
import { disnixActivate } from '../tools/disnix-activate.js'

const defaults: DisnixEnvOptions = {
  targetProperty: 'hostname',
  interface: 'disnix-ssh-client',
  profile: 'default',
  maxConcurrentTransfers: 2,
  upgrade: true,
  lock: true,
  coordinatorProfile: true,
  targetProfiles: true,
  migration: true,
  keep: 1,
  healthChecks: true,
}

const everything: DisnixEnvOptions = {
  services: '/m/services.nix',
  infrastructure: '/m/infrastructure.nix',
  distribution: '/m/distribution.nix',
  packages: '/m/packages.nix',
  extraParams: '{ a = "b c"; }',
  targetProperty: 'sshTarget',
  interface: '/opt/my interface',
  profile: 'prod',
  maxConcurrentTransfers: 5,
  upgrade: false,
  lock: false,
  coordinatorProfile: false,
  targetProfiles: false,
  migration: false,
  depthFirst: true,
  keep: 3,
  showTrace: true,
  dryRun: true,
  verbose: true,
  logFormat: 'json',
  coordinatorProfilePath: '/var/coord',
  healthCheckTimeout: 12,
  healthChecks: false,
}

/**
 * Parses the argv built for `tool` and returns, for each option the step handed over, what the tool
 * sees (a plain flag that is off is absent from the command line: `false` and `undefined` agree).
 */
async function handedOver(tool: ToolDefinition, step: object, args: unknown[]): Promise<{ opts: Record<string, unknown>; args: unknown[] }> {
  const parsed = await parseToolArgv(tool, toolArgv(tool, step as never, args as never))
  const seen = parsed.opts as Record<string, unknown>
  const opts: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(step)) {
    if (value === undefined) continue
    const option = toolOptions(tool).find((o) => o.attributeName() === key)!
    opts[key] = option.isBoolean() && !option.negate ? seen[key] === true : seen[key]
  }
  return { opts, args: parsed.args }
}

function expected(step: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(step).filter(([, value]) => value !== undefined))
}

describe('disnix-env hands its options to the steps through their own definitions', () => {
  test.each([
    ['defaults', defaults, { deployState: false, deleteState: false }],
    ['every option', everything, { deployState: true, deleteState: true }],
  ])('disnix-manifest, disnix-deploy and disnix-delegate parse back what disnix-env decided (%s)', async (_, opts, flags) => {
    const manifest = manifestStep(opts, flags)
    expect(await handedOver(disnixManifest, manifest, [])).toEqual({ opts: expected(manifest), args: [] })
    const deploy = deployStep(opts, flags, '/nix/var/nix/profiles/per-user/root/disnix-coordinator/default-3-link')
    expect(await handedOver(disnixDeploy, deploy, ['/nix/store/x-manifest.xml'])).toEqual({ opts: expected(deploy), args: ['/nix/store/x-manifest.xml'] })
    const repair = repairStep(opts)
    expect(await handedOver(disnixActivate, repair, ['/nix/store/x-manifest.xml'])).toEqual({ opts: expected(repair), args: ['/nix/store/x-manifest.xml'] })
    const delegate = delegateStep(opts)
    expect(await handedOver(disnixDelegate, delegate, [])).toEqual({ opts: expected(delegate), args: [] })
  })

  test('model files become absolute paths, so the steps need not share our working directory', () => {
    const step = manifestStep({ ...defaults, services: 'services.nix', infrastructure: './i.nix', distribution: '../d.nix' }, { deployState: false, deleteState: false })
    for (const file of [step.services, step.infrastructure, step.distribution]) expect(file).toMatch(/^\//)
  })
})
