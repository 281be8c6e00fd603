// Read-model queries: experiments, candidates (Relay pages), one experiment, one candidate, the Pareto front.
import { Arg, Ctx, Field, Float, ID, InputType, Int, Query, registerEnumType, Resolver } from 'type-graphql';
import { CosearchError } from '../../errors.js';
import { assertRole } from '../auth.js';
import type { ApiContext, Page, ReadModels } from '../context.js';
import { pageSize } from '../limits.js';
import { Health } from '../types/common.js';
import {
  Candidate,
  CandidateConnection,
  CandidateStatus,
  Experiment,
  ExperimentConnection,
  ExperimentStatus,
} from '../types/experiment.js';
import { Worker, WorkerState } from '../types/worker.js';
import { Caller } from '../types/caller.js';

export enum CandidateOrderField {
  INDEX = 'INDEX',
  ACCURACY = 'ACCURACY',
  REWARD = 'REWARD',
  LUTS = 'LUTS',
  THROUGHPUT = 'THROUGHPUT',
}
registerEnumType(CandidateOrderField, { name: 'CandidateOrderField' });

@InputType()
export class CandidateFilter {
  @Field(() => Boolean, {
    nullable: true,
    description: 'Only candidates the hardware model accepted (true) or pruned (false).',
  })
  feasible?: boolean | null;

  @Field(() => CandidateStatus, { nullable: true })
  status?: CandidateStatus | null;

  @Field(() => Float, { nullable: true, description: 'Accuracy at least this (0..1); excludes untrained candidates.' })
  minAccuracy?: number | null;

  @Field(() => Float, { nullable: true, description: 'LUTs at most this; excludes candidates not yet evaluated.' })
  maxLuts?: number | null;
}

@InputType()
export class CandidateOrder {
  @Field(() => CandidateOrderField, { defaultValue: CandidateOrderField.INDEX })
  field!: CandidateOrderField;

  @Field(() => Boolean, { defaultValue: false })
  descending!: boolean;
}

export const readModelsOf = (context: ApiContext): ReadModels => {
  const { readModels } = context.services;
  if (readModels === undefined) {
    throw new CosearchError(
      'INTERNAL',
      'the read models (src/projections) are not available in this build; only health, events and subscriptions work',
    );
  }
  return readModels;
};

export const toConnection = <T>(
  page: Page<T>,
): {
  edges: Array<{ cursor: string; node: T }>;
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
} => ({
  edges: page.items,
  totalCount: page.totalCount,
  pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.items.at(-1)?.cursor ?? null },
});

@Resolver()
export class QueryResolver {
  @Query(() => Health, { description: 'Liveness; needs no token.' })
  async health(@Ctx() context: ApiContext): Promise<Health> {
    const { store, readModels, version } = context.services;
    const headPosition = await store.headPosition();
    const { projections, problems } =
      readModels === undefined
        ? { projections: [], problems: [] }
        : await readModels.status().catch((error: unknown) => ({
            projections: [],
            problems: [`read models: ${error instanceof Error ? error.message : String(error)}`],
          }));
    const degraded = problems.length > 0 || projections.some((p) => p.state === 'failed');
    return {
      status: degraded ? 'degraded' : 'ok',
      store: store.kind,
      headPosition,
      readModels: readModels !== undefined,
      version,
      projections: projections.map((p) => ({ ...p, lag: Math.max(0, headPosition - p.position) })),
      problems,
    };
  }

  @Query(() => ExperimentConnection)
  async experiments(
    @Ctx() context: ApiContext,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Arg('status', () => ExperimentStatus, { nullable: true }) status: ExperimentStatus | null,
  ): Promise<ExperimentConnection> {
    assertRole(context.principal, 'viewer');
    const size = pageSize(first, context.services.limits.maxPageSize);
    return toConnection(
      await readModelsOf(context).listExperiments({
        first: size,
        after: after ?? undefined,
        status: status ?? undefined,
      }),
    );
  }

  @Query(() => Caller, {
    nullable: true,
    description: 'Who the caller is; null without a valid token (when tokens are configured). Needs no role.',
  })
  me(@Ctx() context: ApiContext): Caller | null {
    return context.principal === null ? null : { subject: context.principal.subject, role: context.principal.role };
  }

  @Query(() => [Worker], {
    description:
      'The `cosearch worker` processes of this store, newest start first (at most 500); stopped ones only when asked.',
  })
  async workers(
    @Ctx() context: ApiContext,
    @Arg('state', () => WorkerState, { nullable: true }) state: WorkerState | null,
    @Arg('includeStopped', () => Boolean, { defaultValue: false }) includeStopped: boolean,
  ): Promise<Worker[]> {
    assertRole(context.principal, 'viewer');
    return readModelsOf(context).listWorkers({ state: state ?? undefined, includeStopped });
  }

  @Query(() => Experiment)
  async experiment(@Ctx() context: ApiContext, @Arg('id', () => ID) id: string): Promise<Experiment> {
    assertRole(context.principal, 'viewer');
    const experiment = await readModelsOf(context).getExperiment(id);
    if (experiment === undefined)
      throw new CosearchError('NOT_FOUND', `no experiment with id '${id}'; list them with the experiments query`, {
        field: 'id',
      });
    return experiment;
  }

  @Query(() => CandidateConnection)
  async candidates(
    @Ctx() context: ApiContext,
    @Arg('experimentId', () => ID) experimentId: string,
    @Arg('filter', () => CandidateFilter, { nullable: true }) filter: CandidateFilter | null,
    @Arg('orderBy', () => CandidateOrder, { nullable: true }) orderBy: CandidateOrder | null,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ): Promise<CandidateConnection> {
    assertRole(context.principal, 'viewer');
    const size = pageSize(first, context.services.limits.maxPageSize);
    const page = await readModelsOf(context).listCandidates({
      experimentId,
      feasible: filter?.feasible ?? undefined,
      status: filter?.status ?? undefined,
      minAccuracy: filter?.minAccuracy ?? undefined,
      maxLuts: filter?.maxLuts ?? undefined,
      orderBy: orderBy?.field ?? CandidateOrderField.INDEX,
      descending: orderBy?.descending ?? false,
      first: size,
      after: after ?? undefined,
    });
    return toConnection(page);
  }

  @Query(() => Candidate)
  async candidate(@Ctx() context: ApiContext, @Arg('id', () => ID) id: string): Promise<Candidate> {
    assertRole(context.principal, 'viewer');
    const candidate = await readModelsOf(context).getCandidate(id);
    if (candidate === undefined) throw new CosearchError('NOT_FOUND', `no candidate with id '${id}'`, { field: 'id' });
    return candidate;
  }

  @Query(() => [Candidate], { description: 'Non-dominated trained candidates: accuracy up, LUTs down.' })
  async paretoFront(
    @Ctx() context: ApiContext,
    @Arg('experimentId', () => ID) experimentId: string,
  ): Promise<Candidate[]> {
    assertRole(context.principal, 'viewer');
    const models = readModelsOf(context);
    if ((await models.getExperiment(experimentId)) === undefined) {
      throw new CosearchError('NOT_FOUND', `no experiment with id '${experimentId}'`, { field: 'experimentId' });
    }
    return models.paretoFront(experimentId);
  }
}
