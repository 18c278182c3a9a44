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

/** Parses an XML document and returns its root element; malformed XML is a DisnixError naming the source. */
export function parseXml(text: string, options: ParseXmlOptions = {}): XmlElement {
  const source = options.source ?? 'XML document'
  const code = options.errorCode ?? 'XML_INVALID'
  const validation = XMLValidator.validate(text)
  if (validation !== true) {
    const { msg, line, col } = validation.err
    throw new DisnixError(code, `${source}: malformed XML at line ${line}, column ${col}: ${msg}`)
  }
  const roots = (parser.parse(text) as OrderedNode[]).map(toElement).filter((e): e is XmlElement => e !== undefined)
  const root = roots[0]
  if (root === undefined) throw new DisnixError(code, `${source}: the XML document has no root element`)
  return root
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
