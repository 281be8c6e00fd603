// Audit views over GraphQL (src/audit): replay an experiment as of a position or time, verify its hash chain,
// explain a candidate, and re-score it under a new budget (the only one that writes: a new rescoring stream).
import { Arg, Ctx, Float, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import {
  createHardwareRescoreEvaluator,
  readOnlyStore,
  rescoreExperiment,
  whyCandidate,
  type ReplayUntil,
} from '../../audit/index.js';
import { CosearchError, hasErrorCode } from '../../errors.js';
import { experimentStreamId } from '../../events/index.js';
import { assertRole } from '../auth.js';
import { STREAM_READ_COST } from '../heavyReads.js';
import type { ApiContext } from '../context.js';
import { ExperimentAsOf, ExperimentAudit, RescoreOutcome, WhyCandidate } from '../types/audit.js';

/** Re-throws the audit module's NOT_FOUND (worded for the CLI) with an API message naming the argument. */
const notFoundAs =
  (field: string, message: string) =>
  (error: unknown): never => {
    if (hasErrorCode(error, 'NOT_FOUND')) throw new CosearchError('NOT_FOUND', message, { field });
    throw error;
  };

/** The key of the per-client cap: the token subject (`local` for every caller of an open server). */
const clientOf = (context: ApiContext): string => context.principal?.subject ?? 'anonymous';

const noExperiment = (id: string): string =>
  `no experiment with id '${id}' (its stream experiment-${id} is empty); list them with the experiments query`;

const untilOf = (position: number | null, time: string | null): ReplayUntil | undefined => {
  if (position !== null && time !== null) {
    throw new CosearchError(
      'BAD_USER_INPUT',
      `give either 'position' or 'time', not both (got position ${position} and time '${time}')`,
      { field: 'position' },
    );
  }
  if (position !== null) {
    if (position < 0)
      throw new CosearchError(
        'BAD_USER_INPUT',
        `argument 'position' must be a global event position >= 0, but got ${position}`,
        { field: 'position' },
      );
    return { position };
  }
  if (time !== null) {
    if (Number.isNaN(Date.parse(time))) {
      throw new CosearchError(
        'BAD_USER_INPUT',
        `argument 'time' must be an ISO-8601 time such as 2026-11-24T19:00:00Z, but got '${time}'`,
        { field: 'time' },
      );
    }
    return { time: new Date(time).toISOString() };
  }
  return undefined;
};

const checkPositive = (field: string, value: number | null, allowZero: boolean): void => {
  if (value !== null && !(Number.isFinite(value) && (allowZero ? value >= 0 : value > 0))) {
    throw new CosearchError(
      'BAD_USER_INPUT',
      `argument '${field}' must be ${allowZero ? 'zero or positive' : 'positive'}, but got ${value}`,
      { field },
    );
  }
};

@Resolver()
export class AuditResolver {
  @Query(() => ExperimentAsOf, {
    description:
      'Replays the experiment from its events alone, up to a global position or a time (inclusive); default: the end.',
    complexity: STREAM_READ_COST,
  })
  async experimentAsOf(
    @Ctx() context: ApiContext,
    @Arg('id', () => ID) id: string,
    @Arg('position', () => Int, { nullable: true }) position: number | null,
    @Arg('time', () => String, { nullable: true, description: 'ISO-8601; the original time for imported events.' })
    time: string | null,
  ): Promise<ExperimentAsOf> {
    assertRole(context.principal, 'viewer');
    // Omitted nullable arguments arrive as undefined, explicit nulls as null.
    const until = untilOf(position ?? null, time ?? null);
    const state = await context.services.heavyReads
      .run(clientOf(context), experimentStreamId(id), `asOf:${JSON.stringify(until ?? null)}`, () =>
        context.services.streamReads.asOf(id, until),
      )
      .catch(notFoundAs('id', noExperiment(id)));
    const best = state.leaderboard[0] ?? null;
    return {
      experimentId: state.experimentId,
      name: state.name,
      seed: state.seed,
      status: state.status,
      reason: state.reason,
      asOfPosition: state.asOf.position,
      asOfRevision: state.asOf.revision,
      asOfRecordedAt: state.asOf.recordedAt,
      counts: state.counts,
      bestAccuracy: state.bestAccuracy,
      bestCandidateId: best?.candidateId ?? null,
      bestCandidate: best,
      leaderboard: state.leaderboard,
      paretoFront: state.paretoFront,
      timeline: state.timeline,
      policy: state.policy,
    };
  }

  @Query(() => ExperimentAudit, {
    description:
      'Verifies the hash chain and the anchored head of the experiment stream; names every edited, missing, reordered, moved or truncated event.',
    complexity: STREAM_READ_COST,
  })
  async auditExperiment(
    @Ctx() context: ApiContext,
    @Arg('id', () => ID) id: string,
    @Arg('expectHead', () => String, {
      nullable: true,
      description: 'A head saved earlier; a stream without it is a fault.',
    })
    expectHead: string | null,
  ): Promise<ExperimentAudit> {
    assertRole(context.principal, 'viewer');
    const options = expectHead === null || expectHead === undefined ? {} : { expectHead };
    const result = await context.services.heavyReads
      .run(clientOf(context), experimentStreamId(id), `audit:${expectHead ?? ''}`, () =>
        context.services.streamReads.audit(id, options),
      )
      .catch(notFoundAs('id', noExperiment(id)));
    return {
      experimentId: result.experimentId,
      streamId: result.streamId,
      verified: result.verified,
      events: result.events,
      firstHash: result.firstHash,
      lastHash: result.lastHash,
      head: result.head,
      anchored: result.anchored,
      unsealedEvents: result.unsealedEvents,
      faults: result.faults.map(({ kind, position, revision, eventId, eventType, message }) => ({
        kind,
        position,
        revision,
        eventId,
        eventType,
        message,
      })),
    };
  }

  @Query(() => WhyCandidate, {
    description: "The causation chain from the candidate's last event back to ExperimentStarted.",
    complexity: STREAM_READ_COST,
  })
  async whyCandidate(
    @Ctx() context: ApiContext,
    @Arg('candidateId', () => ID) candidateId: string,
  ): Promise<WhyCandidate> {
    assertRole(context.principal, 'viewer');
    // Not cached: finding the candidate's experiment scans $all, so there is no one stream head to key it by.
    const why = await context.services.heavyReads
      .run(clientOf(context), undefined, `why:${candidateId}`, () =>
        whyCandidate(readOnlyStore(context.services.store), candidateId),
      )
      .catch(
        notFoundAs(
          'candidateId',
          `no CandidateProposed event for candidate '${candidateId}'; take ids from the candidates query`,
        ),
      );
    return {
      candidateId: why.candidateId,
      experimentId: why.experimentId,
      chosenAsBest: why.chosenAsBest,
      chain: why.chain.map((step) => ({
        type: step.type,
        position: step.position,
        revision: step.revision,
        eventId: step.eventId,
        actor: step.actor,
        recordedAt: step.recordedAt,
        linkedBy: step.linkedBy,
        summary: step.summary,
        details: step.details,
      })),
      priorRewards: why.priorRewards,
      priorPolicyUpdates: why.priorPolicyUpdates,
    };
  }

  @Mutation(() => RescoreOutcome, {
    description:
      'Re-evaluates every trained candidate of a finished experiment with the hardware model under new constraints (operator); records rescoring-<id>.',
    complexity: STREAM_READ_COST,
  })
  async rescoreExperiment(
    @Ctx() context: ApiContext,
    @Arg('id', () => ID) id: string,
    @Arg('maxLuts', () => Int, { nullable: true, description: 'LUT budget; omitted: unlimited.' })
    maxLuts: number | null,
    @Arg('minFps', () => Float, { nullable: true, description: 'Required images per second; omitted: none.' })
    minFps: number | null,
    @Arg('device', () => String, { nullable: true, description: "Device preset; omitted: the experiment's own." })
    device: string | null,
  ): Promise<RescoreOutcome> {
    const principal = assertRole(context.principal, 'operator');
    [maxLuts, minFps, device] = [maxLuts ?? null, minFps ?? null, device ?? null];
    checkPositive('maxLuts', maxLuts, false);
    checkPositive('minFps', minFps, true);
    const known = context.services.hardware?.devices();
    if (device !== null && known !== undefined && !known.includes(device)) {
      throw new CosearchError(
        'BAD_USER_INPUT',
        `argument 'device' must be one of ${known.join(', ')}, but got '${device}'`,
        { field: 'device' },
      );
    }
    const constraints = {
      ...(device === null ? {} : { device }),
      ...(maxLuts === null ? {} : { maxLuts }),
      ...(minFps === null ? {} : { minFps }),
    };
    // Capped but never cached: each call records a new rescoring stream.
    const result = await context.services.heavyReads
      .run(clientOf(context), undefined, 'rescore', () =>
        rescoreExperiment(context.services.store, id, constraints, {
          evaluate: createHardwareRescoreEvaluator(),
          actor: principal.subject,
        }),
      )
      .catch(notFoundAs('id', noExperiment(id)))
      .catch((error: unknown) => {
        // src/hardware and src/space throw their own errors with a `code`: an unknown device is the caller's input.
        const passThrough = ['NOT_FOUND', 'ILLEGAL_STATE', 'CONFLICT', 'INTERNAL'] as const;
        if (passThrough.some((code) => hasErrorCode(error, code)) || !(error instanceof Error) || !('code' in error))
          throw error;
        throw new CosearchError('BAD_USER_INPUT', `rescore: ${error.message}`, {
          field: device === null ? 'id' : 'device',
        });
      });
    return { ...result, evaluated: result.candidates.length };
  }
}
