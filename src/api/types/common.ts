// GraphQL object types shared by every resolver: paging info, health, and the raw event (audit) view.
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { GraphQLJSON } from 'graphql-scalars';

@ObjectType({ description: 'Relay page information. Cursors are opaque strings.' })
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

@ObjectType({ description: 'One projection (read model) as health sees it.' })
export class ProjectionHealth {
  @Field(() => String)
  name!: string;

  @Field(() => String, { description: 'live | failed | stopped | rebuilding' })
  state!: string;

  @Field(() => Float, { description: 'Last global position applied.' })
  position!: number;

  @Field(() => Float, { description: 'Events of the log not applied yet: headPosition - position.' })
  lag!: number;

  @Field(() => String, { nullable: true, description: 'The last error while failed.' })
  error!: string | null;
}

@ObjectType({ description: 'Liveness of the service and the store behind it.' })
export class Health {
  @Field(() => String, {
    description: "'ok', or 'degraded' when a projection failed or a read-model table is missing or wrong-shaped.",
  })
  status!: string;

  @Field(() => String, { description: "Event store backend: 'sqlite' | 'postgres' | 'kurrentdb'." })
  store!: string;

  @Field(() => Float, { description: 'Highest global position in the event log.' })
  headPosition!: number;

  @Field(() => Boolean, { description: 'Whether read-model queries (experiments, candidates, ...) are served.' })
  readModels!: boolean;

  @Field(() => [ProjectionHealth], { description: 'Each projection: state, position and lag.' })
  projections!: ProjectionHealth[];

  @Field(() => [String], {
    description: 'Read-model tables that are missing or wrong-shaped; rebuildProjection or a restart recreates them.',
  })
  problems!: string[];

  @Field(() => String)
  version!: string;
}

@ObjectType()
export class EventMetadataView {
  @Field(() => String)
  correlationId!: string;

  @Field(() => String, { nullable: true })
  causationId!: string | null;

  @Field(() => String, { description: 'Token subject, `system`, `worker:<id>` or `cli`.' })
  actor!: string;

  @Field(() => Int)
  schemaVersion!: number;

  @Field(() => String)
  recordedAt!: string;

  @Field(() => String)
  hash!: string;

  @Field(() => String)
  prevHash!: string;
}

@ObjectType({ description: 'One event exactly as stored: the audit view.' })
export class EventRecord {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  streamId!: string;

  @Field(() => Int)
  revision!: number;

  @Field(() => Float, { description: 'Global position in the log.' })
  position!: number;

  @Field(() => String, { description: 'Pass as `after` to resume right after this event.' })
  cursor!: string;

  @Field(() => String)
  type!: string;

  @Field(() => GraphQLJSON)
  data!: unknown;

  @Field(() => EventMetadataView)
  metadata!: EventMetadataView;
}

@ObjectType()
export class EventEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => EventRecord)
  node!: EventRecord;
}

@ObjectType()
export class EventConnection {
  @Field(() => [EventEdge])
  edges!: EventEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}
