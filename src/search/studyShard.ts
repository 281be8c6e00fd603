// Splitting a study panel into shards that separate processes (one per core, or per machine) train at the same
// time: longest-processing-time-first by MACs per image, so the shards' training times come out about equal.
import { CosearchError } from '../errors.js';
import { inferShapes } from './deps.js';
import type { PanelDesign } from './panel.js';

/** Part `index` (1-based) of a panel split `count` ways. */
export interface Shard {
  index: number;
  count: number;
}

/** Parses `k/n` (1 ≤ k ≤ n); BAD_USER_INPUT names the expected form otherwise. */
export const parseShard = (text: string): Shard => {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (match === null || count < 1 || index < 1 || index > count) {
    throw new CosearchError(
      'BAD_USER_INPUT',
      `expected a shard as k/n with 1 ≤ k ≤ n (for example --shard 1/2), but got '${text}'`,
    );
  }
  return { index, count };
};

/** The id suffix of a shard's experiments: empty for the whole panel. */
export const shardSuffix = (shard: Shard | undefined): string =>
  shard === undefined || shard.count <= 1 ? '' : `-shard${shard.index}of${shard.count}`;

/**
 * The designs of one shard. Designs go, most MACs first (panel order among equals), to the shard with the fewest
 * MACs so far (the lowest index among equals), so the split depends only on the panel and the shard count, and the
 * shards of one panel are disjoint and together hold every design. Each shard keeps the panel's order.
 */
export const shardPanel = (designs: readonly PanelDesign[], shard: Shard): PanelDesign[] => {
  const macs = designs.map((d) => inferShapes(d.candidate).totalMacs);
  const order = designs.map((_, i) => i).sort((a, b) => (macs[b] ?? 0) - (macs[a] ?? 0) || a - b);
  const load = new Array<number>(shard.count).fill(0);
  const owner = new Array<number>(designs.length).fill(0);
  for (const i of order) {
    let best = 0;
    for (let s = 1; s < shard.count; s += 1) if ((load[s] ?? 0) < (load[best] ?? 0)) best = s;
    owner[i] = best;
    load[best] = (load[best] ?? 0) + (macs[i] ?? 0);
  }
  return designs.filter((_, i) => owner[i] === shard.index - 1);
};
