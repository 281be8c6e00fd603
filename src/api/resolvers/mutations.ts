// Commands: start, cancel and resume an experiment, rebuild a projection. Each validates its input, appends events
// with the caller's token subject as `actor`, and lets the search runner (following the log) do the work.
import { randomUUID } from 'node:crypto';
import { Arg, Args, ArgsType, Ctx, Field, Float, ID, Mutation, ObjectType, Resolver } from 'type-graphql';
import { GraphQLJSON } from 'graphql-scalars';
import { experimentStreamId, isTerminalEventType, newEvent } from '../../events/index.js';
import { CosearchError, cutForEcho } from '../../errors.js';
import type { EventToAppend, RecordedEvent } from '../../store/index.js';
import { assertRole } from '../auth.js';
import type { ApiContext } from '../context.js';
import { INPUT_BOUNDS } from '../inputBounds.js';
import { evolveProgress, initialProgress, progressOf } from '../progress.js';
import { Experiment, ExperimentStatus } from '../types/experiment.js';
import { readModelsOf } from './queries.js';

@ObjectType()
export class ProjectionRebuilt {
  @Field(() => String)
  name!: string;

  @Field(() => Float, { description: 'Global position the projection reached.' })
  position!: number;
}

/** The experiment as its own stream says, for replies that must not wait for the read models to catch up. */
export const experimentFromStream = (id: string, events: RecordedEvent[]): Experiment => {
  const fold = events.reduce(evolveProgress, initialProgress(id));
  const state = progressOf(fold);
  const started = events.find((event) => event.type === 'ExperimentStarted');
  const data = (started?.data ?? {}) as Record<string, unknown>;
  const last = events.at(-1);
  const finished = last !== undefined && isTerminalEventType(last.type);
  const startedAt = started?.metadata.recordedAt ?? null;
  const finishedAt = finished ? last.metadata.recordedAt : null;
  return {
    id,
    name: typeof data['name'] === 'string' ? data['name'] : id,
    status: ExperimentStatus[state.status],
    config: data['config'] ?? {},
    seed: typeof data['seed'] === 'number' ? data['seed'] : null,
    proposed: state.proposed,
    pruned: state.pruned,
    trained: state.trained,
    failed: fold.model.counts.failed,
    bestCandidateId: state.bestCandidateId,
    bestAccuracy: state.bestAccuracy,
    startedAt,
    finishedAt,
    durationSeconds:
      startedAt !== null && finishedAt !== null ? (Date.parse(finishedAt) - Date.parse(startedAt)) / 1000 : null,
    reason: null,
  };
};

const readExperiment = async (context: ApiContext, id: string): Promise<RecordedEvent[]> => {
  const events = await context.services.store.readStream(experimentStreamId(id));
  if (events.length === 0)
    throw new CosearchError('NOT_FOUND', `no experiment with id '${id}'; list them with the experiments query`, {
      field: 'id',
    });
  return events;
};

/** The arguments of cancelExperiment and resumeExperiment: the experiment, and why (a default names the caller). */
@ArgsType()
class LifecycleArgs {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  reason?: string | null;
}

/** What cancel and resume differ in: the event appended, the verb of its default reason, and the refusal once ended. */
interface LifecycleChange {
  type: 'ExperimentCancelled' | 'ExperimentResumed';
  verb: string;
  refusal: (lastType: string) => string;
}

/**
 * Appends a lifecycle event (as an operator) to an experiment that has not ended, expecting the revision just read
 * (a concurrent append surfaces as CONFLICT, and the client may retry), and answers with the experiment as its stream
 * now says.
 */
const appendToUnfinished = async (
  context: ApiContext,
  { id, reason }: LifecycleArgs,
  change: LifecycleChange,
): Promise<Experiment> => {
  const principal = assertRole(context.principal, 'operator');
  const event = newEvent(
    change.type,
    { experimentId: id, reason: reason ?? `${change.verb} by ${principal.subject}` },
    { correlationId: id, actor: principal.subject },
  );
  const events = await readExperiment(context, id);
  const last = events.at(-1);
  if (last !== undefined && isTerminalEventType(last.type))
    throw new CosearchError('ILLEGAL_STATE', change.refusal(last.type), { field: 'id' });
  await context.services.store.append(experimentStreamId(id), [event], last?.revision ?? 'no_stream');
  return experimentFromStream(id, [
    ...events,
    ...(await context.services.store.readStream(experimentStreamId(id), { fromRevision: events.length })),
  ]);
};

@Resolver()
export class MutationResolver {
  @Mutation(() => Experiment, {
    description: 'Validates the config and appends ExperimentStarted; the search runner picks it up.',
  })
  async startExperiment(
    @Ctx() context: ApiContext,
    @Arg('config', () => GraphQLJSON) config: unknown,
  ): Promise<Experiment> {
    const principal = assertRole(context.principal, 'operator');
    const parsed = context.services.parseConfig(config);
    // Whatever parser is wired: the name is stored in ExperimentStarted and shown in every list.
    if (parsed.name.length > INPUT_BOUNDS.nameChars) {
      throw new CosearchError(
        'BAD_USER_INPUT',
        `config.name must be at most ${INPUT_BOUNDS.nameChars} characters, but got ` +
          `${parsed.name.length} (${cutForEcho(parsed.name)})`,
        { field: 'config.name' },
      );
    }
    const experimentId = randomUUID();
    const streamId = experimentStreamId(experimentId);
    const event = newEvent(
      'ExperimentStarted',
      { experimentId, name: parsed.name, config: parsed.config, seed: parsed.seed },
      { correlationId: experimentId, actor: principal.subject },
    );
    await context.services.store.append(streamId, [event], 'no_stream');
    return experimentFromStream(experimentId, await context.services.store.readStream(streamId));
  }

  @Mutation(() => Experiment, { description: 'Appends ExperimentCancelled to a running experiment.' })
  async cancelExperiment(
    @Ctx() context: ApiContext,
    @Args(() => LifecycleArgs) args: LifecycleArgs,
  ): Promise<Experiment> {
    return appendToUnfinished(context, args, {
      type: 'ExperimentCancelled',
      verb: 'cancelled',
      refusal: (lastType) =>
        `experiment '${args.id}' has already ended (${lastType}); only a running experiment can be cancelled`,
    });
  }

  @Mutation(() => Experiment, {
    description:
      'Appends ExperimentResumed to an unfinished experiment whose run stopped; the search runner queues it again and rebuilds its state from the log. Ended experiments cannot resume.',
  })
  async resumeExperiment(
    @Ctx() context: ApiContext,
    @Args(() => LifecycleArgs) args: LifecycleArgs,
  ): Promise<Experiment> {
    // The request itself is recorded (who and when); the runner queues the experiment again on seeing it and
    // continues from the log, so a resume never repeats a decision.
    return appendToUnfinished(context, args, {
      type: 'ExperimentResumed',
      verb: 'resumed',
      refusal: (lastType) =>
        `experiment '${args.id}' has ended (${lastType}) and cannot resume; start a new one with its config`,
    });
  }

  @Mutation(() => ProjectionRebuilt, { description: 'Drops a read model and replays the log into it (admin).' })
  async rebuildProjection(
    @Ctx() context: ApiContext,
    @Arg('name', () => String) name: string,
  ): Promise<ProjectionRebuilt> {
    assertRole(context.principal, 'admin');
    return readModelsOf(context).rebuild(name);
  }
}
