// Test harness for the API e2e tests: a real SQLite file in a temp dir, the server on port 0, an HTTP client
// (fetch) and graphql-ws clients over real sockets, and tokens for each role.
import 'reflect-metadata';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import {
  createApiServer,
  createReadThreads,
  hashToken,
  parseConfigMinimal,
  type ApiServer,
  type ApiServerOptions,
  type TokenEntry,
} from '../../src/api/index.js';
import { createHardwareService } from '../../src/api/hardwareAdapter.js';
import { createReadModelsAdapter } from '../../src/api/readModelsAdapter.js';
import { openProjections, type OpenedProjections } from '../../src/projections/index.js';
import type { EventStore } from '../../src/store/eventStore.js';
import { createEventStore } from '../../src/store/index.js';

export const TOKENS = { viewer: 'viewer-token', operator: 'operator-token', admin: 'admin-token' } as const;

const entries: TokenEntry[] = [
  { subject: 'vera', role: 'viewer', sha256: hashToken(TOKENS.viewer) },
  { subject: 'otto', role: 'operator', sha256: hashToken(TOKENS.operator) },
  { subject: 'ada', role: 'admin', sha256: hashToken(TOKENS.admin) },
];

export interface GraphQLResponse {
  status: number;
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

export interface Harness {
  server: ApiServer;
  store: EventStore;
  gql(query: string, variables?: Record<string, unknown>, token?: string): Promise<GraphQLResponse>;
  wsClient(token?: string): Client;
  /** Resolves once the read models have applied every event in the store (withReadModels only). */
  caughtUp(): Promise<void>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** Run the real projections (read models in the same SQLite file) and the hardware model. */
  withReadModels?: boolean;
  /** Run audit and replay-as-of on this many read threads (createReadThreads on the harness's file). */
  readThreads?: number;
}

export const startHarness = async (
  options: Partial<ApiServerOptions> = {},
  { withReadModels = false, readThreads }: HarnessOptions = {},
): Promise<Harness> => {
  const dir = await mkdtemp(join(tmpdir(), 'cosearch-api-'));
  const storeUrl = `sqlite:${join(dir, 'cosearch.db')}`;
  const store = await createEventStore(storeUrl);
  let projections: OpenedProjections | undefined;
  if (withReadModels) {
    projections = await openProjections({ store, storeUrl, dataDir: dir, retryDelayMs: 20 });
    await projections.runner.start();
  }
  const wired =
    projections === undefined
      ? {}
      : {
          readModels: createReadModelsAdapter(
            projections.queries,
            (name) => projections.runner.rebuild(name),
            () => projections.status(),
          ),
          hardware: createHardwareService(),
        };
  const threaded =
    readThreads === undefined ? {} : { streamReads: createReadThreads({ storeUrl, threads: readThreads }) };
  const server = await createApiServer({
    store,
    port: 0,
    tokens: entries,
    parseConfig: parseConfigMinimal,
    log: () => undefined,
    ...wired,
    ...threaded,
    ...options,
  }).catch(async (error: unknown) => {
    await projections?.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
    throw error;
  });
  const clients: Client[] = [];
  return {
    server,
    store,
    gql: async (query, variables, token) => {
      const response = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as Omit<GraphQLResponse, 'status'>;
      return { status: response.status, ...body };
    },
    wsClient: (token) => {
      const client = createClient({
        url: server.url.replace('http', 'ws'),
        webSocketImpl: WebSocket,
        connectionParams: token ? { authToken: token } : {},
        retryAttempts: 0,
        lazy: true,
      });
      clients.push(client);
      return client;
    },
    caughtUp: async () => {
      await projections?.runner.waitForPosition(await store.headPosition(), 5000);
    },
    close: async () => {
      await Promise.all(clients.map((client) => client.dispose()));
      await server.stop();
      await projections?.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
};

/** Collects `count` results of a subscription, or fails after `timeoutMs`. */
export const take = <T>(
  client: Client,
  query: string,
  variables: Record<string, unknown>,
  count: number,
  timeoutMs = 5000,
): Promise<T[]> =>
  new Promise((resolve, reject) => {
    const results: T[] = [];
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`timed out with ${results.length} of ${count} results: ${JSON.stringify(results)}`));
    }, timeoutMs);
    const unsubscribe = client.subscribe<T>(
      { query, variables },
      {
        next: (result) => {
          if (result.errors) {
            clearTimeout(timer);
            unsubscribe();
            reject(Object.assign(new Error(result.errors[0]?.message ?? 'error'), { errors: result.errors }));
            return;
          }
          if (result.data) results.push(result.data as T);
          if (results.length === count) {
            clearTimeout(timer);
            unsubscribe();
            resolve(results);
          }
        },
        error: (error) => {
          clearTimeout(timer);
          reject(error instanceof Error ? error : Object.assign(new Error('subscription error'), { errors: error }));
        },
        complete: () => undefined,
      },
    );
  });
