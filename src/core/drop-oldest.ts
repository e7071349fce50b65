/**
 * Keep an insertion-ordered Map or Set to at most `max` entries by dropping
 * the oldest: the bounded "recently seen" memories (ids, decisions, firings)
 * that must not grow with traffic.
 */
export function dropOldest(collection: Map<unknown, unknown> | Set<unknown>, max: number): void {
  // Deleting the entry just visited is safe while iterating a Map or Set.
  for (const key of collection.keys()) {
    if (collection.size <= max) return;
    collection.delete(key);
  }
}
