// Fields of Experiment that need another read: its best candidate (one indexed lookup in the read models).
import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { ApiContext } from '../context.js';
import { Candidate, Experiment } from '../types/experiment.js';

@Resolver(() => Experiment)
export class ExperimentFieldResolver {
  @FieldResolver(() => Candidate, {
    nullable: true,
    description: 'The trained candidate with the highest accuracy so far.',
  })
  async bestCandidate(@Root() experiment: Experiment, @Ctx() context: ApiContext): Promise<Candidate | null> {
    const { readModels } = context.services;
    if (experiment.bestCandidateId === null || readModels === undefined) return null;
    return (await readModels.getCandidate(experiment.bestCandidateId)) ?? null;
  }
}
