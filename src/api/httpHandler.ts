// Plain node:http glue for Apollo Server 5: reads the body under a size limit, parses JSON, and hands the request
// to executeHTTPGraphQLRequest. No express: the same http.Server also carries the graphql-ws upgrade.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type BaseContext, type ContextThunk } from '@apollo/server';
import type { WebAsset } from './webAssets.js';

const sendJson = (res: ServerResponse, status: number, message: string, code: string): void => {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify({ errors: [{ message, extensions: { code } }] }));
};

class BodyTooLarge extends Error {}

const readBody = (req: IncomingMessage, maxBytes: number): Promise<string> =>
  new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > maxBytes) {
      reject(new BodyTooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        reject(new BodyTooLarge());
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

export interface HttpHandlerOptions<TContext extends BaseContext> {
  apollo: ApolloServer<TContext>;
  /** Builds the per-request context (authentication happens here). */
  context: (req: IncomingMessage) => Promise<TContext>;
  /** Largest accepted body, in bytes. */
  maxBodyBytes: number;
  /** The GraphQL path. @default '/graphql' */
  path?: string;
  /** The dashboard's files by path (`/`, `/app.js`, …); absent: `/` redirects to GraphQL. */
  web?: ReadonlyMap<string, WebAsset>;
}

/** A node:http request listener serving GraphQL at `path` (and `/` redirecting there). */
export const createHttpHandler =
  <TContext extends BaseContext>({
    apollo,
    context,
    maxBodyBytes,
    path = '/graphql',
    web,
  }: HttpHandlerOptions<TContext>) =>
  async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const asset = req.method === 'GET' || req.method === 'HEAD' ? web?.get(url.pathname) : undefined;
      if (asset !== undefined) {
        res.statusCode = 200;
        res.setHeader('content-type', asset.type);
        res.setHeader('cache-control', 'no-cache');
        res.setHeader('x-content-type-options', 'nosniff');
        res.end(req.method === 'HEAD' ? undefined : asset.body);
        return;
      }
      if (url.pathname === '/') {
        res.statusCode = 302;
        res.setHeader('location', path);
        res.end();
        return;
      }
      if (url.pathname !== path) {
        sendJson(res, 404, `no such endpoint '${url.pathname}'; GraphQL is served at ${path}`, 'NOT_FOUND');
        return;
      }
      let body: unknown;
      if (req.method === 'POST') {
        const text = await readBody(req, maxBodyBytes);
        const type = req.headers['content-type'] ?? '';
        if (type.includes('application/json')) {
          try {
            body = text === '' ? undefined : JSON.parse(text);
          } catch {
            sendJson(
              res,
              400,
              'the request body is not valid JSON; send {"query": "...", "variables": {...}}',
              'BAD_USER_INPUT',
            );
            return;
          }
        } else {
          body = text;
        }
      }
      const headers = new HeaderMap();
      for (const [key, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
      }
      const contextThunk: ContextThunk<TContext> = () => context(req);
      const response = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: (req.method ?? 'GET').toUpperCase(), headers, search: url.search, body },
        context: contextThunk,
      });
      for (const [key, value] of response.headers) res.setHeader(key, value);
      res.statusCode = response.status ?? 200;
      if (response.body.kind === 'complete') {
        res.end(response.body.string);
        return;
      }
      for await (const chunk of response.body.asyncIterator) res.write(chunk);
      res.end();
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        sendJson(
          res,
          413,
          `the request body exceeds ${maxBodyBytes} bytes; send a smaller query or variables`,
          'BAD_USER_INPUT',
        );
        return;
      }
      if (!res.headersSent) sendJson(res, 500, 'internal error', 'INTERNAL');
      else res.end();
    }
  };
