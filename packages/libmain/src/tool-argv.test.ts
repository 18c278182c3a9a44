import { Argument, Option } from 'commander'
import { describe, expect, test } from 'vitest'
import { collect, nonNegativeInteger } from './common-options.js'
import { parseToolArgv, toolArgv } from './tool-argv.js'
import { defineTool, plainSession } from './tool-definition.js'

interface SampleOptions {
  profile: string
  keep: number
  upgrade: boolean
  dryRun?: boolean
  arguments: string[]
  oldManifest?: string
}

const sample = defineTool<SampleOptions, undefined, [manifest: string, extra: string[]]>({
  name: 'sample-tool',
  summary: 'a tool for the tests',
  session: plainSession,
  arguments: [new Argument('<manifest>'), new Argument('[extra...]')],
  options: [
    new Option('-p, --profile <name>').default('default').env('SAMPLE_PROFILE'),
    new Option('--keep <n>').default(1).argParser(nonNegativeInteger),
    new Option('--no-upgrade'),
    new Option('--dry-run'),
    new Option('--arguments <key=value>').argParser(collect).default([]),
    new Option('-o, --old-manifest <file>'),
  ],
  exitStatuses: [],
  run: async () => {},
})

describe('toolArgv', () => {
  test.each<[string, Partial<SampleOptions>, [string, string[]]]>([
    ['defaults', { profile: 'default', keep: 1, upgrade: true, arguments: [] }, ['/m.xml', []]],
    ['every option set', { profile: 'p', keep: 0, upgrade: false, dryRun: true, arguments: ['a=1', 'b=$(x) y'], oldManifest: '/old.xml' }, ['/m.xml', ['x', 'y']]],
    ['positional arguments that look like options', { profile: 'default', keep: 1, upgrade: true, arguments: [] }, ['--not-an-option', ['-x']]],
  ])('round-trips %s through the definition', async (_, opts, args) => {
    const argv = toolArgv(sample, opts, args)
    const parsed = await parseToolArgv(sample, argv)
    expect(parsed.opts).toEqual({ dryRun: undefined, oldManifest: undefined, ...opts })
    expect(parsed.args).toEqual(args)
  })

  test('passes values equal to the default explicitly, so the child environment cannot change them', () => {
    expect(toolArgv(sample, { profile: 'default', keep: 1 }, ['/m', []])).toEqual(['--profile', 'default', '--keep', '1', '/m'])
  })

  test('a negated option is passed only when it is off, a flag only when it is on', () => {
    expect(toolArgv(sample, { upgrade: false, dryRun: false }, ['/m', []])).toEqual(['--no-upgrade', '/m'])
    expect(toolArgv(sample, { upgrade: true, dryRun: true }, ['/m', []])).toEqual(['--dry-run', '/m'])
  })
})
