// GraphQL object types of the read models: experiments, candidates, their pages, and live progress.
import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { GraphQLJSON } from 'graphql-scalars';
import { PageInfo } from './common.js';

export enum ExperimentStatus {
  RUNNING = 'RUNNING',
  COMPLETED = 'COMPLETED',
  FAILED = 'FAILED',
  CANCELLED = 'CANCELLED',
}
registerEnumType(ExperimentStatus, { name: 'ExperimentStatus' });

export enum CandidateStatus {
  PROPOSED = 'PROPOSED',
  PRUNED = 'PRUNED',
  TRAINING = 'TRAINING',
  TRAINED = 'TRAINED',
  FAILED = 'FAILED',
}
registerEnumType(CandidateStatus, {
  name: 'CandidateStatus',
  description: 'PRUNED: rejected by the hardware model, never trained.',
});

@ObjectType()
export class Experiment {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => ExperimentStatus)
  status!: ExperimentStatus;

  @Field(() => GraphQLJSON, { description: 'The validated experiment config, as started.' })
  config!: unknown;

  @Field(() => Float, { nullable: true })
  seed!: number | null;

  @Field(() => Int)
  proposed!: number;

  @Field(() => Int, { description: 'Candidates rejected by the hardware model, never trained.' })
  pruned!: number;

  @Field(() => Int)
  trained!: number;

  @Field(() => Int, { description: 'Candidates whose training failed.' })
  failed!: number;

  @Field(() => ID, { nullable: true })
  bestCandidateId!: string | null;

  @Field(() => Float, { nullable: true })
  bestAccuracy!: number | null;

  @Field(() => String, { nullable: true })
  startedAt!: string | null;

  @Field(() => String, { nullable: true })
  finishedAt!: string | null;

  @Field(() => Float, { nullable: true, description: 'Seconds from start to finish (or to now while running).' })
  durationSeconds!: number | null;

  @Field(() => String, {
    nullable: true,
    description: 'Why it ended: completion reason, failure message or cancel reason.',
  })
  reason!: string | null;
}

@ObjectType()
export class ConstraintViolationView {
  @Field(() => String)
  constraint!: string;

  @Field(() => Float)
  limit!: number;

  @Field(() => Float)
  actual!: number;
}

@ObjectType({ description: 'The hardware model verdict for one candidate on one device.' })
export class HardwareReport {
  @Field(() => String)
  device!: string;

  @Field(() => Float)
  luts!: number;

  @Field(() => Float)
  throughputFps!: number;

  @Field(() => Float)
  latencyMs!: number;

  @Field(() => Boolean)
  feasible!: boolean;

  @Field(() => [ConstraintViolationView])
  violations!: ConstraintViolationView[];

  @Field(() => GraphQLJSON, {
    description: 'Per-layer breakdown (LUTs, cycles, ...), as the hardware model reports it.',
  })
  layers!: unknown;
}

@ObjectType()
export class EpochPoint {
  @Field(() => Int)
  epoch!: number;

  @Field(() => Float)
  loss!: number;

  @Field(() => Float)
  trainAccuracy!: number;

  @Field(() => Float, { nullable: true })
  valAccuracy!: number | null;

  @Field(() => Float)
  imagesPerSec!: number;
}

@ObjectType()
export class Candidate {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  experimentId!: string;

  @Field(() => Int)
  index!: number;

  @Field(() => CandidateStatus)
  status!: CandidateStatus;

  @Field(() => String, { description: 'Controller that proposed it: rl, random, evolution, separate, hotstart, ...' })
  controller!: string;

  @Field(() => GraphQLJSON, { description: 'The candidate network (architecture, per-layer bits and folding).' })
  candidate!: unknown;

  @Field(() => HardwareReport, { nullable: true })
  hardware!: HardwareReport | null;

  @Field(() => Float, { nullable: true })
  accuracy!: number | null;

  @Field(() => Float, { nullable: true })
  testAccuracy!: number | null;

  @Field(() => Float, { nullable: true })
  trainSeconds!: number | null;

  @Field(() => Float, { nullable: true })
  reward!: number | null;

  @Field(() => String, { nullable: true })
  rewardReason!: string | null;

  @Field(() => String)
  proposedAt!: string;

  @Field(() => [EpochPoint])
  trainingCurve!: EpochPoint[];
}

@ObjectType()
export class ExperimentEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => Experiment)
  node!: Experiment;
}

@ObjectType()
export class ExperimentConnection {
  @Field(() => Int, { description: 'Rows matching the filter, ignoring paging.' })
  totalCount!: number;

  @Field(() => [ExperimentEdge])
  edges!: ExperimentEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}

@ObjectType()
export class CandidateEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => Candidate)
  node!: Candidate;
}

@ObjectType()
export class CandidateConnection {
  @Field(() => Int, { description: 'Rows matching the filter, ignoring paging.' })
  totalCount!: number;

  @Field(() => [CandidateEdge])
  edges!: CandidateEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}

@ObjectType({ description: 'Progress after one event of the experiment; `cursor` resumes right after it.' })
export class ExperimentProgress {
  @Field(() => ID)
  experimentId!: string;

  @Field(() => String)
  cursor!: string;

  @Field(() => String, { description: 'Type of the event that produced this snapshot.' })
  eventType!: string;

  @Field(() => ExperimentStatus)
  status!: ExperimentStatus;

  @Field(() => Int)
  proposed!: number;

  @Field(() => Int)
  pruned!: number;

  @Field(() => Int)
  trained!: number;

  @Field(() => Int)
  training!: number;

  @Field(() => ID, { nullable: true })
  bestCandidateId!: string | null;

  @Field(() => Float, { nullable: true })
  bestAccuracy!: number | null;

  @Field(() => Float, { nullable: true })
  lastReward!: number | null;

  @Field(() => Int, { nullable: true })
  policyStep!: number | null;

  @Field(() => String, {
    nullable: true,
    description:
      "The worker this event names (start, epoch or result of a training a worker ran); null for the loop's own events.",
  })
  workerId!: string | null;

  @Field(() => String)
  recordedAt!: string;
}
