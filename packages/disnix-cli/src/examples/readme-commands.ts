/** One ```sh block of an example's README: the commands, and the output lines it documents. */
export interface ReadmeBlock {
  /** 1-based line of the opening fence, for messages. */
  line: number
  script: string
  /** The `# => text` lines of the block: text the commands print, in order. */
  expected: string[]
}

/**
 * The ```sh blocks of a README in order. Blocks in other languages (```console, plain ```) are
 * prose, not commands to run.
 */
export function readmeCommands(markdown: string): ReadmeBlock[] {
  const blocks: ReadmeBlock[] = []
  let current: { line: number; lines: string[] } | undefined
  markdown.split('\n').forEach((text, index) => {
    if (current === undefined) {
      if (/^```sh\s*$/.test(text)) current = { line: index + 1, lines: [] }
      return
    }
    if (/^```\s*$/.test(text)) {
      const script = current.lines.join('\n')
      const expected = current.lines.flatMap((l) => /^# => (.*)$/.exec(l)?.slice(1, 2) ?? [])
      blocks.push({ line: current.line, script, expected })
      current = undefined
      return
    }
    current.lines.push(text)
  })
  if (current !== undefined) throw new Error(`unterminated code block at line ${current.line}`)
  return blocks
}
