import { existsSync } from 'node:fs'
import { readFile, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { installRoot } from '@disnix-ts/libmain'
import { runBin } from '@disnix-ts/test-utils'
import { describe, expect, test } from 'vitest'
import { mentions, parseHelpText } from './help-text.js'

// The reference pages are written by hand; these tests keep them honest against what each built tool
// says in its --help (run `pnpm exec tsc -b` first).
const root = installRoot()
const packageJson = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { bin: Record<string, string> }
const tools = Object.keys(packageJson.bin).sort()
const toolsDir = join(root, 'docs', 'tools')

describe('docs/tools', () => {
  test('has exactly one page per executable of package.json "bin"', async () => {
    const pages = (await readdir(toolsDir)).filter((name) => name.endsWith('.md')).map((name) => name.slice(0, -3))
    expect({ missing: tools.filter((tool) => !pages.includes(tool)), extra: pages.filter((page) => !tools.includes(page)) })
      .toEqual({ missing: [], extra: [] })
  })

  test.each(tools)('the page of %s mentions every long option and environment variable of its --help', async (tool) => {
    const page = join(toolsDir, `${tool}.md`)
    expect(existsSync(page), `docs/tools/${tool}.md is missing`).toBe(true)
    const help = await runBin(tool, ['--help'])
    expect(help.exitCode, `${tool} --help failed: ${help.stderr.split('\n').slice(0, 3).join(' ')}`).toBe(0)
    const facts = parseHelpText(help.stdout)
    expect(facts.longOptions.length + facts.environment.length, `${tool} --help lists no options`).toBeGreaterThan(0)
    const text = await readFile(page, 'utf8')
    expect({
      options: facts.longOptions.filter((option) => !mentions(text, option)),
      environment: facts.environment.filter((name) => !mentions(text, name)),
    }, `not in docs/tools/${tool}.md`).toEqual({ options: [], environment: [] })
  })
})
