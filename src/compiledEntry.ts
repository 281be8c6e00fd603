// Where a compiled file of this package is, for code that starts threads or processes from it (they run compiled JS):
// found from the calling module whether that runs from dist/ or from src/ (vitest), so tests use the built files.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CosearchError } from './errors.js';

/**
 * The file `path` of dist/src (e.g. 'workers/trainWorker.js'), seen from `moduleUrl` (the caller's import.meta.url),
 * a module one folder below src/. ILLEGAL_STATE naming `what` when it has not been built.
 */
export const compiledEntry = (moduleUrl: string, path: string, what: string): string => {
  const here = dirname(fileURLToPath(moduleUrl));
  const inDist = here.split(/[\\/]/).includes('dist');
  const file = inDist ? resolve(here, '..', path) : resolve(here, '../../dist/src', path);
  if (!existsSync(file)) {
    throw new CosearchError(
      'ILLEGAL_STATE',
      `expected the compiled ${what} at ${file}, but it is missing; run \`npm run build\` first (${what} runs compiled JS)`,
    );
  }
  return file;
};
