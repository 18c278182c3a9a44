import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseXml, type XmlElement } from '@disnix-ts/libxmlmodel'

/** The model fixtures of this package (packages/disnix-cli/fixtures). */
export const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url))

/** The -s/-i/-d arguments of a fixture scenario; files a bad-model case lacks come from `basic`. */
export function modelArgs(scenario: string, base = 'basic'): string[] {
  const pick = (name: string): string => {
    const own = join(FIXTURES, scenario, name)
    try {
      readFileSync(own)
      return own
    } catch {
      return join(FIXTURES, base, name)
    }
  }
  return ['-s', pick('services.nix'), '-i', pick('infrastructure.nix'), '-d', pick('distribution.nix')]
}

/** Child elements along a path of element names ("services/service"), like a simple XPath. */
export function select(root: XmlElement, path: string): XmlElement[] {
  let nodes: XmlElement[] = [root]
  for (const step of path.split('/')) nodes = nodes.flatMap((node) => node.children.filter((child) => child.name === step))
  return nodes
}

export function textOf(element: XmlElement, child: string): string {
  return element.children.find((c) => c.name === child)?.text.trim() ?? ''
}

/** A mapping as a plain object of its child elements' text. */
export function mappingObject(element: XmlElement): Record<string, string> {
  return Object.fromEntries(element.children.map((c) => [c.name, c.text.trim()]))
}

export function readXml(path: string): XmlElement {
  return parseXml(readFileSync(path, 'utf8'), { source: path })
}
