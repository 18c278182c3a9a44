import { parseToolArgv, toolArgv, type ToolDefinition } from '@disnix-ts/libmain'
import { describe, expect, test } from 'vitest'
import { disnixCaptureManifest } from '../tools/disnix-capture-manifest.js'
import { disnixCompareManifest } from '../tools/disnix-compare-manifest.js'
import { disnixManifest } from '../tools/disnix-manifest.js'
import { disnixSet } from '../tools/disnix-set.js'
import { buildStep, captureStep, compareStep, setStep, type ReconstructOptions } from './run-reconstruct.js'

/** What the step's tool parses from the command line built for it, for each option the step set. */
async function handedOver(tool: ToolDefinition, step: { opts: object; args: unknown[] }) {
  const parsed = await parseToolArgv(tool, toolArgv(tool, step.opts as never, step.args as never))
  const seen = parsed.opts as Record<string, unknown>
  const opts: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(step.opts)) {
    if (value === undefined) continue
    const option = tool.options.find((o) => o.attributeName() === key)!
    opts[key] = option.isBoolean() && !option.negate ? seen[key] === true : seen[key]
  }
  return { opts, args: parsed.args }
}

function expected(step: { opts: object; args: unknown[] }) {
  return { opts: Object.fromEntries(Object.entries(step.opts).filter(([, value]) => value !== undefined)), args: step.args }
}

const base = { tmpdir: '/tmp', progress: () => {} }
const defaults: ReconstructOptions = {
  ...base,
  infrastructure: '/m/infrastructure.nix',
  interface: 'disnix-ssh-client',
  targetProperty: 'hostname',
  deployState: false,
  profile: 'default',
  maxConcurrentTransfers: 2,
  coordinatorProfile: true,
}
const everything: ReconstructOptions = {
  ...base,
  infrastructure: '/m/infra structure.xml',
  interface: '/opt/my interface',
  targetProperty: 'sshTarget',
  deployState: true,
  profile: 'prod',
  maxConcurrentTransfers: 5,
  coordinatorProfilePath: '/var/coord',
  coordinatorProfile: false,
  showTrace: true,
  xml: true,
}

describe('disnix-reconstruct hands its options to the steps through their own definitions', () => {
  test.each([
    ['defaults', defaults],
    ['every option', everything],
  ])('disnix-capture-manifest, disnix-manifest, disnix-compare-manifest and disnix-set parse back what it decided (%s)', async (_, options) => {
    const capture = captureStep(options)
    expect(await handedOver(disnixCaptureManifest, capture)).toEqual(expected(capture))
    const build = buildStep(options, '/tmp/disnix-reconstruct-x/deployment.nix')
    expect(await handedOver(disnixManifest, build)).toEqual(expected(build))
    const compare = compareStep(options, '/nix/store/x-manifest.xml')
    expect(await handedOver(disnixCompareManifest, compare)).toEqual(expected(compare))
    const set = setStep(options, '/nix/store/x-manifest.xml')
    expect(await handedOver(disnixSet, set)).toEqual(expected(set))
  })

  test('the captured manifest is recorded on the coordinator only', () => {
    expect(setStep(defaults, '/m').opts).toMatchObject({ targetProfiles: false, coordinatorProfile: true })
    expect(setStep(everything, '/m').opts).toMatchObject({ targetProfiles: false, coordinatorProfile: false })
  })

  test('the infrastructure file becomes an absolute path', () => {
    expect(captureStep({ ...defaults, infrastructure: 'infrastructure.nix' }).args[0]).toMatch(/^\/.*\/infrastructure\.nix$/)
  })
})
