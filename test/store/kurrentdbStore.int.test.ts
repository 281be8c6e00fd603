// Runs the store contract against KurrentDB/EventStoreDB when KURRENTDB_URL is set (docker-compose.yml starts one),
// e.g. KURRENTDB_URL=kurrentdb://127.0.0.1:2113?tls=false. Skipped otherwise: there is no server here.
import { describe, it } from 'vitest';
import { createEventStore } from '../../src/store/index.js';
import { testEventStore } from './eventStoreContract.js';

const url = process.env.KURRENTDB_URL;

if (url === undefined || url === '') {
  describe('kurrentdb event store contract', () => {
    it.skip('runs only when KURRENTDB_URL is set', () => undefined);
  });
} else {
  // $all is shared by every stream of the server; each run's stream names are unique, but $all tests see all.
  testEventStore('kurrentdb', async () => ({ url, open: () => createEventStore(url), cleanup: async () => undefined }));
}
