import { join } from 'node:path'
import { execa } from 'execa'
import { describe, expect, test } from 'vitest'
import { installRoot } from './install-paths.js'
import { checkName, isValidModuleType, isValidName, NAME_RULE, profileName } from './names.js'

// Evaluation only: no store writes, no build users (libmain's tests cannot use @disnix-ts/test-utils, which depends on libmain).
const nixTestEnv = (): NodeJS.ProcessEnv => ({ NIX_CONFIG: 'build-users-group =\nsubstituters =' })

// The original's own example and test names, and odd ones from the attacks.
const VALID = ['test1', 'testtarget2', 'HelloMySQLDB', 'hello-world-server', 'mysql-database', 'tomcat-webapplication', 'web_app', '_private', 'node.example.org', '10.0.0.1', 'libfoo++', 'default', 'x']
const INVALID = ['', '.', '..', '.hidden', '-rf', '+x', 'my target', 'a;b', 'a$(id)', '`id`', "it's", 'say "hi"', 'a/b', '../x', 'a\nb', 'tab\there', 'é', 'a:b', 'user@host', '*']

describe('isValidName', () => {
  test.each(VALID)('%j is a name', (name) => {
    expect(isValidName(name)).toBe(true)
  })
  test.each(INVALID)('%j is not a name', (name) => {
    expect(isValidName(name)).toBe(false)
  })

  test('nix/lib/names.nix applies the same rule to the models', async () => {
    const names = [...VALID, ...INVALID]
    const expr = `map (import ${join(installRoot(), 'nix', 'lib', 'names.nix')}).isValidName (builtins.fromJSON ${JSON.stringify(JSON.stringify(names))})`
    const { stdout } = await execa('nix-instantiate', ['--eval', '--strict', '--json', '--expr', expr], { env: nixTestEnv() })
    expect(JSON.parse(stdout)).toEqual(names.map(isValidName))
    const rule = await execa('nix-instantiate', ['--eval', '--json', '--expr', `(import ${join(installRoot(), 'nix', 'lib', 'names.nix')}).rule`], { env: nixTestEnv() })
    expect(JSON.parse(rule.stdout)).toBe(NAME_RULE)
  })
})

describe('isValidModuleType', () => {
  test.each([
    ['echo', true],
    ['process', true],
    ['/nix/store/aaaa-mymodule/libexec/dysnomia/mymodule', true],
    ['../../../../usr/bin/touch', false],
    ['/nix/store/../../usr/bin/touch', false],
    ['./module', false],
    ['a b', false],
  ])('%j: %s', (type, valid) => {
    expect(isValidModuleType(type)).toBe(valid)
  })

  test('nix/lib/names.nix applies the same rule to the models', async () => {
    const types = ['echo', '/nix/store/x-m', '/a/../b', '/a/./b', './m', '../x', 'a b', '/a/.hidden']
    const expr = `map (import ${join(installRoot(), 'nix', 'lib', 'names.nix')}).isValidType (builtins.fromJSON ${JSON.stringify(JSON.stringify(types))})`
    const { stdout } = await execa('nix-instantiate', ['--eval', '--strict', '--json', '--expr', expr], { env: nixTestEnv() })
    expect(JSON.parse(stdout)).toEqual(types.map(isValidModuleType))
  })
})

describe('checkName and profileName', () => {
  test('checkName names the place and the rule', () => {
    expect(checkName('container', 'mysql-database', 'm.xml')).toBe('mysql-database')
    expect(() => checkName('container', '../etc', 'm.xml')).toThrow(
      expect.objectContaining({ code: 'INVALID_NAME', message: `m.xml: container "../etc" is not a valid name: ${NAME_RULE}` }),
    )
  })

  test('profileName is the argument parser of -p/--profile', () => {
    expect(profileName('production')).toBe('production')
    expect(() => profileName('../../x')).toThrow(`expected a profile name (${NAME_RULE})`)
  })
})
