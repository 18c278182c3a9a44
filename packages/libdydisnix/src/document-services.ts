import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { runCommand } from '@disnix-ts/libmain'
import { nixValueToText } from '@disnix-ts/libxmlmodel'
import { defaultDocsConfig, type DocsConfig } from './docs-config.js'
import { groupView, serviceGroupsOf } from './service-groups.js'
import type { ServicesTable } from './services-xml.js'
import { servicesDot } from './visualize-services.js'

export interface ServicesPageOptions {
  group: string
  docs?: DocsConfig
  /** The diagram image next to the page (`diagram.dot.<format>`), if one is made. */
  imageFormat?: string
  groupSubservices: boolean
}

/** The HTML page of one group of the services catalogue: its diagram, its services, its sub groups. */
export function servicesPage(services: ServicesTable, options: ServicesPageOptions): string {
  const docs = options.docs ?? defaultDocsConfig()
  const { group } = options
  const nodes = groupView(services, { group, groupSubservices: options.groupSubservices, context: false })
  const title = group === '' ? 'Services' : (docs.groups[group] ?? group)
  const root = group === '' ? '.' : group.split('/').map(() => '..').join('/')
  const fields = docs.fields.length > 0 ? docs.fields : ['description', 'type']
  const out = [
    '<!DOCTYPE html>',
    '<html>',
    '  <head>',
    '    <meta charset="utf-8">',
    `    <title>Functional architecture: ${html(title)}</title>`,
    `    <link rel="stylesheet" type="text/css" href="${root}/style.css">`,
    '  </head>',
    '  <body>',
    `    <h1>${html(title)}</h1>`,
  ]
  if (group !== '') out.push(`    <p><a href="${root}/index.html">Top</a></p>`)
  if (options.imageFormat !== undefined) out.push(`    <p><img src="diagram.dot.${html(options.imageFormat)}" alt="Architecture diagram of ${html(title)}"></p>`)
  const serviceNodes = nodes.filter((n) => !n.isGroup)
  if (serviceNodes.length > 0) {
    out.push('    <h2>Services</h2>', '    <table>', `      <tr><th>Name</th>${fields.map((f) => `<th>${html(docs.descriptions[f] ?? capitalize(f))}</th>`).join('')}</tr>`)
    for (const n of serviceNodes) {
      const cells = fields.map((f) => {
        const value = services[n.name]!.properties[f]
        return `<td>${value === undefined || value === null ? '' : html(nixValueToText(value))}</td>`
      })
      out.push(`      <tr><td>${html(n.name)}</td>${cells.join('')}</tr>`)
    }
    out.push('    </table>')
  }
  const groupNodes = nodes.filter((n) => n.isGroup)
  if (groupNodes.length > 0) {
    out.push('    <h2>Groups</h2>', '    <table>', '      <tr><th>Name</th><th>Description</th></tr>')
    for (const n of groupNodes) out.push(`      <tr><td><a href="${html(n.name)}/index.html">${html(n.name)}</a></td><td>${html(docs.groups[n.key] ?? '')}</td></tr>`)
    out.push('    </table>')
  }
  out.push('  </body>', '</html>', '')
  return out.join('\n')
}

export interface ServicesCatalogueOptions {
  outputDir: string
  /** Image format for `dot -T` (svg, png, ...); without it only the .dot files are written. */
  imageFormat?: string
  docs?: DocsConfig
  /** Which artefacts to write (dydisnix-visualize-services --batch writes diagrams only). */
  diagrams: boolean
  pages: boolean
  env?: NodeJS.ProcessEnv
}

/**
 * Writes the catalogue: for the root and every group `<dir>/<group>/diagram.dot` (and its image,
 * made by Graphviz's `dot`) and `<dir>/<group>/index.html`, plus `<dir>/style.css`. Returns the
 * groups written ("" = the root).
 */
export async function writeServicesCatalogue(services: ServicesTable, options: ServicesCatalogueOptions): Promise<string[]> {
  const groups = ['', ...serviceGroupsOf(services)]
  for (const group of groups) {
    const dir = join(options.outputDir, group)
    await mkdir(dir, { recursive: true })
    if (options.diagrams) {
      const file = join(dir, 'diagram.dot')
      await writeFile(file, servicesDot(groupView(services, { group, groupSubservices: true, context: true })))
      if (options.imageFormat !== undefined) {
        await runCommand('dot', [`-T${options.imageFormat}`, '-O', file], { env: options.env, step: `rendering ${file} with Graphviz dot` })
      }
    }
    if (options.pages) {
      await writeFile(join(dir, 'index.html'), servicesPage(services, { group, docs: options.docs, imageFormat: options.imageFormat, groupSubservices: true }))
    }
  }
  if (options.pages) await writeFile(join(options.outputDir, 'style.css'), STYLESHEET)
  return groups
}

const STYLESHEET = `body { font-family: sans-serif; margin: 2em; color: #222; }
h1 { font-size: 1.6em; }
h2 { font-size: 1.2em; margin-top: 1.5em; }
table { border-collapse: collapse; }
th, td { border: 1px solid #bbb; padding: 0.3em 0.8em; text-align: left; vertical-align: top; }
th { background: #eee; }
img { max-width: 100%; }
`

function html(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
