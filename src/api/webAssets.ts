// Serves the dashboard bundle (dist/web: index.html, app.js, app.css, app.js.map) at `/`, next to `/graphql`. Files are
// read once at start; an install without the bundle keeps `/` redirecting to GraphQL.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface WebAsset {
  type: string;
  body: Buffer;
}

const TYPES: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
  'app.js.map': 'application/json; charset=utf-8',
};

/** The bundle's folder: dist/web beside dist/src (compiled) or the repo's dist/web (sources run by vitest). */
export const defaultWebRoot = (): string => {
  const here = dirname(fileURLToPath(import.meta.url));
  const inDist = here.split(/[\\/]/).includes('dist');
  return inDist ? resolve(here, '..', '..', 'web') : resolve(here, '..', '..', 'dist', 'web');
};

/** The dashboard's files by URL path (`/` is index.html), or undefined when the bundle was not built. */
export const loadWebAssets = (root: string = defaultWebRoot()): Map<string, WebAsset> | undefined => {
  if (!existsSync(join(root, 'index.html'))) return undefined;
  const assets = new Map<string, WebAsset>();
  for (const [name, type] of Object.entries(TYPES)) {
    const file = join(root, name);
    if (existsSync(file)) assets.set(name === 'index.html' ? '/' : `/${name}`, { type, body: readFileSync(file) });
  }
  return assets;
};
