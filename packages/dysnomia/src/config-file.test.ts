import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { DisnixError } from '@disnix-ts/libmain'
import { testDir } from '@disnix-ts/test-utils'
import { evaluateConfigText, parseConfigLine, propertiesToEnv, readConfigFile } from './config-file.js'

describe('parseConfigLine', () => {
  test.each([
    ['k=v', 'v'],
    ['k=', ''],
    ['  k=v  ', 'v'],
    ['k="v with  spaces"', 'v with  spaces'],
    ["k='single \"quoted\" $x'", 'single "quoted" $x'],
    ['k="esc \\" \\\\ \\$ \\` \\n"', 'esc " \\ $ ` \\n'],
    ['k=a"b c"\'d\'', 'ab cd'],
    ['k=a\\ b', 'a b'],
    ['k=v # trailing comment', 'v'],
    ['k=a#b', 'a#b'],
    ['k=/nix/store/abc-x:y=z,w', '/nix/store/abc-x:y=z,w'],
  ])('%s is the scalar %j', (line, value) => {
    expect(parseConfigLine(line)).toEqual({ kind: 'property', name: 'k', value })
  })

  test.each([
    ['k=("a" "b c")', ['a', 'b c']],
    ['k=( a  b )', ['a', 'b']],
    ['k=()', []],
    ["k=('x y' z\"w\")", ['x y', 'zw']],
    ['k=("a" "b" ) # list', ['a', 'b']],
  ])('%s is the array %j', (line, value) => {
    expect(parseConfigLine(line)).toEqual({ kind: 'property', name: 'k', value })
  })

  test.each(['', '   ', '# a comment', '  # indented comment'])('%j is blank', (line) => {
    expect(parseConfigLine(line)).toEqual({ kind: 'blank' })
  })

  test.each(['k=$(hostname)', 'k="$HOME/x"', 'k=`date`', 'k=~/x', 'k=(*.txt)', 'k=("$a" b)'])('%s needs bash', (line) => {
    expect(parseConfigLine(line)).toEqual({ kind: 'shell', name: 'k' })
  })

  test.each([
    ['echo hi', /not an assignment/],
    ['1k=v', /invalid variable name '1k'/],
    ['my-key=v', /invalid variable name/],
    ['k+=v', /invalid variable name/],
    ['k=a b', /unexpected text after the value/],
    ['k="open', /unterminated double quote/],
    ["k='open", /unterminated single quote/],
    ['k=(a b', /missing '\)'/],
    ['k=a;rm -rf x', /unquoted ';'/],
    ['k=a|b', /unquoted '\|'/],
    ['k=x\\', /backslash at the end/],
  ])('%s is invalid', (line, reason) => {
    const parsed = parseConfigLine(line)
    expect(parsed.kind).toBe('invalid')
    expect(parsed.kind === 'invalid' && parsed.reason).toMatch(reason)
  })
})

describe('evaluateConfigText', () => {
  test('evaluates command substitutions with bash, each line in isolation, in the given environment', async () => {
    const text = ['name="$(echo "hello  world")"', 'ref=$name', 'home="$HOME/x"', 'list=($(printf "a\\nb c\\n"))', 'multi="$(printf "x\\ny")"'].join('\n')
    const properties = await evaluateConfigText(text, 'props', { env: { HOME: '/home/someone', PATH: process.env.PATH } })
    expect(properties).toEqual([
      { name: 'name', value: 'hello  world', line: 1 },
      { name: 'ref', value: '', line: 2 },
      { name: 'home', value: '/home/someone/x', line: 3 },
      { name: 'list', value: ['a', 'b', 'c'], line: 4 },
      { name: 'multi', value: 'x\ny', line: 5 },
    ])
  })

  test('a line is passed to bash as an argument, so its text is never pasted into a script', async () => {
    const properties = await evaluateConfigText(`k="$(printf '%s' "it's \\"quoted\\"")"`, 'props', { env: { PATH: process.env.PATH } })
    expect(properties[0]?.value).toBe(`it's "quoted"`)
  })

  test('an empty bash array stays empty', async () => {
    expect(await evaluateConfigText('k=($(true))', 'props', { env: { PATH: process.env.PATH } })).toEqual([{ name: 'k', value: [], line: 1 }])
  })

  test('a bash syntax error names the file and line', async () => {
    const error = await evaluateConfigText('a=1\n\nb=$(echo', '/etc/x', { env: { PATH: process.env.PATH } }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DisnixError)
    expect((error as DisnixError).code).toBe('CONFIG_INVALID')
    expect((error as DisnixError).message).toMatch(/^\/etc\/x, line 3: cannot evaluate: b=\$\(echo/)
  })

  test('a malformed line names the file and line', async () => {
    const error = await evaluateConfigText('type=echo\n# fine\nfoo bar', 'containers/c1').catch((e: unknown) => e)
    expect((error as DisnixError).message).toBe('containers/c1, line 3: not an assignment of the form name=value: foo bar')
  })
})

describe('readConfigFile', () => {
  test('reads a container file and turns it into environment variables, arrays joined by spaces', async () => {
    const dir = await testDir()
    const file = join(dir, 'c')
    await writeFile(file, 'type=echo\nfoo="a b"\narr=("x y" z)\nfoo="last wins"\n')
    const properties = await readConfigFile(file)
    expect(propertiesToEnv(properties, ['type'])).toEqual({ foo: 'last wins', arr: 'x y z' })
  })

  test('a missing file is CONFIG_NOT_FOUND', async () => {
    const error = await readConfigFile('/nonexistent/dysnomia/c').catch((e: unknown) => e)
    expect((error as DisnixError).code).toBe('CONFIG_NOT_FOUND')
  })
})
