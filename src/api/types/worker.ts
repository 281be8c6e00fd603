// GraphQL object types of the workers read model: one `cosearch worker` process and what it is doing.
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';

export enum WorkerState {
  IDLE = 'IDLE',
  TRAINING = 'TRAINING',
  UNRESPONSIVE = 'UNRESPONSIVE',
  STOPPED = 'STOPPED',
}
registerEnumType(WorkerState, {
  name: 'WorkerState',
  description:
    'UNRESPONSIVE: it holds a job whose lease ran out (killed, or cut off from the store); another worker may claim the job.',
});

@ObjectType({
  description: 'A `cosearch worker` process that claims and trains the candidates of running experiments.',
})
export class Worker {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  host!: string;

  @Field(() => Int)
  pid!: number;

  @Field(() => WorkerState)
  state!: WorkerState;

  @Field(() => ID, { nullable: true, description: 'The candidate it is training now.' })
  currentCandidate!: string | null;

  @Field(() => ID, { nullable: true, description: 'The experiment of that candidate.' })
  currentExperiment!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'The job it holds: its events are in stream `job-<currentJob>`.',
  })
  currentJob!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'ISO time its claim on the current job runs out unless renewed.',
  })
  leaseExpiresAt!: string | null;

  @Field(() => String, { description: 'ISO time of its last event (start, claim, heartbeat, epoch, result, stop).' })
  heartbeatAt!: string;

  @Field(() => String)
  startedAt!: string;

  @Field(() => String, { nullable: true, description: 'Why it stopped, when it did.' })
  stopReason!: string | null;

  @Field(() => Int, { description: 'Results it reported that were counted.' })
  trained!: number;

  @Field(() => Int, { description: 'Results it reported after losing the lease: recorded, never counted.' })
  rejected!: number;
}
