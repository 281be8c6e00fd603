// The two whole-stream reads the API runs most (audit and replay-as-of), behind one interface, so the server can run
// them on its own thread (inline: tests, in-memory stores) or on read threads (readThreads.ts: `cosearch serve`).
// Both return the API's view, small enough to pass between threads: never the whole replayed candidate list.
import {
  auditExperiment,
  readOnlyStore,
  replayExperiment,
  type AuditOptions,
  type ExperimentAuditResult,
  type ExperimentReplayResult,
  type ReadOnlyEventStore,
  type ReplayUntil,
} from '../audit/index.js';

/** What the experimentAsOf field answers: the replay without its per-candidate list and with a summarized timeline. */
export interface AsOfView extends Omit<ExperimentReplayResult, 'candidates' | 'timeline' | 'controller' | 'config'> {
  timeline: {
    points: number;
    first: ExperimentReplayResult['timeline'][number] | null;
    last: ExperimentReplayResult['timeline'][number] | null;
  };
}

export interface StreamReads {
  audit(experimentId: string, options: AuditOptions): Promise<ExperimentAuditResult>;
  asOf(experimentId: string, until: ReplayUntil | undefined): Promise<AsOfView>;
  close(): Promise<void>;
}

export const toAsOfView = (state: ExperimentReplayResult): AsOfView => {
  const { candidates: _candidates, timeline, controller: _controller, config: _config, ...rest } = state;
  return { ...rest, timeline: { points: timeline.length, first: timeline[0] ?? null, last: timeline.at(-1) ?? null } };
};

/** Runs both reads on the caller's event loop (they yield between pages). */
export const inlineStreamReads = (store: ReadOnlyEventStore): StreamReads => ({
  audit: (experimentId, options) => auditExperiment(readOnlyStore(store), experimentId, options),
  asOf: async (experimentId, until) =>
    toAsOfView(await replayExperiment(readOnlyStore(store), experimentId, until === undefined ? {} : { until })),
  close: async () => undefined,
});
