// The raw audit view of the log (events query) and the two subscriptions that follow an experiment's stream from
// a cursor: catch-up from the store, then live events fed by the store's subscribeToAll, exactly once and in order.
import { Arg, Ctx, ID, Int, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { SubscribeResolverData } from 'type-graphql';
import { experimentStreamId } from '../../events/index.js';
import { CosearchError } from '../../errors.js';
import type { RecordedEvent } from '../../store/index.js';
import { assertRole } from '../auth.js';
import type { ApiContext } from '../context.js';
import { mapIterator } from '../eventHub.js';
import { pageSize } from '../limits.js';
import { evolveProgress, initialProgress, progressOf, type ProgressSnapshot } from '../progress.js';
import { EventConnection, EventRecord } from '../types/common.js';
import { ExperimentProgress, ExperimentStatus } from '../types/experiment.js';

/** Parses a cursor (a global position as a decimal string); names the argument on failure. */
export const parseCursor = (cursor: string | null | undefined, argument = 'after'): number => {
  if (cursor === null || cursor === undefined || cursor === '') return 0;
  if (!/^\d{1,15}$/.test(cursor)) {
    throw new CosearchError(
      'BAD_USER_INPUT',
      `argument '${argument}' must be a cursor returned by this API (a decimal position), but got '${cursor}'`,
      {
        field: argument,
      },
    );
  }
  return Number(cursor);
};

export const toEventRecord = (event: RecordedEvent): EventRecord => ({
  id: event.id,
  streamId: event.streamId,
  revision: event.revision,
  position: event.position,
  cursor: String(event.position),
  type: event.type,
  data: event.data,
  metadata: { ...event.metadata, causationId: event.metadata.causationId ?? null },
});

const toProgress = (state: ProgressSnapshot): ExperimentProgress => ({
  ...state,
  status: ExperimentStatus[state.status],
});

const assertExperimentExists = async (context: ApiContext, id: string): Promise<string> => {
  const streamId = experimentStreamId(id);
  const first = await context.services.store.readStream(streamId, { maxCount: 1 });
  if (first.length === 0)
    throw new CosearchError('NOT_FOUND', `no experiment with id '${id}'; start one with startExperiment`, {
      field: 'id',
    });
  return streamId;
};

interface FollowArgs {
  id: string;
  after?: string | null;
}

@Resolver()
export class EventResolver {
  @Query(() => EventConnection, {
    description: 'Raw events as stored (audit view). Give streamId or experimentId, or neither for the whole log.',
  })
  async events(
    @Ctx() context: ApiContext,
    @Arg('streamId', () => String, { nullable: true }) streamId: string | null,
    @Arg('experimentId', () => ID, { nullable: true }) experimentId: string | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
  ): Promise<EventConnection> {
    assertRole(context.principal, 'viewer');
    // type-graphql passes an omitted nullable argument as undefined, an explicit null as null.
    if (streamId != null && experimentId != null) {
      throw new CosearchError('BAD_USER_INPUT', "give either 'streamId' or 'experimentId', not both", {
        field: 'streamId',
      });
    }
    const { store, limits } = context.services;
    const size = pageSize(first, limits.maxPageSize);
    const afterPosition = parseCursor(after);
    const stream = streamId ?? (experimentId == null ? null : experimentStreamId(experimentId));
    // One extra event tells whether another page follows.
    const events =
      stream === null
        ? await store.readAll({ after: afterPosition, maxCount: size + 1 })
        : (await store.readStream(stream)).filter((event) => event.position > afterPosition).slice(0, size + 1);
    const page = events.slice(0, size).map(toEventRecord);
    return {
      edges: page.map((node) => ({ cursor: node.cursor, node })),
      pageInfo: { hasNextPage: events.length > size, endCursor: page.at(-1)?.cursor ?? null },
    };
  }

  @Subscription(() => EventRecord, {
    description: 'Every event of the experiment after the cursor (all of them without one), then live ones.',
    subscribe: async ({ args, context }: SubscribeResolverData<unknown, FollowArgs, ApiContext>) => {
      assertRole(context.principal, 'viewer');
      const after = parseCursor(args.after);
      const streamId = await assertExperimentExists(context, args.id);
      return mapIterator(context.services.hub.follow(streamId, after), toEventRecord);
    },
  })
  experimentEvents(
    @Root() event: EventRecord,
    @Arg('id', () => ID) _id: string,
    @Arg('after', () => String, { nullable: true }) _after: string | null,
  ): EventRecord {
    return event;
  }

  @Subscription(() => ExperimentProgress, {
    description: 'A progress snapshot after each event of the experiment past the cursor, then live ones.',
    subscribe: async ({ args, context }: SubscribeResolverData<unknown, FollowArgs, ApiContext>) => {
      assertRole(context.principal, 'viewer');
      const after = parseCursor(args.after);
      const streamId = await assertExperimentExists(context, args.id);
      // Fold the whole stream so the numbers are right, but send only what follows the cursor.
      const fold = initialProgress(args.id);
      return mapIterator(context.services.hub.follow(streamId, 0), (event) => {
        evolveProgress(fold, event);
        return event.position > after ? toProgress(progressOf(fold)) : undefined;
      });
    },
  })
  experimentProgress(
    @Root() progress: ExperimentProgress,
    @Arg('id', () => ID) _id: string,
    @Arg('after', () => String, { nullable: true }) _after: string | null,
  ): ExperimentProgress {
    return progress;
  }
}
