import { parseToolArgv, toolArgv, type ToolDefinition } from '@disnix-ts/libmain'
import { describe, expect, test } from 'vitest'
import { disnixConvertManifest } from '../tools/disnix-convert-manifest.js'
import { disnixManifest } from '../tools/disnix-manifest.js'
import { disnixSet } from '../tools/disnix-set.js'
import { buildStep, convertManifestStep, setStep, type ConvertOptions } from './run-convert.js'

type StepOptions = Omit<ConvertOptions, 'tmpdir' | 'env' | 'progress'>

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

const defaults: StepOptions = { infrastructure: '/m/infrastructure.nix', profile: 'default', clientInterface: 'disnix-ssh-client', targetProperty: 'hostname' }
const everything: StepOptions = {
  manifest: '/nix/var/nix/profiles/per-user/root/disnix-coordinator/default-1-link',
  infrastructure: '/m/infra structure.nix',
  profile: 'prod',
  coordinatorProfilePath: '/var/coord',
  clientInterface: '/opt/my interface',
  targetProperty: 'sshTarget',
  noCoordinatorProfile: true,
  noTargetProfiles: true,
  showTrace: true,
}

describe('disnix-convert hands its options to the steps through their own definitions', () => {
  test.each([
    ['defaults', defaults],
    ['every option', everything],
  ])('disnix-convert-manifest, disnix-manifest and disnix-set parse back what disnix-convert decided (%s)', async (_, options) => {
    const convert = convertManifestStep(options)
    expect(await handedOver(disnixConvertManifest, convert)).toEqual(expected(convert))
    const build = buildStep(options, '/tmp/disnix-convert-x/deployment.nix')
    expect(await handedOver(disnixManifest, build)).toEqual(expected(build))
    const set = setStep(options, '/nix/store/x-manifest.xml')
    expect(await handedOver(disnixSet, set)).toEqual(expected(set))
  })

  test('the files become absolute paths, so the steps need not share our working directory', () => {
    const step = convertManifestStep({ ...defaults, infrastructure: 'infrastructure.nix', manifest: './manifest.xml' })
    expect([step.opts.infrastructure, step.args[0]]).toEqual([expect.stringMatching(/^\/.*\/infrastructure\.nix$/), expect.stringMatching(/^\/.*\/manifest\.xml$/)])
  })

  test('disnix-set keeps or skips each profile as disnix-convert was told', () => {
    expect(setStep(defaults, '/m').opts).toMatchObject({ coordinatorProfile: true, targetProfiles: true })
    expect(setStep(everything, '/m').opts).toMatchObject({ coordinatorProfile: false, targetProfiles: false })
  })
})
