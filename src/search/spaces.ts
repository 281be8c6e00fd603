// Resolves the config's `space` (a preset name or a custom space object) through the space module, turning
// its SpaceError into the search module's BAD_USER_INPUT with a pointer to the presets.
import { CosearchError } from '../errors.js';
import { resolveSearchSpace, SPACE_PRESETS, type SearchSpace } from './deps.js';

export const resolveSpace = (space: string | Record<string, unknown>): SearchSpace => {
  try {
    return resolveSearchSpace(space);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new CosearchError(
      'BAD_USER_INPUT',
      `invalid config.space: ${message}. Presets: ${Object.keys(SPACE_PRESETS).join(', ')}`,
    );
  }
};
