import pLimit, { type LimitFunction } from 'p-limit'

/**
 * Spec §6.7: runs `fn` for every item, all targets at once and at most `numOfCores` at a time per
 * target; no item starts after `signal` is aborted. Waits for all and returns the items that failed
 * with their errors (in item order).
 */
export async function runPerCore<T extends { targetName: string; numOfCores: number }>(
  items: readonly T[],
  fn: (item: T) => Promise<void>,
  signal?: AbortSignal,
): Promise<{ item: T; error: unknown }[]> {
  const limits = new Map<string, LimitFunction>()
  const limitOf = (item: T): LimitFunction => {
    let limit = limits.get(item.targetName)
    if (limit === undefined) {
      limit = pLimit(item.numOfCores)
      limits.set(item.targetName, limit)
    }
    return limit
  }
  const outcomes = await Promise.all(
    items.map((item) =>
      limitOf(item)(async () => {
        try {
          signal?.throwIfAborted()
          await fn(item)
          return undefined
        } catch (error) {
          return { item, error }
        }
      }),
    ),
  )
  return outcomes.filter((outcome) => outcome !== undefined)
}
