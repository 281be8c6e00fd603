// EvaluateHardware: the hardware model's verdict on a proposed design (folded, LUTs, throughput, feasibility).
import { isSpaceError, type Candidate } from '../deps.js';
import type { HardwareEvaluator, HardwareReport } from '../ports.js';
import type { CommandOf, LoopContext } from './context.js';

export const evaluateHardware = async (ctx: LoopContext, command: CommandOf<'EvaluateHardware'>): Promise<void> => {
  const c = command.candidate;
  const report = evaluateSafely(
    ctx.hardware,
    c.proposal.candidate as object as Candidate,
    ctx.space.autoFold || c.autoFold,
  );
  await ctx.append(
    ctx.idFor('HardwareEvaluated', c.index),
    'HardwareEvaluated',
    {
      experimentId: ctx.experimentId,
      candidateId: c.candidateId,
      device: report.device,
      luts: report.luts,
      throughputFps: report.throughputFps,
      latencyMs: report.latencyMs,
      feasible: report.feasible,
      violations: report.violations.map((v) => ({ ...v })),
      layers: report.layers,
      foldedCandidate: { ...report.candidate },
      ...(c.float ? { gateIgnored: true } : {}),
    },
    ctx.idFor('CandidateProposed', c.index),
  );
};

/**
 * Evaluates a design. One the space rejects (a SpaceError: its shapes collapse, a field is out of range) is an
 * infeasible design, and the controller learns from it. Any other error is a bug of the hardware model or the
 * adapter: it propagates and fails the experiment (ExperimentFailed with the error), rather than passing a broken
 * model off as an infeasible design.
 */
const evaluateSafely = (hardware: HardwareEvaluator, candidate: Candidate, autoFold: boolean): HardwareReport => {
  try {
    return hardware.evaluate(candidate, { autoFold });
  } catch (error) {
    if (!isSpaceError(error)) throw error;
    return {
      device: hardware.device,
      luts: 0,
      throughputFps: 0,
      latencyMs: 0,
      feasible: false,
      violations: [{ constraint: 'valid design', limit: 0, actual: 1 }],
      layers: [{ error: error.message }],
      candidate,
    };
  }
};
