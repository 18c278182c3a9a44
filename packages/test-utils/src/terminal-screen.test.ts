import { describe, expect, test } from 'vitest'
import { terminalScreen } from './terminal-screen.js'

describe('terminalScreen', () => {
  test('lines, carriage returns and overwriting', () => {
    expect(terminalScreen('one\r\ntwo\r\n')).toEqual(['one', 'two'])
    expect(terminalScreen('abcdef\rXY\n')).toEqual(['XYcdef'])
  })

  test('a block redrawn in place: cursor up and erase below leave only the last drawing', () => {
    const out = 'first line\n' + 'row a 1/2\nrow b 0/2\n' + '\r\x1b[2A\x1b[0J' + 'second line\n' + 'row a 2/2\nrow b 2/2\n'
    expect(terminalScreen(out)).toEqual(['first line', 'second line', 'row a 2/2', 'row b 2/2'])
  })

  test('long lines wrap at the width; colours are ignored; erase line clears to its end', () => {
    expect(terminalScreen('abcdefghij\nx\n', 4)).toEqual(['abcdefghij', 'x'])
    expect(terminalScreen('\x1b[1mbold\x1b[0m\n')).toEqual(['bold'])
    expect(terminalScreen('keep this\r\x1b[Kgone\n')).toEqual(['gone'])
  })
})
