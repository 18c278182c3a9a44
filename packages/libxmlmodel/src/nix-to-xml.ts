import { DisnixError } from '@disnix-ts/libmain'
import { nixFloat, nixPath, type NixAttrs, type NixValue } from './nix-value.js'
import { parseXml, type XmlElement } from './xml-element.js'

export interface ParseNixXmlOptions {
  /** Names the producer in error messages (e.g. the model file). */
  source?: string
}

/**
 * Reads the output of Nix's `builtins.toXML` / `nix-instantiate --eval --xml --strict`
 * (`<expr><attrs><attr name="…"><string value="…"/>…`) as a NixValue. A derivation becomes its
 * `outPath` string (what it coerces to); functions, which data cannot hold, become null.
 */
export function parseNixXml(text: string, options: ParseNixXmlOptions = {}): NixValue {
  const source = options.source ?? 'Nix XML'
  const root = parseXml(text, { source, errorCode: 'NIX_XML_INVALID' })
  if (root.name !== 'expr') throw new DisnixError('NIX_XML_INVALID', `${source}: expected an <expr> root element, found <${root.name}>`)
  const value = root.children[0]
  if (value === undefined) throw new DisnixError('NIX_XML_INVALID', `${source}: <expr> holds no value`)
  return readValue(value, source)
}

function readValue(element: XmlElement, source: string): NixValue {
  const value = element.attributes.value
  switch (element.name) {
    case 'string':
      return value ?? ''
    case 'int':
      return Number(value)
    case 'float':
      return nixFloat(Number(value))
    case 'bool':
      return value === 'true'
    case 'null':
      return null
    case 'path':
      return nixPath(value ?? '')
    case 'list':
      return element.children.map((child) => readValue(child, source))
    case 'attrs':
      return readAttrs(element, source)
    case 'derivation':
      return element.attributes.outPath ?? ''
    case 'function':
    case 'unevaluated':
      return null
    default:
      throw new DisnixError('NIX_XML_INVALID', `${source}: unknown Nix value element <${element.name}>`)
  }
}

function readAttrs(element: XmlElement, source: string): NixAttrs {
  const attrs: NixAttrs = {}
  for (const attr of element.children) {
    const name = attr.attributes.name
    const inner = attr.children[0]
    if (attr.name !== 'attr' || name === undefined || inner === undefined) {
      throw new DisnixError('NIX_XML_INVALID', `${source}: malformed attribute inside <attrs>`)
    }
    attrs[name] = readValue(inner, source)
  }
  return attrs
}
