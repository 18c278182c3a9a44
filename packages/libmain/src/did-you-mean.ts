/**
 * The candidates closest to a misspelled word (as commander suggests options): edit distance at most
 * a third of the word's length (at least 1), the closest ones only. Empty when nothing is close.
 */
export function similarWords(word: string, candidates: Iterable<string>): string[] {
  const limit = Math.max(1, Math.floor(word.length / 3))
  let best = limit + 1
  let found: string[] = []
  for (const candidate of new Set(candidates)) {
    if (candidate === word) continue
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase())
    if (distance < best) {
      best = distance
      found = [candidate]
    } else if (distance === best) found.push(candidate)
  }
  return best <= limit ? found.sort() : []
}

/** ` (did you mean: staff?)`, or '' when no candidate is close. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const similar = similarWords(word, candidates)
  return similar.length === 0 ? '' : ` (did you mean: ${similar.join(', ')}?)`
}

/** Damerau-Levenshtein distance (optimal string alignment): insertions, deletions, substitutions, transpositions. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)])
  for (let j = 0; j <= b.length; j++) d[0]![j] = j
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1)
    }
  }
  return d[a.length]![b.length]!
}
