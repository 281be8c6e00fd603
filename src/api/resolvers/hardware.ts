// The hardware model as a service: estimate a candidate on a device, with optional constraints, and no search.
import { Arg, Ctx, Field, Float, InputType, Query, Resolver } from 'type-graphql';
import { GraphQLJSON } from 'graphql-scalars';
import { CosearchError, isCosearchError } from '../../errors.js';
import { assertRole } from '../auth.js';
import type { ApiContext, HardwareService } from '../context.js';
import { HardwareReport } from '../types/experiment.js';

@InputType()
export class ConstraintsInput {
  @Field(() => Float, { nullable: true, description: 'Most LUTs the design may use.' })
  lutBudget?: number | null;

  @Field(() => Float, { nullable: true, description: 'Fewest images per second the design must sustain.' })
  minThroughputFps?: number | null;
}

const hardwareOf = (context: ApiContext): HardwareService => {
  const { hardware } = context.services;
  if (hardware === undefined) throw new CosearchError('INTERNAL', 'the hardware model (src/hardware) is not available in this build');
  return hardware;
};

@Resolver()
export class HardwareResolver {
  @Query(() => [String], { description: 'Device presets the hardware model knows.' })
  devices(@Ctx() context: ApiContext): string[] {
    assertRole(context.principal, 'viewer');
    return hardwareOf(context).devices();
  }

  @Query(() => HardwareReport)
  hardwareEstimate(
    @Ctx() context: ApiContext,
    @Arg('candidate', () => GraphQLJSON) candidate: unknown,
    @Arg('device', () => String) device: string,
    @Arg('constraints', () => ConstraintsInput, { nullable: true }) constraints: ConstraintsInput | null,
  ): HardwareReport {
    assertRole(context.principal, 'viewer');
    const hardware = hardwareOf(context);
    if (!hardware.devices().includes(device)) {
      throw new CosearchError('BAD_USER_INPUT', `argument 'device' must be one of ${hardware.devices().join(', ')}, but got '${device}'`, { field: 'device' });
    }
    for (const [name, value] of Object.entries(constraints ?? {})) {
      if (typeof value === 'number' && !(value > 0)) {
        throw new CosearchError('BAD_USER_INPUT', `constraints.${name} must be positive, but got ${value}`, { field: `constraints.${name}` });
      }
    }
    try {
      return hardware.estimate(candidate, device, {
        lutBudget: constraints?.lutBudget ?? undefined,
        minThroughputFps: constraints?.minThroughputFps ?? undefined,
      });
    } catch (error) {
      // space/hardware throw their own Error subclasses with a `code`; an invalid candidate is the caller's input.
      if (isCosearchError(error) && error.code !== 'INTERNAL') {
        throw new CosearchError(error.code === 'NOT_FOUND' ? 'NOT_FOUND' : 'BAD_USER_INPUT', `candidate: ${error.message}`, { field: 'candidate' });
      }
      throw error;
    }
  }
}
