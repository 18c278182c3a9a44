import { DisnixError, type ErrorCode } from '@disnix-ts/libmain'
import { XMLParser, XMLValidator } from 'fast-xml-parser'

/** A parsed XML element: its name, attributes, child elements in document order and its text. */
export interface XmlElement {
  readonly name: string
  readonly attributes: Readonly<Record<string, string>>
  readonly children: readonly XmlElement[]
  /** The concatenated character data directly inside the element (whitespace kept). */
  readonly text: string
}

export interface ParseXmlOptions {
  /** Names the file in error messages. */
  source?: string
  /** The error code for malformed input (default `XML_INVALID`). */
  errorCode?: ErrorCode
  /** What the document should be, for messages: `a deployment manifest (<manifest version="2">)`. */
  expected?: string
}

type OrderedNode = Record<string, unknown> & { ':@'?: Record<string, string> }

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  trimValues: false,
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: true,
  htmlEntities: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  commentPropName: false,
})

/**
 * Parses an XML document and returns its root element. Malformed XML is one DisnixError that names
 * the source, the place and, for an empty or cut-off document, what the document should have been.
 */
export function parseXml(text: string, options: ParseXmlOptions = {}): XmlElement {
  const source = options.source ?? 'XML document'
  const code = options.errorCode ?? 'XML_INVALID'
  const expected = options.expected ?? 'an XML document'
  // A byte order mark is allowed before the document; the validator would take it for text.
  const document = text.startsWith('\uFEFF') ? text.slice(1) : text
  if (document.trim() === '') throw new DisnixError(code, `${source}: the file is empty; expected ${expected}`)
  const validation = XMLValidator.validate(document)
  if (validation !== true) throw new DisnixError(code, `${source}: ${validationMessage(validation.err, expected)}`)
  const roots = (parser.parse(document) as OrderedNode[]).map(toElement).filter((e): e is XmlElement => e !== undefined)
  const root = roots[0]
  if (root === undefined) throw new DisnixError(code, `${source}: the XML document has no root element; expected ${expected}`)
  if (roots.length > 1) {
    throw new DisnixError(code, `${source}: malformed XML: more than one root element (${roots.map((r) => `<${r.name}>`).join(', ')}); expected ${expected}`)
  }
  return root
}

function validationMessage(err: { code: string; msg: string; line: number; col?: number }, expected: string): string {
  // fast-xml-parser reports elements left open at the end as "Invalid '["a","b"]' found.".
  const unclosed = /^Invalid '(\[.*\])' found\.$/s.exec(err.msg)
  if (unclosed !== null) {
    const names = parseNames(unclosed[1] as string)
    if (names !== undefined) return `malformed XML: the document ends before ${names.map((n) => `<${n}>`).join(', ')} ${names.length > 1 ? 'are' : 'is'} closed (is the file cut off?)`
  }
  if (err.msg === 'Start tag expected.') return `malformed XML: no root element; expected ${expected}`
  const place = err.col === undefined ? `line ${err.line}` : `line ${err.line}, column ${err.col}`
  return `malformed XML at ${place}: ${err.msg}`
}

function parseNames(list: string): string[] | undefined {
  try {
    const names: unknown = JSON.parse(list)
    return Array.isArray(names) && names.every((n) => typeof n === 'string') ? names : undefined
  } catch (error) {
    if (error instanceof SyntaxError) return undefined
    throw error
  }
}

/** The child elements with the given name (all children without a name). */
export function childElements(element: XmlElement, name?: string): XmlElement[] {
  return element.children.filter((child) => name === undefined || child.name === name)
}

/** The first child element with the given name. */
export function childElement(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((child) => child.name === name)
}

/** The text of a plain (untyped) field, or undefined when the child element is absent. */
export function childText(element: XmlElement, name: string): string | undefined {
  return childElement(element, name)?.text
}

function toElement(node: OrderedNode): XmlElement | undefined {
  const name = Object.keys(node).find((key) => key !== ':@')
  if (name === undefined || name === '#text' || name.startsWith('?')) return undefined
  const content = (node[name] ?? []) as OrderedNode[]
  const children: XmlElement[] = []
  let text = ''
  for (const item of content) {
    if ('#text' in item) text += String(item['#text'])
    else {
      const child = toElement(item)
      if (child !== undefined) children.push(child)
    }
  }
  return { name, attributes: node[':@'] ?? {}, children, text }
}
