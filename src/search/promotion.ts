// Multi-fidelity decisions (asynchronous successive halving): which candidate moves up a rung next, how each
// rung closes when the search stops, the fidelity order of candidates, and the reward a controller learns from.
// Pure: every rule reads only the folded state and the config.
import type { ExperimentConfig } from './config.js';
import { scoreAt, topRungOf, type CandidateRecord, type SearchState } from '../experiment/index.js';

/** A promotion the decider chose: `candidate` goes from `fromRung` to `fromRung + 1`. */
export interface Promotion {
  candidate: CandidateRecord;
  fromRung: number;
  toRung: number;
  score: number;
  cutoff: number;
  rank: number;
  rungSize: number;
}

/** Candidates compete within their kind: float ones (separate's architecture phase) apart from quantized feasible ones. */
const competes = (c: CandidateRecord): boolean => c.float || c.hardware?.feasible === true;

/**
 * The candidates finished at `rung` that compete with each other, best first (ties: earlier index first), each
 * with its score.
 */
export const rungStandings = (
  state: SearchState,
  rung: number,
  float: boolean,
): Array<{ candidate: CandidateRecord; score: number }> =>
  state.candidates
    .filter((c) => competes(c) && c.float === float)
    .flatMap((c) => {
      const score = scoreAt(c, rung);
      return score === undefined ? [] : [{ candidate: c, score }];
    })
    .sort((a, b) => b.score - a.score || a.candidate.index - b.candidate.index);

/** How many of a rung's `size` finished candidates it keeps: floor(size / η). */
export const keptOf = (size: number, reduction: number): number => Math.floor(size / reduction);

/**
 * The next promotion ASHA makes, or undefined: from the top rung down, the best candidate inside its rung's top
 * 1/η that was not promoted yet.
 */
export const nextPromotion = (state: SearchState, config: ExperimentConfig): Promotion | undefined => {
  const mf = config.multiFidelity;
  if (mf === undefined) return undefined;
  for (let rung = mf.rungs.length - 1; rung >= 0; rung--) {
    for (const float of [false, true]) {
      const standings = rungStandings(state, rung, float);
      const kept = keptOf(standings.length, mf.reduction);
      const cutoff = standings[kept - 1]?.score;
      for (let k = 0; k < kept && cutoff !== undefined; k++) {
        const entry = standings[k];
        if (entry !== undefined && entry.candidate.promotedTo <= rung) {
          return {
            candidate: entry.candidate,
            fromRung: rung,
            toRung: rung + 1,
            score: entry.score,
            cutoff,
            rank: k + 1,
            rungSize: standings.length,
          };
        }
      }
    }
  }
  return undefined;
};

/** A candidate promoted to a rung whose training there has not finished (it trains before anything else). */
export const pendingRungTraining = (state: SearchState): { candidate: CandidateRecord; rung: number } | undefined => {
  for (const candidate of state.candidates) {
    for (let rung = 1; rung <= candidate.promotedTo; rung++) {
      if (candidate.rungs.get(rung)?.trained === undefined) return { candidate, rung };
    }
  }
  return undefined;
};

/** What a rung looks like when it closes: its cut-off, and who it promoted and cut. */
export interface RungClosing {
  rung: number;
  cutoff: number | null;
  promoted: string[];
  cut: string[];
}

/** The next rung to close once the search has stopped (lowest first), or undefined when all are closed. */
export const nextRungToClose = (state: SearchState, config: ExperimentConfig): RungClosing | undefined => {
  const mf = config.multiFidelity;
  if (mf === undefined) return undefined;
  for (let rung = 0; rung < mf.rungs.length; rung++) {
    if (state.closedRungs.has(rung)) continue;
    const quantized = rungStandings(state, rung, false);
    const standings = [...quantized, ...rungStandings(state, rung, true)];
    const cutoff = quantized[keptOf(quantized.length, mf.reduction) - 1]?.score ?? null;
    const promoted = standings.filter((s) => s.candidate.promotedTo > rung).map((s) => s.candidate.candidateId);
    const cut = standings.filter((s) => s.candidate.promotedTo <= rung).map((s) => s.candidate.candidateId);
    return { rung, cutoff, promoted, cut };
  }
  return undefined;
};

/**
 * Fidelity order for the final top-k: the highest rung finished first, then the score there, then the index.
 * Without multi-fidelity every candidate is at rung 0 and this is the proxy-accuracy order.
 */
export const byFidelity = (a: CandidateRecord, b: CandidateRecord): number => {
  const ra = topRungOf(a);
  const rb = topRungOf(b);
  return rb - ra || (scoreAt(b, rb) ?? 0) - (scoreAt(a, ra) ?? 0) || a.index - b.index;
};

/**
 * The accuracy a controller learns from: the score at the highest rung the candidate finished, put back on the
 * proxy's scale by subtracting that rung's mean gain over the proxy (measured on every candidate that finished
 * both). So a candidate promoted to a longer run earns more than its proxy score exactly when it gained more
 * than the average promoted candidate did. Returns the rung it came from.
 */
export const learningAccuracy = (
  state: SearchState,
  c: CandidateRecord,
): { accuracy: number | undefined; rung: number } => {
  const rung = topRungOf(c);
  if (rung <= 0) return { accuracy: c.trained?.accuracy, rung: 0 };
  const gains = state.candidates.flatMap((o) => {
    const high = scoreAt(o, rung);
    const low = scoreAt(o, 0);
    return o.float === c.float && high !== undefined && low !== undefined ? [high - low] : [];
  });
  const meanGain = gains.reduce((a, b) => a + b, 0) / Math.max(gains.length, 1);
  return { accuracy: (scoreAt(c, rung) ?? 0) - meanGain, rung };
};
