// The one controller interface every search strategy implements (rl, random, evolution, separate, hotstart),
// plus the shared result shape and helpers for uniform sampling.
import type { Candidate, Rng, SearchActionSpace } from '../deps.js';

/** What a controller proposes: a full action vector, its per-dim log-probabilities, and how to treat it. */
export interface Proposal {
  actions: number[];
  logProbs: number[];
  /** Train the float network and skip the hardware gate (separate baseline, architecture phase). */
  float?: boolean;
  /** Let the hardware model fold this candidate even when the space searches folding (separate, quantize phase). */
  autoFold?: boolean;
  /** Free-form note recorded in CandidateProposed.note, e.g. `mutation of <candidateId>`. */
  note?: string;
  /** The design itself when it is not `decode(actions)` (a panel's designs outside the space). @default decode(actions) */
  candidate?: Candidate;
}

/** One child's outcome, as fed back to learn(). */
export interface ChildResult {
  candidateId: string;
  index: number;
  actions: number[];
  reward: number;
  feasible: boolean;
  /** Validation accuracy when trained. */
  accuracy?: number;
  float?: boolean;
}

/** What learn() returns; becomes PolicyUpdated. The checkpoint alone restores the controller. */
export interface LearnResult {
  baseline: number;
  loss?: number;
  checkpoint: unknown;
}

export interface ProposeContext {
  /** 0-based index of the candidate within the experiment. */
  index: number;
  /** The experiment's generator; every random choice of the controller comes from it. */
  rng: Rng;
}

export interface Controller {
  readonly kind: string;
  propose(context: ProposeContext): Promise<Proposal>;
  /** Learns from one episode of results (in candidate order) and returns the PolicyUpdated payload. */
  learn(results: readonly ChildResult[], step: number): Promise<LearnResult>;
  /** Restores the state saved in a PolicyUpdated checkpoint. */
  restore(checkpoint: unknown): Promise<void>;
  dispose(): void;
}

/** A uniform random action vector and its log-probs. */
export const sampleUniform = (space: SearchActionSpace, rng: Rng): Proposal => {
  const actions = space.dims.map((d) => rng.nextInt(d.size));
  return { actions, logProbs: space.dims.map((d) => -Math.log(d.size)) };
};

/** Moving average of rewards, as kept by the REINFORCE baseline. */
export const movingAverage = (baseline: number | undefined, rewards: readonly number[], decay: number): number => {
  let b = baseline;
  for (const r of rewards) b = b === undefined ? r : decay * b + (1 - decay) * r;
  return b ?? 0;
};
