import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import ts from 'typescript'
import { describe, expect, test } from 'vitest'
import { installRoot } from './install-paths.js'

// The structure ARCHITECTURE promises, checked on the sources: product modules form no import cycle,
// a library imports only the packages below it in the layering, nothing that ships imports vitest or
// a test helper, and the libraries read process.env in one place only.
const root = installRoot()

/**
 * The packages from the bottom up: a library (lib*) may import only packages before it. This is the
 * order of ARCHITECTURE §2 except that libmigrate comes before libdeploy (deploy runs the migration
 * step; migrate knows nothing of deploying), and libdydisnix, which ARCHITECTURE does not list, sits
 * on the model libraries and libinterface.
 */
const LAYERS = [
  'libmain',
  'libnix',
  'libxmlmodel',
  'libinfrastructure',
  'libmanifest',
  'libdistderivation',
  'libinterface',
  'libpkgmgmt',
  'libstatemgmt',
  'libmigrate',
  'libdeploy',
  'libdydisnix',
  'dysnomia',
  'disnix-target',
  'disnix-ssh',
  'disnix-cli',
  'dydisnix-cli',
  'testnet',
]
/** Private packages that only tests use (never built, never shipped). */
const TEST_PACKAGES = ['test-utils', 'test-servers', 'interface-conformance']
/**
 * The modules of the libraries that touch the process environment: where a tool's run begins (the one
 * that reads settings from it), and runChild, which only hands it on to children with the variables
 * a caller adds (as execa's extendEnv does); it reads no setting from it.
 */
const ENVIRONMENT_READERS = ['packages/libmain/src/run-child.ts', 'packages/libmain/src/run-tool.ts']

const packages = readdirSync(join(root, 'packages')).filter((p) => existsSync(join(root, 'packages', p, 'package.json')))

/** The files `tsc -b` compiles into a package's lib/ (tests and test packages excluded). */
function productFiles(pkg: string): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(join(root, 'packages', pkg, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })
  if (config === undefined) throw new Error(`cannot read packages/${pkg}/tsconfig.json`)
  return config.fileNames.map((file) => resolve(file))
}

interface ImportSite {
  specifier: string
  /** Loaded when the module loads (not `import type`, not a dynamic `import()`). */
  eager: boolean
}

function importsOf(file: string): ImportSite[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true)
  const sites: ImportSite[] = []
  const visit = (node: ts.Node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const typeOnly = ts.isImportDeclaration(node) ? node.importClause?.isTypeOnly === true : node.isTypeOnly
      sites.push({ specifier: node.moduleSpecifier.text, eager: !typeOnly })
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
      sites.push({ specifier: node.arguments[0].text, eager: false })
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return sites
}

/** The source file an import names: a relative module, or a workspace package's index. */
function target(from: string, specifier: string): string | undefined {
  if (specifier.startsWith('.')) return resolve(dirname(from), specifier.replace(/\.js$/, '.ts'))
  const match = /^@disnix-ts\/([^/]+)$/.exec(specifier)
  return match ? join(root, 'packages', match[1]!, 'src', 'index.ts') : undefined
}

const product = packages.filter((pkg) => !TEST_PACKAGES.includes(pkg)).flatMap((pkg) => productFiles(pkg).map((file) => ({ pkg, file })))
const imports = new Map(product.map(({ file }) => [file, importsOf(file)]))
const rel = (file: string) => relative(root, file)

describe('structure', () => {
  test('every package is in the layering or is a test package', () => {
    expect(packages.filter((pkg) => !LAYERS.includes(pkg) && !TEST_PACKAGES.includes(pkg))).toEqual([])
    expect(product.length).toBeGreaterThan(300)
  })

  test('product modules form no import cycle (eager imports; type-only and dynamic imports load nothing up front)', () => {
    const cycles: string[] = []
    const state = new Map<string, 'visiting' | 'done'>()
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === 'done') return
      if (state.get(file) === 'visiting') {
        cycles.push([...path.slice(path.indexOf(file)), file].map(rel).join(' -> '))
        return
      }
      state.set(file, 'visiting')
      for (const site of imports.get(file) ?? []) {
        const next = site.eager ? target(file, site.specifier) : undefined
        if (next !== undefined && imports.has(next)) visit(next, [...path, file])
      }
      state.set(file, 'done')
    }
    for (const file of imports.keys()) visit(file, [])
    expect(cycles).toEqual([])
  })

  test('a library imports only packages below it in the layering, and no package imports one above it', () => {
    const upward: string[] = []
    for (const { pkg, file } of product) {
      for (const site of imports.get(file)!) {
        const match = /^@disnix-ts\/([^/]+)/.exec(site.specifier)
        if (match === null || match[1] === pkg) continue
        const dependency = match[1]!
        if (!(LAYERS.indexOf(dependency) >= 0 && LAYERS.indexOf(dependency) < LAYERS.indexOf(pkg))) upward.push(`${rel(file)} imports ${site.specifier}`)
      }
    }
    expect(upward).toEqual([])
  })

  test('no product file imports vitest or a test helper', () => {
    const testImports = product.flatMap(({ file }) =>
      imports
        .get(file)!
        .filter((site) => site.specifier === 'vitest' || site.specifier.startsWith('vitest/') || /^@disnix-ts\/[^/]+\/testing$/.test(site.specifier) || TEST_PACKAGES.some((t) => site.specifier === `@disnix-ts/${t}`) || /(^|\/)(testing|test-[a-z-]+)\.js$/.test(site.specifier))
        .map((site) => `${rel(file)} imports ${site.specifier}`),
    )
    expect(testImports).toEqual([])
  })

  test(`the libraries read process.env only in ${ENVIRONMENT_READERS.join(', ')}`, () => {
    const readers = product
      .filter(({ pkg }) => pkg.startsWith('lib'))
      .filter(({ file }) => /\bprocess\.env\b|\bprocess\[['"]env['"]\]/.test(readFileSync(file, 'utf8')))
      .map(({ file }) => rel(file))
    expect(readers).toEqual(ENVIRONMENT_READERS)
  })
})

