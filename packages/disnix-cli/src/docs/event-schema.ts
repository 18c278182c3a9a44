// The JSON event stream's schema as docs/formats.md ("Event stream") documents it, read from its
// table, and a check of events against it: tests keep the stream and its documentation in step.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { installRoot } from '@disnix-ts/libmain'

export interface FieldRule {
  type: string
  required: boolean
}

/** Per event kind (`*`: every event), its fields. */
export type EventSchema = Map<string, Map<string, FieldRule>>

export async function documentedEventSchema(): Promise<EventSchema> {
  const text = await readFile(join(installRoot(), 'docs', 'formats.md'), 'utf8')
  const section = text.split('\n## Event stream\n')[1]?.split('\n## ')[0]
  if (section === undefined) throw new Error('docs/formats.md has no "Event stream" section')
  const schema: EventSchema = new Map()
  for (const line of section.split('\n')) {
    const row = /^\| (\*|`[a-z-]+`) \| `(\w+)` \| ([^|]+?) \| (always|optional)\b/.exec(line)
    if (!row) continue
    const kind = row[1]!.replaceAll('`', '')
    const fields = schema.get(kind) ?? new Map<string, FieldRule>()
    fields.set(row[2]!, { type: row[3]!.trim(), required: row[4] === 'always' })
    schema.set(kind, fields)
  }
  if (!schema.has('*') || schema.size < 2) throw new Error('the "Event stream" table of docs/formats.md could not be read')
  return schema
}

/** What is wrong with one event by the schema ([] when nothing). */
export function eventProblems(schema: EventSchema, event: Record<string, unknown>): string[] {
  const kind = String(event.event)
  const own = schema.get(kind)
  if (own === undefined || kind === '*') return [`undocumented event kind: ${kind}`]
  const fields = new Map([...schema.get('*')!, ...own])
  const problems: string[] = []
  for (const [name, rule] of fields) {
    if (!(name in event)) {
      if (rule.required) problems.push(`${kind}: missing ${name}`)
      continue
    }
    const problem = typeProblem(rule.type, event[name])
    if (problem) problems.push(`${kind}.${name}: ${problem}`)
  }
  for (const name of Object.keys(event)) if (!fields.has(name)) problems.push(`${kind}: undocumented field ${name}`)
  return problems
}

function typeProblem(type: string, value: unknown): string | undefined {
  const oneOf = /^one of (.*)$/.exec(type)
  if (oneOf) {
    const allowed = oneOf[1]!.split(',').map((s) => s.trim())
    return allowed.includes(value as string) ? undefined : `${JSON.stringify(value)} is not one of ${allowed.join(', ')}`
  }
  switch (type) {
    case 'integer':
      return Number.isInteger(value) && (value as number) >= 0 ? undefined : `not a whole number: ${JSON.stringify(value)}`
    case 'string':
      return typeof value === 'string' ? undefined : `not a string: ${JSON.stringify(value)}`
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `not a boolean: ${JSON.stringify(value)}`
    case 'time':
      return typeof value === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(value) ? undefined : `not an ISO 8601 UTC time: ${JSON.stringify(value)}`
    case 'error':
      return errorProblem(value)
    case 'targets':
      return targetsProblem(value)
    default:
      return `the documentation names an unknown type: ${type}`
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)
const isStrings = (value: unknown) => Array.isArray(value) && value.every((item) => typeof item === 'string')

function errorProblem(value: unknown): string | undefined {
  if (!isObject(value) || typeof value.reason !== 'string') return `not an error with a reason: ${JSON.stringify(value)}`
  for (const [key, field] of Object.entries(value)) {
    if (!['reason', 'code', 'hint'].includes(key)) return `an error with an undocumented field: ${key}`
    if (typeof field !== 'string') return `an error whose ${key} is not a string`
  }
  return undefined
}

function targetsProblem(value: unknown): string | undefined {
  if (!isObject(value)) return 'not an object'
  for (const [name, target] of Object.entries(value)) {
    if (!isObject(target)) return `${name}: not an object`
    const keys = Object.keys(target).sort().join(',')
    if (keys !== 'bytes,done,failed,rolledBack') return `${name}: fields ${keys}, not bytes, done, failed, rolledBack`
    for (const key of ['done', 'rolledBack']) {
      const byOperation = target[key]
      if (!isObject(byOperation) || !Object.values(byOperation).every(isStrings)) return `${name}.${key}: not operations with lists of services`
    }
    if (!isStrings(target.failed)) return `${name}.failed: not a list of strings`
    if (!Number.isInteger(target.bytes)) return `${name}.bytes: not a whole number`
  }
  return undefined
}
