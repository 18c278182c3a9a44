import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { installRoot } from '@disnix-ts/libmain'
import ts from 'typescript'
import { describe, expect, test } from 'vitest'

// The test servers, and vitest, stay out of what ships: no package depends on this package except
// for its tests, and nothing tsc compiles into a user's lib/ imports either.
const root = installRoot()
const packages = readdirSync(join(root, 'packages')).filter((pkg) => existsSync(join(root, 'packages', pkg, 'package.json')))
const manifest = (pkg: string) =>
  JSON.parse(readFileSync(join(root, 'packages', pkg, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> }
const users = packages.filter((pkg) => manifest(pkg).devDependencies?.['@disnix-ts/test-servers'] !== undefined)

/** The files `tsc -b` compiles into the package's lib/. */
function productFiles(pkg: string): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(join(root, 'packages', pkg, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })
  if (config === undefined) throw new Error(`cannot read packages/${pkg}/tsconfig.json`)
  return config.fileNames
}

describe('@disnix-ts/test-servers', () => {
  test('is a devDependency only, and is neither built nor shipped', () => {
    expect(packages.filter((pkg) => manifest(pkg).dependencies?.['@disnix-ts/test-servers'] !== undefined)).toEqual([])
    expect(users).toContain('dysnomia')
    const rootPackage = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { files: string[]; bin: Record<string, string> }
    expect(rootPackage.files).toContain('!packages/test-servers')
    expect(Object.values(rootPackage.bin).filter((path) => path.includes('test-servers'))).toEqual([])
    const buildReferences = (JSON.parse(readFileSync(join(root, 'tsconfig.json'), 'utf8')) as { references: Array<{ path: string }> }).references
    expect(buildReferences.map((reference) => reference.path)).not.toContain('packages/test-servers')
    expect(ts.readConfigFile(join(root, 'packages', 'test-servers', 'tsconfig.json'), ts.sys.readFile).config.compilerOptions.noEmit).toBe(true)
  })

  test.each(users)('nothing compiled into packages/%s/lib is a test or imports vitest or the test servers', (pkg) => {
    const files = productFiles(pkg)
    expect(files.length).toBeGreaterThan(0)
    expect(files.filter((file) => /\.(test|cases)\.ts$/.test(file))).toEqual([])
    const importers = files.filter((file) => /from '(vitest|@disnix-ts\/test-servers)'|import\('(vitest|@disnix-ts\/test-servers)'\)/.test(readFileSync(file, 'utf8')))
    expect(importers).toEqual([])
  })
})
