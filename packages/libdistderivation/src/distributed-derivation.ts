import { readFile } from 'node:fs/promises'
import { DisnixError, hasErrorCode } from '@disnix-ts/libmain'
import { childElement, childElements, childText, parseXml, printXmlDocument, sortedNames, type XmlElement } from '@disnix-ts/libxmlmodel'

/** A store derivation to build on the machine behind `interface` (a key of `interfaces`). */
export interface DerivationMapping {
  derivation: string
  interface: string
}

/** How to reach a build machine. */
export interface BuildInterface {
  targetAddress: string
  clientInterface: string
}

/** The distributed derivation file (spec §2.5), the result of `disnix-instantiate`. Arrays in document order. */
export interface DistributedDerivation {
  derivationMappings: DerivationMapping[]
  interfaces: Record<string, BuildInterface>
}

/** Parses a distributed derivation; the version is not checked, as in the original. */
export function parseDistributedDerivationXml(text: string, source = 'distributed derivation'): DistributedDerivation {
  const root = parseXml(text, { source, errorCode: 'DISTRIBUTED_DERIVATION_INVALID', expected: 'a distributed derivation (<distributedderivation>, as disnix-instantiate writes it)' })
  if (root.name !== 'distributedderivation') {
    throw new DisnixError('DISTRIBUTED_DERIVATION_INVALID', `${source}: expected a <distributedderivation> root element, found <${root.name}>`)
  }
  const interfaces: Record<string, BuildInterface> = {}
  for (const element of section(root, 'interfaces', 'interface')) {
    interfaces[element.attributes.name ?? ''] = {
      targetAddress: field(element, 'targetAddress'),
      clientInterface: field(element, 'clientInterface'),
    }
  }
  return {
    derivationMappings: section(root, 'derivationMappings', 'mapping').map((element) => ({
      derivation: field(element, 'derivation'),
      interface: field(element, 'interface'),
    })),
    interfaces,
  }
}

/** Every problem of spec §2.5's validation, one message each. */
export function distributedDerivationProblems(dd: DistributedDerivation): string[] {
  const problems: string[] = []
  dd.derivationMappings.forEach((mapping, i) => {
    if (mapping.derivation === '') problems.push(`Derivation mapping: ${i} has no derivation`)
    if (mapping.interface === '') problems.push(`Derivation mapping: ${i} has no interface`)
    else if (!Object.hasOwn(dd.interfaces, mapping.interface)) {
      problems.push(`Derivation mapping: ${i} contains an incorrect reference to interface: ${mapping.interface}`)
    }
  })
  for (const [name, iface] of Object.entries(dd.interfaces)) {
    if (iface.targetAddress === '') problems.push(`Interface: ${name} has no targetAddress`)
    if (iface.clientInterface === '') problems.push(`Interface: ${name} has no clientInterface`)
  }
  return problems
}

/** Throws DISTRIBUTED_DERIVATION_INVALID (exit 1) listing the problems. */
export function checkDistributedDerivation(dd: DistributedDerivation, source = 'distributed derivation'): void {
  const problems = distributedDerivationProblems(dd)
  if (problems.length > 0) throw new DisnixError('DISTRIBUTED_DERIVATION_INVALID', `${source} is invalid:\n${problems.join('\n')}`)
}

/** Reads and validates a distributed derivation file. */
export async function readDistributedDerivation(path: string): Promise<DistributedDerivation> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    if (hasErrorCode(error, 'ENOENT')) throw new DisnixError('DISTRIBUTED_DERIVATION_NOT_FOUND', `The distributed derivation file: ${path} does not exist`)
    if (hasErrorCode(error, 'EACCES')) throw new DisnixError('DISTRIBUTED_DERIVATION_NOT_FOUND', `The distributed derivation file: ${path} cannot be read`)
    throw error
  }
  const dd = parseDistributedDerivationXml(text, path)
  checkDistributedDerivation(dd, `The distributed derivation file: ${path}`)
  return dd
}

/** Prints a distributed derivation byte for byte as the original (and disnix-instantiate) writes it (spec §2.5). */
export function printDistributedDerivationXml(dd: DistributedDerivation): string {
  return printXmlDocument({
    name: 'distributedderivation',
    attributes: [['version', '2']],
    children: [
      {
        name: 'derivationMappings',
        children: dd.derivationMappings.map((m) => ({
          name: 'mapping',
          inline: true,
          children: [
            { name: 'derivation', text: m.derivation },
            { name: 'interface', text: m.interface },
          ],
        })),
      },
      {
        name: 'interfaces',
        children: sortedNames(dd.interfaces).map((name) => ({
          name: 'interface',
          attributes: [['name', name]],
          inline: true,
          children: [
            { name: 'targetAddress', text: (dd.interfaces[name] as BuildInterface).targetAddress },
            { name: 'clientInterface', text: (dd.interfaces[name] as BuildInterface).clientInterface },
          ],
        })),
      },
    ],
  })
}

function section(root: XmlElement, name: string, item: string): XmlElement[] {
  const element = childElement(root, name)
  return element === undefined ? [] : childElements(element, item)
}

function field(element: XmlElement, name: string): string {
  return childText(element, name)?.trim() ?? ''
}
