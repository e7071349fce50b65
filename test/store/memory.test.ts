import { MemoryStore } from '../../src/store/memory/memory-store.js';
import { storeConformance } from './conformance.js';

storeConformance('memory', async () => {
  const store = new MemoryStore();
  return {
    store,
    residue: async (customerId) =>
      Object.entries(store.debugCustomerKeys()).flatMap(([where, ids]) => (ids.includes(customerId) ? [where] : [])),
    cleanup: () => store.close(),
  };
});
