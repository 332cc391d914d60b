/**
 * One remembered result per key object (held weakly, so a dropped state object frees its entry),
 * recomputed when the stamp changes. The selectors' memo: a store update that leaves the key
 * object and the stamp alone hands a chart the very same data object, so it does not redraw.
 * The stamp is compared with ===: a string, a number, or an object kept by reference.
 */
export function createMemo<K extends object, V>(): (key: K, stamp: unknown, compute: () => V) => V {
  const cache = new WeakMap<K, { stamp: unknown; value: V }>();
  return (key, stamp, compute) => {
    const hit = cache.get(key);
    if (hit && hit.stamp === stamp) return hit.value;
    const value = compute();
    cache.set(key, { stamp, value });
    return value;
  };
}
