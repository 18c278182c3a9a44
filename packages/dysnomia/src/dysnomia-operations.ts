import { DisnixError } from '@disnix-ts/libmain'

/** The operations a Dysnomia module is asked to carry out (`MODULE OPERATION COMPONENT CONTAINER`). */
export const DYSNOMIA_OPERATIONS = ['activate', 'deactivate', 'lock', 'unlock', 'snapshot', 'restore', 'collect-garbage', 'shell', 'check'] as const

export type DysnomiaOperation = (typeof DYSNOMIA_OPERATIONS)[number]

export function isDysnomiaOperation(operation: string): operation is DysnomiaOperation {
  return (DYSNOMIA_OPERATIONS as readonly string[]).includes(operation)
}

/**
 * Refuses anything but one of Dysnomia's operations, before anything is resolved or run: the bundled
 * modules treat an operation they do not know as a successful no-op, so a typo (`activte`) would
 * otherwise "succeed" without doing anything.
 */
export function assertDysnomiaOperation(operation: string): asserts operation is DysnomiaOperation {
  if (isDysnomiaOperation(operation)) return
  const suggestion = closestName(operation, DYSNOMIA_OPERATIONS)
  throw new DisnixError(
    'USAGE',
    `ERROR: Unknown operation: ${JSON.stringify(operation)}${suggestion ? ` (did you mean ${suggestion}?)` : ''}; ` +
      `the operations are: ${DYSNOMIA_OPERATIONS.join(', ')}`,
  )
}

/**
 * The candidate closest to `input` by edit distance (insertions, deletions, substitutions and swaps
 * of neighbours), when it is close enough to be a typo: at most a third of the candidate's length.
 */
export function closestName(input: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined
  let bestDistance = Infinity
  for (const candidate of candidates) {
    const distance = editDistance(input.toLowerCase(), candidate)
    if (distance < bestDistance && distance <= Math.max(1, Math.floor(candidate.length / 3))) {
      best = candidate
      bestDistance = distance
    }
  }
  return best
}

/** Optimal string alignment distance (Damerau-Levenshtein without repeated edits of a substring). */
function editDistance(a: string, b: string): number {
  const rows: number[][] = []
  for (let i = 0; i <= a.length; i++) rows.push(Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)))
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      const row = rows[i] as number[]
      const previous = rows[i - 1] as number[]
      let value = Math.min((previous[j] as number) + 1, (row[j - 1] as number) + 1, (previous[j - 1] as number) + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, (rows[i - 2] as number[])[j - 2] as number + 1)
      row[j] = value
    }
  }
  return (rows[a.length] as number[])[b.length] as number
}
