import { describe, expect, test } from 'vitest'
import { readmeCommands } from './readme-commands.js'

describe('readmeCommands', () => {
  test('returns the sh blocks in order with their documented output lines', () => {
    const markdown = [
      '# Title',
      '```sh',
      'export A=1',
      '```',
      'text',
      '```console',
      '$ not run',
      '```',
      '```sh',
      'echo hi',
      '# => hi',
      '# a comment',
      '```',
    ].join('\n')
    expect(readmeCommands(markdown)).toEqual([
      { line: 2, script: 'export A=1', expected: [] },
      { line: 9, script: 'echo hi\n# => hi\n# a comment', expected: ['hi'] },
    ])
  })

  test('refuses an unterminated block', () => {
    expect(() => readmeCommands('```sh\necho hi\n')).toThrow('unterminated code block at line 1')
  })
})
