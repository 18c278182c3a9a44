import { DisnixError } from '@disnix-ts/libmain'
import { describe, isRecord } from './id-resources.js'

/**
 * Settings of the services catalogue (`docs.nix`): descriptions of groups, the service properties
 * shown as columns, and column titles.
 */
export interface DocsConfig {
  /** Group path → description. */
  groups: Record<string, string>
  /** Service properties shown as columns (default: description and type). */
  fields: string[]
  /** Property → column title. */
  descriptions: Record<string, string>
}

export function defaultDocsConfig(): DocsConfig {
  return { groups: {}, fields: [], descriptions: {} }
}

/** Checks a docs configuration evaluated to plain data; problems name the file and attribute. */
export function checkDocsConfig(value: unknown, label: string): DocsConfig {
  const fail = (message: string) => new DisnixError('DOCS_CONFIG_INVALID', `${label}: ${message}`)
  if (!isRecord(value)) throw fail(`must be an attribute set { groups, fields, descriptions }, but it is ${describe(value)}`)
  const unknown = Object.keys(value).find((k) => !['groups', 'fields', 'descriptions'].includes(k))
  if (unknown !== undefined) throw fail(`attribute \`${unknown}' is not known (expected groups, fields, descriptions)`)
  const strings = (attr: string): Record<string, string> => {
    const v = value[attr]
    if (v === undefined) return {}
    if (!isRecord(v)) throw fail(`attribute \`${attr}' must be an attribute set of strings, but it is ${describe(v)}`)
    for (const [k, x] of Object.entries(v)) if (typeof x !== 'string') throw fail(`attribute \`${attr}.${k}' must be a string, but it is ${describe(x)}`)
    return v as Record<string, string>
  }
  const fields = value.fields ?? []
  if (!Array.isArray(fields) || !fields.every((f) => typeof f === 'string')) throw fail(`attribute \`fields' must be a list of service property names`)
  return { groups: strings('groups'), fields: fields as string[], descriptions: strings('descriptions') }
}
