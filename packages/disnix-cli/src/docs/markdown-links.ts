/** A link of a Markdown document to another file of the same repository. */
export interface RelativeLink {
  target: string
  line: number
}

/**
 * The relative links of a Markdown text (`[text](path)`, `[text](path#anchor)`, `![alt](path)`),
 * without URLs, mail addresses and in-page anchors. Code spans and fenced blocks are skipped: what they
 * contain is code, not links.
 */
export function relativeLinks(markdown: string): RelativeLink[] {
  const links: RelativeLink[] = []
  let fenced = false
  markdown.split('\n').forEach((text, index) => {
    if (/^\s*(```|~~~)/.test(text)) {
      fenced = !fenced
      return
    }
    if (fenced) return
    const withoutCode = text.replace(/`[^`]*`/g, '')
    for (const match of withoutCode.matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      const raw = match[1] ?? ''
      if (/^[a-z][a-z0-9+.-]*:/i.test(raw) || raw.startsWith('#')) continue
      const target = decodeURIComponent(raw.split('#')[0] ?? '')
      if (target !== '') links.push({ target, line: index + 1 })
    }
  })
  return links
}
