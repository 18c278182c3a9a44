import pLimit from 'p-limit'

/**
 * Runs `fn` for the items of each target one after another, and up to `maxConcurrent` targets at once
 * (snapshot transfers, spec §6.3/6.4). A target stops at its first failure; the others go on. Returns
 * the failed items with their errors.
 *
 * QUIRK §10.8: the original groups the mappings per target by comparing the mapping's target name
 * with the target key, which only works when both are equal; we group by target name.
 */
export async function runPerTarget<T extends { targetName: string }>(
  items: readonly T[],
  maxConcurrent: number,
  fn: (item: T) => Promise<void>,
  signal?: AbortSignal,
): Promise<{ item: T; error: unknown }[]> {
  const groups = new Map<string, T[]>()
  for (const item of items) {
    const group = groups.get(item.targetName)
    if (group) group.push(item)
    else groups.set(item.targetName, [item])
  }
  const limit = pLimit(Math.max(1, maxConcurrent))
  const failures: { item: T; error: unknown }[] = []
  await Promise.all(
    [...groups.values()].map((group) =>
      limit(async () => {
        for (const item of group) {
          try {
            signal?.throwIfAborted()
            await fn(item)
          } catch (error) {
            failures.push({ item, error })
            return
          }
        }
      }),
    ),
  )
  return failures
}
