import type { TactStore } from '../store/store.js';

/**
 * Count failed store operations without touching the adapters: every method
 * that returns a promise is wrapped so a rejection is counted (by method
 * name, a bounded label) and passed on unchanged.
 */
export function instrumentStore(store: TactStore, onError: (operation: string) => void): TactStore {
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(store, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function' || typeof prop !== 'string') return value;
      let fn = wrapped.get(prop);
      if (!fn) {
        const original = value as (...args: unknown[]) => unknown;
        fn = function (this: unknown, ...args: unknown[]): unknown {
          const result = original.apply(target, args);
          if (!(result instanceof Promise)) return result;
          return result.catch((err: unknown) => {
            onError(prop);
            throw err;
          });
        };
        wrapped.set(prop, fn);
      }
      return fn;
    },
  });
}
