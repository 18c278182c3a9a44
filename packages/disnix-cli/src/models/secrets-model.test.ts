import { readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { nixTestEnv, runBin, suiteDir } from '@disnix-ts/test-utils'
import { parseManifestXml } from '@disnix-ts/libmanifest'

// `secrets` in the services model: checked where the model is evaluated (a secret must never be able
// to enter the Nix store), and carried into the manifest as where the file is, never what is in it.
describe('secrets in the services model', () => {
  let dir: string

  beforeAll(async () => {
    dir = await suiteDir('disnix-secrets-model-')
    await writeFile(join(dir, 'infrastructure.nix'), '{ test1 = { properties.hostname = "test1"; }; }\n')
    await writeFile(join(dir, 'distribution.nix'), '{ infrastructure }: { db = [ infrastructure.test1 ]; }\n')
    await writeFile(join(dir, 'password'), 'Never-In-The-Store-4411\n')
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  /** disnix-manifest of a services model whose service `db` has `secrets = SECRETS`. */
  const manifest = async (name: string, secrets: string) => {
    const services = join(dir, `${name}.nix`)
    await writeFile(
      services,
      `{ system, pkgs, distribution, invDistribution }:\n{\n  db = { name = "db"; type = "echo"; pkg = pkgs.writeTextFile { name = "db"; text = "db"; }; secrets = ${secrets}; };\n}\n`,
    )
    const result = await runBin('disnix-manifest', ['-s', services, '-i', join(dir, 'infrastructure.nix'), '-d', join(dir, 'distribution.nix'), '--no-out-link'], { env: nixTestEnv() })
    return { ...result, services }
  }

  test('the manifest names the file, owner and group of each secret, never its content', async () => {
    const r = await manifest('good', `{ dbPassword = { file = "${join(dir, 'password')}"; owner = "mysql"; group = "mysql"; }; apiKey.file = "/etc/api-key"; }`)
    expect(r.exitCode, r.stderr).toBe(0)
    const text = await readFile(r.stdout.trim(), 'utf8')
    expect(text).not.toContain('Never-In-The-Store')
    const services = Object.values(parseManifestXml(text, { defaultTarget: 'test1' }).services)
    expect(services.map((s) => s.secrets)).toEqual([{ apiKey: { file: '/etc/api-key' }, dbPassword: { file: join(dir, 'password'), owner: 'mysql', group: 'mysql' } }])
  })

  test.each([
    ['a Nix path, which would copy the file into the store', './password', /secret 'dbPassword': `file' is the Nix path .*\/password, which would copy the secret into the Nix store; write it as a string: file = ".*\/password";/],
    ['a string that refers to the store', '"${./password}"', /secret 'dbPassword': `file' refers to the Nix store \(\/nix\/store\/[a-z0-9]+-password\)/],
    ['a relative path', '"password"', /secret 'dbPassword': `file' must be an absolute path without \. or \.\. components, but it is "password"/],
    ['a path with ..', '"/etc/../password"', /`file' must be an absolute path without \. or \.\. components/],
    ['a number', '42', /secret 'dbPassword': `file' must be a string \(an absolute path on the coordinator\), but it is an integer/],
  ])('a secret file that is %s is refused, naming the services model and the service', async (_what, file, message) => {
    const r = await manifest(`file-${Math.random().toString(36).slice(2, 8)}`, `{ dbPassword.file = ${file}; }`)
    expect(r.exitCode).toBe(1)
    expect(r.stderr).toMatch(new RegExp(`services model ${r.services.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: service 'db': `))
    expect(r.stderr).toMatch(message)
  })

  test.each([
    ['a name that is no identifier', '{ "db-password".file = "/etc/p"; }', /secret "db-password" is not a valid secret name/],
    ['no file', '{ dbPassword.owner = "mysql"; }', /secret 'dbPassword': mandatory attribute `file' is missing/],
    ['an unknown attribute', '{ dbPassword = { file = "/etc/p"; mode = "0644"; }; }', /secret 'dbPassword': unknown attribute 'mode'/],
    ['an owner that is no name', '{ dbPassword = { file = "/etc/p"; owner = "a b"; }; }', /secret 'dbPassword': `owner' must be a user name, but it is "a b"/],
    ['not an attribute set', '[ "/etc/p" ]', /service 'db': `secrets' must be an attribute set/],
  ])('a secret with %s is refused', async (_what, secrets, message) => {
    const r = await manifest(`bad-${Math.random().toString(36).slice(2, 8)}`, secrets)
    expect(r.exitCode).toBe(1)
    expect(r.stderr).toMatch(message)
  })
})
