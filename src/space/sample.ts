// Random candidates from a space: a uniform choice per dim of the space's action encoding (actionSpace.ts), drawn
// from a seeded Rng (see rng.ts), retried until the shapes are possible (pools or 'valid' convs can shrink a map to nothing).
import { createActionSpace, type SearchActionSpace } from './actionSpace.js';
import type { Candidate } from './candidate.js';
import type { Rng } from './rng.js';
import type { SearchSpace } from './searchSpace.js';
import { SpaceError } from './spaceError.js';
import { candidateIssues } from './validateCandidate.js';

const drawActions = (actions: SearchActionSpace, rng: Rng): number[] => actions.dims.map((d) => rng.nextInt(d.size));

/** Draws a uniformly random action vector of `space` (one integer per dim of createActionSpace(space)). */
export const sampleActions = (space: SearchSpace, rng: Rng): number[] => drawActions(createActionSpace(space), rng);

/**
 * Draws a random valid candidate of `space`. Tries up to `maxTries` action vectors and throws SpaceError if none
 * has possible shapes (a space whose pools always shrink the map to nothing).
 */
export const sampleCandidate = (space: SearchSpace, rng: Rng, maxTries = 100): Candidate => {
  const actions = createActionSpace(space);
  for (let i = 0; i < maxTries; i++) {
    const candidate = actions.decode(drawActions(actions, rng));
    if (candidateIssues(candidate, space).length === 0) return candidate;
  }
  throw new SpaceError(
    `space '${space.name}' gave no valid candidate in ${maxTries} draws; allow fewer layers, 'same' padding or fewer pools`,
  );
};
