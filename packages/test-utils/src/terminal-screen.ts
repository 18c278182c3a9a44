/**
 * What a terminal shows after `output` was written to it: a small emulator of the control sequences a
 * progress view uses (carriage return, new line, cursor up `ESC[nA`, erase below `ESC[J` / `ESC[0J`,
 * erase line `ESC[K`, colours `ESC[...m` ignored) with lines wrapping at `columns`. Returns the screen's
 * lines (a line that wrapped over several rows is joined again) with trailing blanks removed and
 * trailing empty lines dropped; the scrollback is kept, so a line that scrolled away is still there
 * (a real terminal keeps it too).
 */
export function terminalScreen(output: string, columns = 100): string[] {
  const rows: string[][] = [[]]
  /** Rows that continue the row above (the text wrapped into them). */
  const continued = new Set<number>()
  let row = 0
  let col = 0
  const at = (r: number): string[] => {
    while (rows.length <= r) rows.push([])
    return rows[r]!
  }
  const newline = (wrap = false) => {
    row++
    col = 0
    at(row)
    if (wrap) continued.add(row)
    else continued.delete(row)
  }
  const tokens = /\x1b\[([0-9;]*)([A-Za-z])|\r|\n|\x1b|[^\x1b\r\n]/g
  for (const match of output.matchAll(tokens)) {
    const [token, parameter, command] = match
    if (command !== undefined) {
      const n = parameter === '' ? undefined : Number(parameter!.split(';')[0])
      switch (command) {
        case 'A':
          row = Math.max(0, row - (n ?? 1))
          break
        case 'J':
          if ((n ?? 0) === 0) {
            at(row).length = Math.min(at(row).length, col)
            rows.length = row + 1
            for (const r of continued) if (r > row) continued.delete(r)
          }
          break
        case 'K':
          if ((n ?? 0) === 0) at(row).length = Math.min(at(row).length, col)
          break
        default:
          // Colours and anything else that does not move text.
          break
      }
      continue
    }
    if (token === '\r') col = 0
    else if (token === '\n') newline()
    else if (token !== '\x1b') {
      if (col >= columns) newline(true)
      const line = at(row)
      while (line.length < col) line.push(' ')
      line[col++] = token
    }
  }
  const text: string[] = []
  rows.forEach((r, i) => {
    if (continued.has(i) && text.length > 0) text[text.length - 1] += r.join('')
    else text.push(r.join(''))
  })
  for (let i = 0; i < text.length; i++) text[i] = text[i]!.trimEnd()
  while (text.length > 0 && text.at(-1) === '') text.pop()
  return text
}
