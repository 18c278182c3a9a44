/** An element to print: plain fields have `text`, structured ones have `children`. */
export interface XmlNode {
  name: string
  attributes?: ReadonlyArray<readonly [string, string]>
  text?: string
  children?: XmlNode[]
  /** Print the element and everything inside it on one line (mappings, as the original's files do). */
  inline?: boolean
}

export interface PrintXmlOptions {
  /** Start with `<?xml version="1.0"?>` (as xsltproc writes it). */
  declaration?: boolean
}

/**
 * Prints an element tree in the layout of the manifests that disnix-manifest writes: two spaces per
 * level, a field with text (even empty) on one line, an element without children as `<name/>`,
 * `inline` elements entirely on one line, and a final newline.
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
    lines.push(`${indent}${inlineNode(node)}`)
    return
  }
  lines.push(`${indent}<${openTag(node)}>`)
  for (const child of children) printNode(child, depth + 1, lines)
  lines.push(`${indent}</${node.name}>`)
}

function inlineNode(node: XmlNode): string {
  const children = node.children ?? []
  if (children.length > 0) return `<${openTag(node)}>${children.map(inlineNode).join('')}</${node.name}>`
  if (node.text !== undefined) return `<${openTag(node)}>${escapeXmlText(node.text)}</${node.name}>`
  return `<${openTag(node)}/>`
}

function openTag(node: XmlNode): string {
  return `${node.name}${(node.attributes ?? []).map(([key, value]) => ` ${key}="${escapeXmlAttribute(value)}"`).join('')}`
}

/** Escapes the five XML special characters (as the Nix side's printer does, for identical output). */
export function escapeXmlText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;')
}

export function escapeXmlAttribute(text: string): string {
  return escapeXmlText(text).replace(/\n/g, '&#10;').replace(/\t/g, '&#9;').replace(/\r/g, '&#13;')
}
