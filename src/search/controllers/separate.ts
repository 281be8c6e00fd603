// The separate baseline of QNAS: first an RL search of the architecture alone for float accuracy (hardware
// ignored), then the best architectures are quantized at uniform bit-widths, highest first, and auto-folded.
import type { SearchActionSpace } from '../deps.js';
import {
  type ChildResult,
  type Controller,
  type LearnResult,
  type ProposeContext,
  type Proposal,
} from './controller.js';
import { createRlController, type RlControllerOptions } from './rl.js';

/** Options of the separate baseline. */
export interface SeparateOptions extends Omit<RlControllerOptions, 'searchedDims' | 'fixedActions' | 'kind'> {
  /** The experiment's candidate budget; the architecture phase gets `architectureFraction` of it. */
  totalCandidates: number;
  architectureFraction: number;
  /** How many of the best float architectures are quantized. */
  topArchitectures: number;
}

interface Archived {
  candidateId: string;
  index: number;
  actions: number[];
  accuracy: number;
}
interface SeparateCheckpoint {
  inner: unknown;
  archive: Archived[];
}

export const createSeparateController = (space: SearchActionSpace, options: SeparateOptions): Controller => {
  const highest = space.withUniformQuant(
    space.dims.map(() => 0),
    0,
  );
  const inner = createRlController(space, {
    ...options,
    kind: 'separate',
    searchedDims: space.architectureDims,
    fixedActions: highest,
  });
  const architectureCandidates = Math.max(1, Math.round(options.totalCandidates * options.architectureFraction));
  let archive: Archived[] = [];
  let innerCheckpoint: unknown;
  const best = (): Archived[] =>
    [...archive].sort((a, b) => b.accuracy - a.accuracy || a.index - b.index).slice(0, options.topArchitectures);
  return {
    kind: 'separate',
    async propose(context: ProposeContext): Promise<Proposal> {
      if (context.index < architectureCandidates) {
        return { ...(await inner.propose(context)), float: true, note: 'architecture phase (float, hardware ignored)' };
      }
      const top = best();
      if (top.length === 0)
        return { ...(await inner.propose(context)), float: true, note: 'architecture phase (no float result yet)' };
      const j = context.index - architectureCandidates;
      const arch = top[j % top.length] ?? top[0];
      const level = Math.floor(j / top.length) % space.quantLevels;
      const actions = space.withUniformQuant(arch?.actions ?? highest, level);
      return {
        actions,
        logProbs: actions.map(() => 0),
        autoFold: true,
        note: `quantize phase: ${arch?.candidateId ?? '?'} at uniform level ${level}`,
      };
    },
    async learn(results: readonly ChildResult[], step: number): Promise<LearnResult> {
      const floats = results.filter((r) => r.float === true);
      archive = [
        ...archive,
        ...floats.map((r) => ({
          candidateId: r.candidateId,
          index: r.index,
          actions: [...r.actions],
          accuracy: r.accuracy ?? 0,
        })),
      ];
      let baseline = 0;
      let loss: number | undefined;
      if (floats.length > 0) {
        const learned = await inner.learn(floats, step);
        innerCheckpoint = learned.checkpoint;
        baseline = learned.baseline;
        loss = learned.loss;
      }
      const checkpoint: SeparateCheckpoint = { inner: innerCheckpoint ?? null, archive };
      return loss === undefined ? { baseline, checkpoint } : { baseline, loss, checkpoint };
    },
    async restore(checkpoint: unknown): Promise<void> {
      const c = checkpoint as SeparateCheckpoint | undefined;
      archive = Array.isArray(c?.archive) ? c.archive.map((a) => ({ ...a, actions: [...a.actions] })) : [];
      innerCheckpoint = c?.inner ?? undefined;
      if (innerCheckpoint !== undefined && innerCheckpoint !== null) await inner.restore(innerCheckpoint);
    },
    dispose: () => inner.dispose(),
  };
};
