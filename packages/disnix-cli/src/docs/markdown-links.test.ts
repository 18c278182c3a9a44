import { describe, expect, test } from 'vitest'
import { relativeLinks } from './markdown-links.js'

describe('relativeLinks', () => {
  test('returns relative links with their line, without anchors', () => {
    const text = 'See [the tool](tools/disnix-env.md#options) and\n![graph](images/a%20b.svg "title").'
    expect(relativeLinks(text)).toEqual([
      { target: 'tools/disnix-env.md', line: 1 },
      { target: 'images/a b.svg', line: 2 },
    ])
  })

  test('skips URLs, mail addresses, in-page anchors, code spans and fenced blocks', () => {
    const text = [
      '[web](https://example.org/x.md) [mail](mailto:a@b) [here](#usage)',
      'code: `[x](not-a-link.md)`',
      '```',
      '[y](inside-a-fence.md)',
      '```',
    ].join('\n')
    expect(relativeLinks(text)).toEqual([])
  })
})
