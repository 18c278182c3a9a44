/** An element to print: plain fields have `text`, structured ones have `children`. */
export interface XmlNode {
  name: string
  attributes?: ReadonlyArray<readonly [string, string]>
  text?: string
  children?: XmlNode[]
  /** In the indented layout: print the element and everything inside it on one line. */
  inline?: boolean
}

export interface PrintXmlOptions {
  /** Start with `<?xml version="1.0"?>`. */
  declaration?: boolean
}

/**
 * Prints a document as the original's files are: what xsltproc writes for the result of its
 * stylesheets (manifests, profile manifests, infrastructure XML, distributed derivations). The
 * declaration `<?xml version="1.0"?>`, an empty line, two spaces, the whole element on one line, two
 * newlines (the spaces and newlines are toXML's whitespace around the value, which the stylesheets
 * copy). The Nix side (nix/lib/xml.nix) prints the same bytes.
 */
export function printXmlDocument(root: XmlNode): string {
  return `<?xml version="1.0"?>\n\n  ${compactNode(root)}\n\n`
}

/**
 * Prints an element tree indented for reading: two spaces per level, a field with text (even empty)
 * on one line, an element without children as `<name/>`, `inline` elements entirely on one line, and
 * a final newline.
 */
export function printXml(root: XmlNode, options: PrintXmlOptions = {}): string {
  const lines: string[] = options.declaration === false ? [] : ['<?xml version="1.0"?>']
  printNode(root, 0, lines)
  return `${lines.join('\n')}\n`
}

function printNode(node: XmlNode, depth: number, lines: string[]): void {
  const indent = '  '.repeat(depth)
  const children = node.children ?? []
  if (node.inline || children.length === 0) {
    lines.push(`${indent}${compactNode(node)}`)
    return
  }
  lines.push(`${indent}<${openTag(node)}>`)
  for (const child of children) printNode(child, depth + 1, lines)
  lines.push(`${indent}</${node.name}>`)
}

/** An element on one line; without children or text (or with empty text) as `<name/>`, as libxml2 writes it. */
function compactNode(node: XmlNode): string {
  const children = node.children ?? []
  const content = children.length > 0 ? children.map(compactNode).join('') : escapeXmlText(node.text ?? '')
  return content === '' ? `<${openTag(node)}/>` : `<${openTag(node)}>${content}</${node.name}>`
}

function openTag(node: XmlNode): string {
  return `${node.name}${(node.attributes ?? []).map(([key, value]) => ` ${key}="${escapeXmlAttribute(value)}"`).join('')}`
}

/**
 * Escapes character data as libxml2 serializes it: `&`, `<`, `>` and the carriage return (which a
 * parser would otherwise turn into a newline). Quotes, tabs, newlines and non-ASCII stay as they are.
 */
export function escapeXmlText(text: string): string {
  return text.replace(/[&<>\r]/g, (c) => TEXT_ESCAPES[c] as string)
}

/**
 * Escapes an attribute value as libxml2 serializes it: also `"`, newline, tab and carriage return
 * (which a parser would turn into spaces), and every non-ASCII character as a hexadecimal character
 * reference (`&#xE9;`).
 */
export function escapeXmlAttribute(text: string): string {
  return text.replace(/[&<>"\n\r\t]|[^\x00-\x7f]/gu, (c) => ATTRIBUTE_ESCAPES[c] ?? `&#x${(c.codePointAt(0) as number).toString(16).toUpperCase()};`)
}

const TEXT_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#13;' }
const ATTRIBUTE_ESCAPES: Record<string, string> = { ...TEXT_ESCAPES, '"': '&quot;', '\n': '&#10;', '\t': '&#9;' }
