// Random candidates from a space: uniform choice per action, drawn from a seeded Rng (see rng.ts), retried until
// the shapes are possible (pools or 'valid' convs can shrink a map to nothing).
import type { Candidate } from './candidate.js';
import { actionSpec, decodeCandidate } from './actions.js';
import type { Rng } from './rng.js';
import type { SearchSpace } from './searchSpace.js';
import { SpaceError } from './spaceError.js';
import { candidateIssues } from './validateCandidate.js';

/** Draws a uniformly random action vector of `space`. */
export const sampleActions = (space: SearchSpace, rng: Rng): number[] => actionSpec(space).map((e) => rng.nextInt(e.choices));

/**
 * Draws a random valid candidate of `space`. Tries up to `maxTries` action vectors and throws SpaceError if none
 * has possible shapes (a space whose pools always shrink the map to nothing).
 */
export const sampleCandidate = (space: SearchSpace, rng: Rng, maxTries = 100): Candidate => {
  for (let i = 0; i < maxTries; i++) {
    const candidate = decodeCandidate(sampleActions(space, rng), space);
    if (candidateIssues(candidate, space).length === 0) return candidate;
  }
  throw new SpaceError(`space '${space.name}' gave no valid candidate in ${maxTries} draws; allow fewer layers, 'same' padding or fewer pools`);
};
