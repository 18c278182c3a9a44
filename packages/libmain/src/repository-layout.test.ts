import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { installRoot } from './install-paths.js'

const root = installRoot()
const rootPackage = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin: Record<string, string> }
const launchers = readdirSync(join(root, 'bin')).sort()
const packages = readdirSync(join(root, 'packages')).filter((p) => statSync(join(root, 'packages', p)).isDirectory())

describe('repository layout', () => {
  test('package.json lists exactly the launchers in bin/, so a global install puts every tool on PATH', () => {
    expect(Object.keys(rootPackage.bin).sort()).toEqual(launchers)
    for (const [tool, path] of Object.entries(rootPackage.bin)) expect(path).toBe(`bin/${tool}`)
  })

  test.each(launchers)('bin/%s runs the definition in packages/<pkg>/src/tools/<tool>.ts through runMain', (tool) => {
    const text = readFileSync(join(root, 'bin', tool), 'utf8')
    const name = tool.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())
    const match =
      new RegExp(
        `^#!/usr/bin/env node\\nimport \\{ runMain \\} from '\\.\\./packages/libmain/lib/index\\.js'\\nimport \\{ ${name} \\} from '\\.\\./packages/([^/]+)/lib/tools/${tool}\\.js'\\nawait runMain\\(${name}\\)\\n$`,
      ).exec(text)
    expect(match, text).not.toBeNull()
    expect(existsSync(join(root, 'packages', match![1]!, 'src', 'tools', `${tool}.ts`))).toBe(true)
    expect(statSync(join(root, 'bin', tool)).mode & 0o111).not.toBe(0)
  })

  test.each(packages)('packages/%s has a public index.ts of named re-exports only', (pkg) => {
    const index = join(root, 'packages', pkg, 'src', 'index.ts')
    expect(existsSync(index)).toBe(true)
    const text = readFileSync(index, 'utf8')
    expect(text).not.toMatch(/export \*/)
    const code = text.split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('//'))
    for (const line of code) expect(line).toMatch(/^(export |\s|\}|[A-Za-z_]|type )/)
  })

  test('workspace dependencies form no cycle and every tsconfig references what its package.json declares', () => {
    const deps = new Map<string, string[]>()
    for (const pkg of packages) {
      const manifest = JSON.parse(readFileSync(join(root, 'packages', pkg, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> }
      const workspace = Object.keys(manifest.dependencies ?? {})
        .filter((d) => d.startsWith('@disnix-ts/'))
        .map((d) => d.slice('@disnix-ts/'.length))
      deps.set(pkg, workspace)
      const tsconfig = JSON.parse(readFileSync(join(root, 'packages', pkg, 'tsconfig.json'), 'utf8')) as { references?: Array<{ path: string }> }
      expect((tsconfig.references ?? []).map((r) => r.path.replace('../', '')).sort(), pkg).toEqual([...workspace].sort())
    }
    const visiting = new Set<string>()
    const done = new Set<string>()
    const visit = (pkg: string, path: string[]) => {
      if (done.has(pkg)) return
      expect(visiting.has(pkg), `cycle: ${[...path, pkg].join(' -> ')}`).toBe(false)
      visiting.add(pkg)
      for (const dep of deps.get(pkg) ?? []) visit(dep, [...path, pkg])
      visiting.delete(pkg)
      done.add(pkg)
    }
    for (const pkg of packages) visit(pkg, [])
  })
})

describe('runTool', () => {
  test('a reader that closes early (--help | head -1) is not an error', async () => {
    const { execa } = await import('execa')
    const result = await execa('sh', ['-c', `"${join(root, 'bin', 'disnix-env')}" --help | head -1; exit "\${PIPESTATUS:-0}"`], { reject: false })
    expect(result.stdout).toBe('Usage: disnix-env [options]')
    expect(result.stderr).toBe('')
  })
})
