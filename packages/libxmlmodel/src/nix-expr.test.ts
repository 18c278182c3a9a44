import { describe, expect, test } from 'vitest'
import { execFileSync } from 'node:child_process'
import { nixTestEnv } from '@disnix-ts/test-utils'
import { nixFloat, nixPath } from './nix-value.js'
import { nixStorePath, printNixExpr, quoteNixString } from './nix-expr.js'

describe('printNixExpr', () => {
  test('prints nested values with quoted names and two-space indentation', () => {
    expect(
      printNixExpr({
        profiles: { test1: nixStorePath('/nix/store/11111111111111111111111111111111-test1') },
        list: ['a', 1, true],
        empty: [],
        none: {},
        nested: [{ service: 'h', target: 't' }],
        f: nixFloat(2),
        p: nixPath('/srv/data'),
        z: null,
      }),
    ).toBe(`{
  "profiles" = {
    "test1" = builtins.storePath /nix/store/11111111111111111111111111111111-test1;
  };
  "list" = [ "a" 1 true ];
  "empty" = [ ];
  "none" = { };
  "nested" = [
    {
      "service" = "h";
      "target" = "t";
    }
  ];
  "f" = 2.0;
  "p" = /srv/data;
  "z" = null;
}`)
  })

  test('sorts attribute names on request', () => {
    expect(printNixExpr({ b: 1, a: 2 }, { sortAttributes: true })).toBe('{\n  "a" = 2;\n  "b" = 1;\n}')
  })

  test('escapes strings so that Nix reads back the same text', () => {
    const text = 'quote " backslash \\ newline \n tab \t dollar ${x} $y'
    expect(quoteNixString(text)).toBe('"quote \\" backslash \\\\ newline \\n tab \\t dollar \\${x} $y"')
    const roundTrip = execFileSync('nix-instantiate', ['--eval', '--strict', '--json', '-E', printNixExpr({ 'odd"name': text })], {
      env: { ...process.env, ...nixTestEnv() },
      encoding: 'utf8',
    })
    expect(JSON.parse(roundTrip)).toEqual({ 'odd"name': text })
  })
})
