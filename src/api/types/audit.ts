// GraphQL object types of the audit views (src/audit): replay "as of", hash-chain audit, "why this candidate"
// and re-scoring under a new budget. Nested, free-form parts (candidates, timeline points) are JSON.
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { GraphQLJSON } from 'graphql-scalars';
import { ConstraintViolationView } from './experiment.js';

@ObjectType({ description: 'Counts of what the replayed events say happened.' })
export class ReplayCounts {
  @Field(() => Int) events!: number;
  @Field(() => Int) proposed!: number;
  @Field(() => Int, { description: 'Rejected by the hardware model, never trained.' }) pruned!: number;
  @Field(() => Int) trained!: number;
  @Field(() => Int) rewarded!: number;
  @Field(() => Int) epochs!: number;
  @Field(() => Int) policyUpdates!: number;
}

@ObjectType({ description: 'The progress timeline in brief: one point per rewarded candidate.' })
export class ReplayTimelineSummary {
  @Field(() => Int) points!: number;
  @Field(() => GraphQLJSON, {
    nullable: true,
    description: 'First point: {position, recordedAt, candidateId, index, reward, bestAccuracy}.',
  })
  first!: unknown;
  @Field(() => GraphQLJSON, { nullable: true, description: 'Last point, same shape.' })
  last!: unknown;
}

@ObjectType({
  description:
    'An experiment rebuilt from its events alone, as of a global position or a time (nothing retrained or appended).',
})
export class ExperimentAsOf {
  @Field(() => ID) experimentId!: string;
  @Field(() => String, { nullable: true }) name!: string | null;
  @Field(() => Float, { nullable: true }) seed!: number | null;
  @Field(() => String, { description: 'not_started | running | completed | failed | cancelled, as of that moment.' })
  status!: string;
  @Field(() => String, { nullable: true }) reason!: string | null;
  @Field(() => Float, { description: 'Global position of the last event replayed (-1 when none).' })
  asOfPosition!: number;
  @Field(() => Int, { description: 'Stream revision of the last event replayed.' }) asOfRevision!: number;
  @Field(() => String, { nullable: true }) asOfRecordedAt!: string | null;
  @Field(() => ReplayCounts) counts!: ReplayCounts;
  @Field(() => Float, { nullable: true }) bestAccuracy!: number | null;
  @Field(() => ID, { nullable: true }) bestCandidateId!: string | null;
  @Field(() => GraphQLJSON, {
    nullable: true,
    description: 'The most accurate trained candidate as of that moment (replay candidate JSON).',
  })
  bestCandidate!: unknown;
  @Field(() => [GraphQLJSON], { description: 'Top 10 trained candidates by accuracy.' }) leaderboard!: unknown[];
  @Field(() => [GraphQLJSON], { description: 'Non-dominated trained candidates: accuracy up, LUTs down.' })
  paretoFront!: unknown[];
  @Field(() => ReplayTimelineSummary) timeline!: ReplayTimelineSummary;
  @Field(() => GraphQLJSON, { nullable: true, description: 'Latest policy update: {step, baseline, loss}.' })
  policy!: unknown;
}

@ObjectType({
  description: 'One fault found by the audit: by the hash chain, the position seals or the anchored head.',
})
export class AuditFaultView {
  @Field(() => String, {
    description: 'edited | missing | reordered | moved | truncated | unanchored | unexpected-head',
  })
  kind!: string;
  @Field(() => Float, { description: 'Global position (-1 when the event cannot be read at all).' }) position!: number;
  @Field(() => Int) revision!: number;
  @Field(() => String) eventId!: string;
  @Field(() => String) eventType!: string;
  @Field(() => String) message!: string;
}

@ObjectType()
export class ExperimentAudit {
  @Field(() => ID) experimentId!: string;
  @Field(() => String) streamId!: string;
  @Field(() => Boolean, { description: 'True when the hash chain verifies and no event is missing or out of order.' })
  verified!: boolean;
  @Field(() => Int, { description: 'Events read.' }) events!: number;
  @Field(() => String, { nullable: true }) firstHash!: string | null;
  @Field(() => String, { nullable: true }) lastHash!: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'The receipt: last seal (covers every hash and global position), or the last hash before anchors.',
  })
  head!: string | null;
  @Field(() => Boolean, {
    description: 'Whether the store keeps anchors; without them truncation and moved positions cannot be seen.',
  })
  anchored!: boolean;
  @Field(() => Int, { description: 'Events written before anchors existed, whose positions are not sealed.' })
  unsealedEvents!: number;
  @Field(() => [AuditFaultView]) faults!: AuditFaultView[];
}

@ObjectType({ description: 'One link of the causation chain, from the candidate back to ExperimentStarted.' })
export class WhyStepView {
  @Field(() => String) type!: string;
  @Field(() => Float) position!: number;
  @Field(() => Int) revision!: number;
  @Field(() => ID) eventId!: string;
  @Field(() => String) actor!: string;
  @Field(() => String) recordedAt!: string;
  @Field(() => String, { description: 'final | causation | stream-start' }) linkedBy!: string;
  @Field(() => String) summary!: string;
  @Field(() => GraphQLJSON, {
    description: 'Log-probs, hardware figures, accuracy, reward… as the event recorded them.',
  })
  details!: unknown;
}

@ObjectType()
export class WhyCandidate {
  @Field(() => ID) candidateId!: string;
  @Field(() => ID) experimentId!: string;
  @Field(() => Boolean, { description: 'ExperimentCompleted named this candidate as the best.' })
  chosenAsBest!: boolean;
  @Field(() => [WhyStepView]) chain!: WhyStepView[];
  @Field(() => [GraphQLJSON], {
    description: 'Rewards the controller had seen before proposing it: {candidateId, reward, position}.',
  })
  priorRewards!: unknown[];
  @Field(() => Int) priorPolicyUpdates!: number;
}

@ObjectType({ description: 'A trained candidate re-evaluated by the hardware model under the new constraints.' })
export class RescoredCandidateView {
  @Field(() => ID) candidateId!: string;
  @Field(() => Int) index!: number;
  @Field(() => Float) accuracy!: number;
  @Field(() => Float) luts!: number;
  @Field(() => Float) throughputFps!: number;
  @Field(() => Float) latencyMs!: number;
  @Field(() => Boolean) feasible!: boolean;
  @Field(() => [ConstraintViolationView]) violations!: ConstraintViolationView[];
}

@ObjectType({ description: 'The outcome of a re-scoring, recorded in the stream `rescoring-<rescoringId>`.' })
export class RescoreOutcome {
  @Field(() => ID) rescoringId!: string;
  @Field(() => String) streamId!: string;
  @Field(() => ID) experimentId!: string;
  @Field(() => GraphQLJSON, { description: '{device, maxLuts?, minFps?} with the device resolved.' })
  constraints!: unknown;
  @Field(() => Int, { description: 'Trained candidates re-evaluated.' }) evaluated!: number;
  @Field(() => [RescoredCandidateView], { description: 'Every trained candidate, in index order.' })
  candidates!: RescoredCandidateView[];
  @Field(() => [RescoredCandidateView], { description: 'Those meeting the new budget, best first.' })
  feasible!: RescoredCandidateView[];
  @Field(() => RescoredCandidateView, {
    nullable: true,
    description: 'Most accurate design that fits (ties: fewer LUTs).',
  })
  best!: RescoredCandidateView | null;
}
