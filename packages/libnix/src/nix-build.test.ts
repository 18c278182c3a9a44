import { lstat, readFile, readlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { nixTestEnv, testDir } from '@disnix-ts/test-utils'
import { nixBuild } from './nix-build.js'

const env = nixTestEnv()

// These builds also exercise the offline package set (nix/offline-pkgs) that tests use as <nixpkgs>.
const EXPRESSION = `
{ greeting ? "hello" }:
let pkgs = import <nixpkgs> { }; in
rec {
  script = pkgs.writeScriptBin "greet" "#!/bin/sh\\necho \${greeting}\\n";
  phased = pkgs.stdenv.mkDerivation {
    name = "phased";
    src = ./src;
    buildInputs = [ script ];
    buildPhase = "greet > greeting.txt";
    installPhase = "mkdir -p $out; cp greeting.txt input.txt $out/";
  };
  env = pkgs.buildEnv { name = "env"; paths = [ script phased ]; ignoreCollisions = true; };
  text = pkgs.writeText "note" "a note";
  command = pkgs.runCommand "command" { value = "x"; } "echo $value > $out";
  failing = pkgs.runCommand "failing" { } "echo about to fail >&2; exit 3";
  lib = pkgs.lib.concatMapStrings (x: x) (pkgs.lib.attrNames { b = 1; a = 2; });
}
`

async function project(): Promise<string> {
  const dir = await testDir()
  await writeFile(join(dir, 'default.nix'), EXPRESSION)
  await import('node:fs/promises').then((fs) => fs.mkdir(join(dir, 'src')))
  await writeFile(join(dir, 'src', 'input.txt'), 'input\n')
  return dir
}

describe('nixBuild', () => {
  test('builds an attribute with --argstr and returns its store path, without a result link', async () => {
    const dir = await project()
    const [path] = await nixBuild({ file: join(dir, 'default.nix'), attr: 'phased', argstrs: { greeting: 'howdy' }, noOutLink: true, env, cwd: dir })
    expect(path).toMatch(/^\/nix\/store\/[a-z0-9]{32}-phased$/)
    expect(await readFile(join(path!, 'greeting.txt'), 'utf8')).toBe('howdy\n')
    expect(await readFile(join(path!, 'input.txt'), 'utf8')).toBe('input\n')
    await expect(lstat(join(dir, 'result'))).rejects.toThrow(/ENOENT/)
  })

  test('makes the result link (or the named one) in cwd', async () => {
    const dir = await project()
    const [path] = await nixBuild({ file: join(dir, 'default.nix'), attr: ['text'], env, cwd: dir })
    expect(await readlink(join(dir, 'result'))).toBe(path)
    expect(await readFile(path!, 'utf8')).toBe('a note')
    const [other] = await nixBuild({ file: join(dir, 'default.nix'), attr: 'command', outLink: 'out', env, cwd: dir })
    expect(await readlink(join(dir, 'out'))).toBe(other)
    expect(await readFile(other!, 'utf8')).toBe('x\n')
  })

  test('buildEnv merges packages into one tree of symlinks', async () => {
    const dir = await project()
    const [path] = await nixBuild({ file: join(dir, 'default.nix'), attr: 'env', args: { greeting: '"hi"' }, noOutLink: true, env, cwd: dir })
    expect(await readFile(join(path!, 'bin', 'greet'), 'utf8')).toBe('#!/bin/sh\necho hi\n')
    expect((await lstat(join(path!, 'bin'))).isDirectory()).toBe(true)
    expect((await lstat(join(path!, 'greeting.txt'))).isSymbolicLink()).toBe(true)
  })

  test("a failing build becomes one error with Nix's message", async () => {
    const dir = await project()
    await expect(nixBuild({ file: join(dir, 'default.nix'), attr: 'failing', noOutLink: true, env, cwd: dir })).rejects.toMatchObject({
      code: 'NIX_FAILED',
      message: expect.stringMatching(/^builder for '\/nix\/store\/[a-z0-9]{32}-failing\.drv' failed with exit code 3/),
    })
  })

  test('an evaluation error carries the location and suggests --show-trace', async () => {
    const dir = await project()
    await expect(nixBuild({ file: join(dir, 'default.nix'), attr: 'missing', noOutLink: true, env, cwd: dir })).rejects.toMatchObject({
      code: 'NIX_FAILED',
      message: expect.stringContaining("attribute 'missing' in selection path 'missing' not found"),
    })
  })

  test('reports a missing <nixpkgs> with a NIX_PATH hint', async () => {
    const dir = await project()
    await expect(nixBuild({ file: join(dir, 'default.nix'), attr: 'text', noOutLink: true, env: { ...env, NIX_PATH: '' }, cwd: dir })).rejects.toMatchObject({
      code: 'NIXPKGS_NOT_FOUND',
      hint: expect.stringMatching(/^set NIX_PATH=nixpkgs=\/path\/to\/nixpkgs \(or use the bundled offline package set: NIX_PATH=nixpkgs=.*\/nix\/offline-pkgs\)$/),
    })
  })
})
