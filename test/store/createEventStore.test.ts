// Store selection by URL and the default URL from the environment.
import { describe, expect, it } from 'vitest';
import { createEventStore, defaultStoreUrl, sqliteFileFromUrl } from '../../src/store/index.js';

describe('store URLs', () => {
  it('defaults to sqlite under COSEARCH_DATA_DIR unless COSEARCH_STORE is set', () => {
    expect(defaultStoreUrl({})).toBe('sqlite:data/cosearch.db');
    expect(defaultStoreUrl({ COSEARCH_DATA_DIR: '/var/cosearch' })).toBe('sqlite:/var/cosearch/cosearch.db');
    expect(defaultStoreUrl({ COSEARCH_STORE: 'postgres://h/db', COSEARCH_DATA_DIR: '/x' })).toBe('postgres://h/db');
  });

  it('reads the file of relative, absolute and in-memory sqlite URLs', () => {
    expect(sqliteFileFromUrl('sqlite:./data/x.db')).toBe('./data/x.db');
    expect(sqliteFileFromUrl('sqlite:///abs/x.db')).toBe('/abs/x.db');
    expect(sqliteFileFromUrl('sqlite::memory:')).toBe(':memory:');
  });

  it('rejects an unknown scheme with BAD_USER_INPUT and an example', async () => {
    await expect(createEventStore('mysql://h/db')).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
      message: expect.stringContaining('sqlite:./data/cosearch.db'),
    });
  });

  it('opens an in-memory sqlite store', async () => {
    const store = await createEventStore('sqlite::memory:');
    expect(store.kind).toBe('sqlite');
    expect(await store.headPosition()).toBe(0);
    await store.close();
  });
});
