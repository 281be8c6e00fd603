// The cosearch API server: Apollo Server 5 over node:http plus graphql-ws on the same port and path, one schema,
// one auth model, one set of limits; stop() drains HTTP, closes every socket and the shared store subscription.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginLandingPageLocalDefault,
  ApolloServerPluginLandingPageProductionDefault,
} from '@apollo/server/plugin/landingPage/default';
import { GraphQLError } from 'graphql/index.js';
import { CosearchError } from '../errors.js';
import type { EventStore } from '../store/index.js';
import { createAuthenticator, credentialOf, isLoopback, type TokenEntry } from './auth.js';
import type { ApiContext, ApiServices, HardwareService, ParsedExperimentConfig, ReadModels } from './context.js';
import { formatApiError } from './errorFormat.js';
import { createEventHub } from './eventHub.js';
import { createHeavyReads, DEFAULT_HEAVY_READ_LIMITS, type HeavyReadLimits } from './heavyReads.js';
import { inlineStreamReads, type StreamReads } from './streamReads.js';
import { createHttpHandler } from './httpHandler.js';
import type { WebAsset } from './webAssets.js';
import { complexityError, DEFAULT_LIMITS, depthLimitRule, type ApiLimits } from './limits.js';
import { buildApiSchema } from './schema.js';
import { startWsServer } from './wsServer.js';

export interface ApiServerOptions {
  store: EventStore;
  /** Validates startExperiment's config (search's parseExperimentConfig, adapted). */
  parseConfig: (raw: unknown) => ParsedExperimentConfig;
  readModels?: ReadModels;
  hardware?: HardwareService;
  /** @default 4000; 0 picks a free port */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
  /** Hashed tokens. Empty on a loopback host means open (every caller is `local`, admin). */
  tokens?: TokenEntry[];
  /** Hides internal error messages and the sandbox. @default NODE_ENV === 'production' */
  production?: boolean;
  /** @default !production */
  introspection?: boolean;
  limits?: Partial<ApiLimits>;
  /** Cache and concurrency limits of the stream-reading fields (see DEFAULT_HEAVY_READ_LIMITS). */
  heavyReads?: Partial<HeavyReadLimits>;
  /**
   * Runs audit and replay-as-of (createReadThreads: worker threads with their own store connection); the server
   * closes it on stop. @default inline on `store`, on the server's event loop
   */
  streamReads?: StreamReads;
  /** @default console.error */
  log?: (message: string, error?: unknown) => void;
  version?: string;
  /** The dashboard's files, served at `/` (see loadWebAssets); absent: `/` redirects to `/graphql`. */
  web?: ReadonlyMap<string, WebAsset>;
}

export interface ApiServer {
  url: string;
  port: number;
  httpServer: Server;
  /** Whether callers without a token get every role. */
  open: boolean;
  stop(): Promise<void>;
}

export const createApiServer = async (options: ApiServerOptions): Promise<ApiServer> => {
  const host = options.host ?? '127.0.0.1';
  const tokens = options.tokens ?? [];
  const production = options.production ?? process.env['NODE_ENV'] === 'production';
  const introspection = options.introspection ?? !production;
  const limits: ApiLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const log = options.log ?? ((message: string, error?: unknown) => console.error(message, error ?? ''));
  if (tokens.length === 0 && !isLoopback(host)) {
    throw new CosearchError(
      'BAD_USER_INPUT',
      `refusing to listen on ${host} without tokens: anyone could start and cancel experiments. Configure COSEARCH_TOKENS or COSEARCH_TOKENS_FILE (see \`cosearch token create\`), or bind to 127.0.0.1`,
      { field: 'host' },
    );
  }
  const open = tokens.length === 0;
  const authenticate = createAuthenticator({ tokens, open });
  const schema = await buildApiSchema();
  const hub = createEventHub(options.store);
  const services: ApiServices = {
    store: options.store,
    hub,
    limits,
    heavyReads: createHeavyReads(options.store, { ...DEFAULT_HEAVY_READ_LIMITS, ...options.heavyReads }),
    streamReads: options.streamReads ?? inlineStreamReads(options.store),
    readModels: options.readModels,
    hardware: options.hardware,
    parseConfig: options.parseConfig,
    version: options.version ?? '0.1.0',
  };
  const format = { production, onInternal: (error: unknown) => log('internal error in a GraphQL operation', error) };

  const httpServer = createServer();
  // The WebSocket server attaches once the port is bound: attached earlier, graphql-ws logged a failed listen
  // (EADDRINUSE) as "Internal error emitted on the WebSocket server" before the real cause.
  let disposeWs: (() => Promise<void>) | undefined;
  const disposeWsPlugin: ApolloServerPlugin<ApiContext> = {
    serverWillStart: async () => ({
      drainServer: async () => {
        await disposeWs?.();
      },
    }),
  };
  const complexityPlugin: ApolloServerPlugin<ApiContext> = {
    requestDidStart: async () => ({
      didResolveOperation: async ({ request, document }) => {
        const error = complexityError(schema, document, request.variables, request.operationName, limits);
        if (error !== undefined)
          throw new GraphQLError(error.message, { extensions: { ...error.extensions, http: { status: 400 } } });
      },
    }),
  };
  const apollo = new ApolloServer<ApiContext>({
    schema,
    introspection,
    includeStacktraceInErrorResponses: !production,
    // Apollo's own SIGTERM handler stops the server and then re-raises the signal, so the process died with 143
    // before `cosearch serve` finished its drain and exit(0). Whoever embeds the server owns the signals.
    stopOnTerminationSignals: false,
    validationRules: [depthLimitRule(limits.maxDepth)],
    formatError: (formatted, error) => formatApiError(formatted, error, format),
    plugins: [
      disposeWsPlugin,
      ApolloServerPluginDrainHttpServer({ httpServer }),
      complexityPlugin,
      production
        ? ApolloServerPluginLandingPageProductionDefault({ footer: false })
        : ApolloServerPluginLandingPageLocalDefault({ footer: false }),
    ],
  });
  await apollo.start();

  const context = async (req: IncomingMessage): Promise<ApiContext> => {
    try {
      return { principal: authenticate(credentialOf(req.headers.authorization)), services };
    } catch (error) {
      throw new GraphQLError(error instanceof Error ? error.message : 'bad token', {
        extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
      });
    }
  };
  const handle = createHttpHandler({
    apollo,
    context,
    maxBodyBytes: limits.maxBodyBytes,
    ...(options.web === undefined ? {} : { web: options.web }),
  });
  httpServer.on('request', (req, res) => void handle(req, res));
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new CosearchError(
              'INTERNAL',
              `port ${options.port ?? 4000} on ${host} is already in use (EADDRINUSE): stop the other process, or pick another port with --port or COSEARCH_PORT (0 picks a free one)`,
            )
          : error,
      );
    });
    httpServer.listen(options.port ?? 4000, host, () => resolve());
  }).catch(async (error: unknown) => {
    await apollo.stop().catch(() => undefined);
    await hub.close().catch(() => undefined);
    await services.streamReads.close().catch(() => undefined);
    throw error;
  });
  disposeWs = startWsServer({ httpServer, schema, services, authenticate, introspection, format });
  const { port } = httpServer.address() as AddressInfo;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  let stopping: Promise<void> | undefined;
  return {
    url: `http://${shownHost}:${port}/graphql`,
    port,
    httpServer,
    open,
    stop: () => {
      stopping ??= (async () => {
        await apollo.stop();
        await hub.close();
        await services.streamReads.close();
      })();
      return stopping;
    },
  };
};
