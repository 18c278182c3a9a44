import { execFileSync } from 'node:child_process'
import { nixTestEnv } from '@disnix-ts/test-utils'
import { describe, expect, test } from 'vitest'
import { nixFloat, nixPath } from './nix-value.js'
import { parseNixXml } from './nix-to-xml.js'

function evalXml(expr: string): string {
  return execFileSync('nix-instantiate', ['--eval', '--xml', '--strict', '-E', expr], { env: { ...process.env, ...nixTestEnv() }, encoding: 'utf8' })
}

describe('parseNixXml', () => {
  test('reads the output of nix-instantiate --xml for every value type', () => {
    const value = parseNixXml(
      evalXml(`{ s = "x\\"<y\\n\${"$"}{z}"; i = 42; n = -3; f = 1.5; t = true; b = false; z = null; p = /srv/data; l = [ 1 "a" [ ] ]; a = { nested.deep = "v"; }; fn = x: x; }`),
    )
    expect(value).toEqual({
      s: 'x"<y\n${z}',
      i: 42,
      n: -3,
      f: nixFloat(1.5),
      t: true,
      b: false,
      z: null,
      p: nixPath('/srv/data'),
      l: [1, 'a', []],
      a: { nested: { deep: 'v' } },
      fn: null,
    })
  })

  test('turns a derivation into its output path', () => {
    const value = parseNixXml(evalXml('{ d = derivation { name = "x"; system = "x86_64-linux"; builder = "/bin/sh"; }; }')) as { d: string }
    expect(value.d).toMatch(/^\/nix\/store\/[a-z0-9]{32}-x$/)
  })

  test('rejects documents that are not Nix XML', () => {
    expect(() => parseNixXml('<infrastructure/>', { source: 'infra.nix' })).toThrow('infra.nix: expected an <expr> root element, found <infrastructure>')
    expect(() => parseNixXml('<expr><thing/></expr>')).toThrow('unknown Nix value element <thing>')
  })
})
