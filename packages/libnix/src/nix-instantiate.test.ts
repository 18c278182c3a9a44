import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { nixTestEnv, testDir } from '@disnix-ts/test-utils'
import { nixEvalJson, nixInstantiate, nixInstantiateDerivations } from './nix-instantiate.js'

const env = nixTestEnv()

async function expressionFile(text: string): Promise<string> {
  const file = join(await testDir(), 'default.nix')
  await writeFile(file, text)
  return file
}

describe('nixInstantiate', () => {
  test('evaluates strictly to JSON, XML or Nix syntax', async () => {
    const file = await expressionFile('{ name ? "x" }: { inherit name; list = [ 1 (2 + 1) ]; }')
    expect(await nixEvalJson({ file, argstrs: { name: 'y' }, env })).toEqual({ name: 'y', list: [1, 3] })
    expect(await nixInstantiate({ file, eval: true, strict: true, xml: true, argstrs: { name: 'x' }, env })).toContain('<string value="x" />')
    expect(await nixInstantiate({ file, eval: true, strict: true, attr: 'list', argstrs: { name: 'x' }, env })).toBe('[ 1 3 ]\n')
  })

  test('writes store derivations without building them', async () => {
    const file = await expressionFile('let pkgs = import <nixpkgs> { }; in pkgs.writeText "unbuilt-${toString builtins.currentTime}" "x"')
    const [drv] = await nixInstantiateDerivations({ file, env })
    expect(drv).toMatch(/^\/nix\/store\/[a-z0-9]{32}-unbuilt-\d+\.drv$/)
  })

  test('passes trace messages to onTrace and evaluation errors as DisnixError', async () => {
    const file = await expressionFile('{ fail ? false }: builtins.trace "warning: careful" (if fail then throw "model file x: broken" else 1)')
    const traces: string[] = []
    expect(await nixInstantiate({ file, eval: true, args: { fail: 'false' }, env, onTrace: (m) => traces.push(m) })).toBe('1\n')
    expect(traces).toEqual(['warning: careful'])
    await expect(nixInstantiate({ file, eval: true, args: { fail: 'true' }, env })).rejects.toMatchObject({
      code: 'NIX_FAILED',
      message: 'model file x: broken',
    })
    await expect(nixInstantiate({ file, eval: true, args: { fail: 'true' }, showTrace: true, env })).rejects.toMatchObject({
      message: expect.stringMatching(/^model file x: broken\n/),
      hint: undefined,
    })
  })

  test('the offline package set offers the lib functions that models use, with nixpkgs semantics', async () => {
    const file = await expressionFile(`{ x ? 1 }:
      let lib = (import <nixpkgs> { }).lib; in {
        genAttrs = lib.genAttrs [ "a" "b" ] (n: n + n);
        filterAttrs = lib.filterAttrs (n: v: v > 1) { a = 1; b = 2; };
        mapAttrsToList = lib.mapAttrsToList (n: v: n + toString v) { a = 1; b = 2; };
        recursiveUpdate = lib.recursiveUpdate { a = { b = 1; c = 2; }; } { a = { b = 3; }; d = 4; };
        zipAttrsWith = lib.zipAttrsWith (n: vs: vs) [ { a = 1; } { a = 2; b = 3; } ];
        unique = lib.unique [ 3 1 3 2 1 ];
        flatten = lib.flatten [ 1 [ 2 [ 3 ] ] ];
        foldr = lib.foldr (a: b: a + b) "" [ "x" "y" "z" ];
        splitString = lib.splitString "." "a.b.c";
        concatMapStringsSep = lib.concatMapStringsSep "," toString [ 1 2 ];
        optionals = lib.optional true 1 ++ lib.optionals false [ 2 ] ++ lib.optionals true [ 3 ];
        intersectAttrs = builtins.attrNames (lib.intersectAttrs (lib.functionArgs ({ a, b ? 1 }: a)) { a = 1; c = 2; });
        hasPrefix = lib.hasPrefix "foo" "foobar";
        removeSuffix = lib.removeSuffix ".nix" "x.nix";
        findFirst = lib.findFirst (v: v > 1) null [ 1 2 3 ];
        nameValuePair = builtins.listToAttrs [ (lib.nameValuePair "k" "v") ];
        escapeShellArg = lib.escapeShellArg "it's";
      }`)
    expect(await nixEvalJson({ file, args: { x: '1' }, env })).toEqual({
      genAttrs: { a: 'aa', b: 'bb' },
      filterAttrs: { b: 2 },
      mapAttrsToList: ['a1', 'b2'],
      recursiveUpdate: { a: { b: 3, c: 2 }, d: 4 },
      zipAttrsWith: { a: [1, 2], b: [3] },
      unique: [3, 1, 2],
      flatten: [1, 2, 3],
      foldr: 'xyz',
      splitString: ['a', 'b', 'c'],
      concatMapStringsSep: '1,2',
      optionals: [1, 3],
      intersectAttrs: ['a'],
      hasPrefix: true,
      removeSuffix: 'x',
      findFirst: 2,
      nameValuePair: { k: 'v' },
      escapeShellArg: "'it'\\''s'",
    })
  })
})

