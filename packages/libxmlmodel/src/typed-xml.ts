import { DisnixError, type ErrorCode } from '@disnix-ts/libmain'
import { childElements, type XmlElement } from './xml-element.js'
import type { XmlNode } from './xml-writer.js'
import {
  formatFloatLikeNix,
  nixFloat,
  nixPath,
  nixTypeOf,
  sortedNames,
  type NixAttrs,
  type NixFloat,
  type NixPath,
  type NixValue,
} from './nix-value.js'

export interface TypedXmlOptions {
  /** Names the file in error messages. */
  source?: string
  /** The error code for a malformed value (default `XML_INVALID`). */
  errorCode?: ErrorCode
}

/**
 * Reads a typed value (spec §2.1, "NixXML verbose"): the element's `type` attribute says how to read
 * it; lists hold `<elem type=…>` children, attribute sets `<property name=… type=…>` children.
 */
export function parseTypedValue(element: XmlElement, options: TypedXmlOptions = {}): NixValue {
  const type = element.attributes.type
  if (type === undefined) throw typedError(options, `element <${element.name}> has no type annotation`)
  switch (type) {
    case 'string':
      return element.text
    case 'int': {
      const text = element.text.trim()
      if (!/^[-+]?\d+$/.test(text)) throw typedError(options, `element <${element.name}>: "${text}" is not an int`)
      return Number(text)
    }
    case 'float': {
      const value = Number(element.text.trim())
      if (element.text.trim() === '' || Number.isNaN(value)) {
        throw typedError(options, `element <${element.name}>: "${element.text.trim()}" is not a float`)
      }
      return nixFloat(value)
    }
    case 'bool': {
      const text = element.text.trim()
      if (text !== 'true' && text !== 'false') throw typedError(options, `element <${element.name}>: "${text}" is not a bool`)
      return text === 'true'
    }
    case 'path':
      return nixPath(element.text.trim())
    case 'list':
      return childElements(element, 'elem').map((child) => parseTypedValue(child, options))
    case 'attrs':
      return parseTypedAttrs(element, options)
    default:
      throw typedError(options, `element <${element.name}> has an unknown type: ${type}`)
  }
}

/** Reads the `<property name=…>` children of an element as an attribute set (no `type` needed on it). */
export function parseTypedAttrs(element: XmlElement, options: TypedXmlOptions = {}): NixAttrs {
  const attrs: NixAttrs = {}
  for (const child of childElements(element, 'property')) {
    const name = child.attributes.name
    if (name === undefined) throw typedError(options, `a <property> inside <${element.name}> has no name`)
    attrs[name] = parseTypedValue(child, options)
  }
  return attrs
}

/**
 * The element that encodes a value in typed-value XML; `attributes` come before `type`
 * (`<property name="port" type="int">`). Attribute sets list their members in sorted order; null
 * members and list elements are left out, as the typed form has no null (as on the Nix side).
 */
export function typedValueNode(name: string, value: NixValue, attributes: ReadonlyArray<readonly [string, string]> = []): XmlNode {
  const type = nixTypeOf(value)
  const node: XmlNode = { name, attributes: [...attributes, ['type', type === 'null' ? 'string' : type]] }
  switch (type) {
    case 'list':
      node.children = (value as NixValue[]).filter((item) => item !== null).map((item) => typedValueNode('elem', item))
      break
    case 'attrs':
      node.children = typedAttrsNodes(value as NixAttrs)
      break
    case 'float':
      node.text = formatFloatLikeNix((value as NixFloat).value)
      break
    case 'path':
      node.text = (value as NixPath).value
      break
    case 'null':
      node.text = ''
      break
    default:
      node.text = String(value)
  }
  return node
}

/** The `<property>` children of an attribute set, sorted by name. */
export function typedAttrsNodes(attrs: NixAttrs): XmlNode[] {
  return sortedNames(attrs)
    .filter((name) => attrs[name] !== null)
    .map((name) => typedValueNode('property', attrs[name] as NixValue, [['name', name]]))
}

function typedError(options: TypedXmlOptions, message: string): DisnixError {
  return new DisnixError(options.errorCode ?? 'XML_INVALID', options.source ? `${options.source}: ${message}` : message)
}

