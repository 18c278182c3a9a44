import { execa } from 'execa'
import { describe, expect, test } from 'vitest'
import { quoteShellArg, quoteShellArgs } from './shell-quote.js'

const nasty = ['plain', 'with space', "it's", '"double"', '$(touch /tmp/pwned)', '`id`', 'a\nb', '', '*', '-n', 'semi;colon', 'back\\slash']

describe('quoteShellArgs', () => {
  test('leaves safe words alone and quotes everything else', () => {
    expect(quoteShellArg('/nix/store/abc-foo_1.2')).toBe('/nix/store/abc-foo_1.2')
    expect(quoteShellArg('a b')).toBe("'a b'")
    expect(quoteShellArg("it's")).toBe(`'it'\\''s'`)
    expect(quoteShellArg('')).toBe("''")
  })

  test.each(nasty)('a real shell receives %j as exactly one untouched argument', async (arg) => {
    const script = `${quoteShellArgs(['printf', '%s\\0', arg, 'end'])}`
    const { stdout } = await execa('sh', ['-c', script])
    expect(stdout.split('\0')).toEqual([arg, 'end', ''])
  })
})
