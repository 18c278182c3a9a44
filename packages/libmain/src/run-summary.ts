import { formatBytes, formatDuration, type ProgressEvent } from './progress.js'

/** What one target went through in a run. */
export interface TargetSummary {
  /** Per operation (activate, deactivate, snapshot, restore, ...), the services it was done to, in order. */
  done: Record<string, string[]>
  /** Per operation, the services the rollback did it to. */
  rolledBack: Record<string, string[]>
  /** `operation service` of every failed step. */
  failed: string[]
  /** Bytes sent to or received from the target (closures, snapshots). */
  bytes: number
}

/** How a run ended. */
export type RunStatus = 'success' | 'failed' | 'interrupted'

/** The sum of a run's progress events: what every target went through, and which phases ran. */
export interface RunSummary {
  /** Targets in the order they first appeared. */
  targets: Record<string, TargetSummary>
  /** The phases that ran, in order. */
  phases: string[]
}

/**
 * Operations that only keep the books of a deployment: on their own they change nothing a user would
 * call a change (a no-op redeploy locks, sets the same profiles and unlocks). Transfers count by their
 * bytes instead.
 */
// A health check changes nothing either: it is part of an activation.
const BOOKKEEPING = new Set(['lock', 'unlock', 'set profile', 'distribute', 'retrieve', 'send', 'query', 'check'])

/** Phases after which "nothing changed" means a deployment had nothing to do. */
const DEPLOYMENT_PHASES = new Set(['distribute', 'activate', 'migrate', 'snapshot', 'restore', 'delete-state'])

/** What a finished step is called in a summary. */
const PAST: Record<string, string> = {
  activate: 'activated',
  check: 'checked healthy',
  deactivate: 'deactivated',
  snapshot: 'snapshotted',
  restore: 'restored',
  'delete-state': 'deleted the state of',
  'collect garbage': 'collected garbage',
  'clean-snapshots': 'cleaned snapshots of',
  lock: 'locked',
  unlock: 'unlocked',
  'set profile': 'set the profile',
  distribute: 'received the closure',
  retrieve: 'retrieved snapshots of',
  send: 'sent snapshots of',
}

export function emptyRunSummary(): RunSummary {
  return { targets: {}, phases: [] }
}

/** Adds one event to a summary (in place). */
export function addToSummary(summary: RunSummary, event: ProgressEvent): void {
  switch (event.kind) {
    case 'phase':
      if (event.status === 'start') summary.phases.push(event.phase)
      break
    case 'step': {
      const target = targetOf(summary, event.target)
      if (event.status === 'done') {
        const into = event.rollback ? target.rolledBack : target.done
        ;(into[event.step] ??= []).push(event.service ?? '')
        target.bytes += event.bytes ?? 0
      } else if (event.status === 'failed') {
        target.failed.push(event.service ? `${event.step} ${event.service}` : event.step)
      }
      break
    }
    case 'transfer':
      if (event.done) targetOf(summary, event.target).bytes += event.bytes
      break
    case 'expect':
      targetOf(summary, event.target)
      break
    case 'message':
      break
  }
}

function targetOf(summary: RunSummary, name: string): TargetSummary {
  return (summary.targets[name] ??= { done: {}, rolledBack: {}, failed: [], bytes: 0 })
}

/** Whether a target changed: anything beyond bookkeeping was done, rolled back, failed or transferred. */
export function targetChanged(target: TargetSummary): boolean {
  const changes = (record: Record<string, string[]>) => Object.keys(record).some((step) => !BOOKKEEPING.has(step))
  return changes(target.done) || Object.keys(target.rolledBack).length > 0 || target.failed.length > 0 || target.bytes > 0
}

/** True when a run that deploys (or moves state) changed nothing on any target. */
export function nothingToDo(summary: RunSummary, status: RunStatus): boolean {
  return status === 'success' && summary.phases.some((phase) => DEPLOYMENT_PHASES.has(phase)) && !Object.values(summary.targets).some(targetChanged)
}

/**
 * The summary of a run as lines (without prefix): a head line with the outcome and the elapsed time,
 * then one line per target with what it went through. A deployment that changed nothing is one line.
 */
export function summaryLines(summary: RunSummary, status: RunStatus, elapsedMs: number): string[] {
  const elapsed = formatDuration(elapsedMs)
  if (nothingToDo(summary, status)) return [`Nothing to do: no service changed on any target (${elapsed})`]
  const head = status === 'success' ? `Done in ${elapsed}` : status === 'interrupted' ? `Interrupted after ${elapsed}` : `Failed after ${elapsed}`
  const changed = Object.entries(summary.targets).filter(([, target]) => targetChanged(target))
  // Bookkeeping is only worth a line when it was all the run did (disnix-lock, disnix-set).
  const shown = changed.length > 0 ? changed : Object.entries(summary.targets)
  const lines = shown.map(([name, target]) => `  ${name}: ${describeTarget(target, changed.length > 0)}`).filter((line) => !line.endsWith(': '))
  return lines.length === 0 ? [head] : [`${head}:`, ...lines]
}

function describeTarget(target: TargetSummary, changesOnly: boolean): string {
  const parts: string[] = []
  for (const [step, services] of Object.entries(target.done)) {
    if (changesOnly && BOOKKEEPING.has(step)) continue
    parts.push(describeStep(step, services))
  }
  for (const [step, services] of Object.entries(target.rolledBack)) parts.push(`rolled back: ${describeStep(step, services)}`)
  if (target.bytes > 0) parts.push(`${formatBytes(target.bytes)} transferred`)
  if (target.failed.length > 0) parts.push(`failed: ${listNames(target.failed)}`)
  return parts.join('; ')
}

function describeStep(step: string, services: readonly string[]): string {
  const verb = PAST[step] ?? `${step} done`
  const names = services.filter((name) => name !== '')
  if (names.length === 0) return services.length > 1 ? `${verb} (${services.length}x)` : verb
  return `${verb} ${listNames(names)}`
}

/** Up to five names, then how many more. */
function listNames(names: readonly string[]): string {
  const unique = [...new Set(names)]
  return unique.length <= 5 ? unique.join(', ') : `${unique.slice(0, 4).join(', ')} and ${unique.length - 4} more`
}
