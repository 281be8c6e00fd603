// The hardware model as a service: estimate a candidate on a device, with optional constraints, and no search.
import { Arg, Ctx, Field, Float, InputType, Query, Resolver } from 'type-graphql';
import { GraphQLJSON } from 'graphql-scalars';
import { CosearchError, isCosearchError } from '../../errors.js';
import { assertRole } from '../auth.js';
import type { ApiContext, HardwareService } from '../context.js';
import { HardwareReport } from '../types/experiment.js';

@InputType({
  description:
    'The names are those of the experiment config (`device.maxLuts`, `device.minFps`) and the CLI (`--max-luts`, `--min-fps`).',
})
export class ConstraintsInput {
  @Field(() => Float, { nullable: true, description: 'Most LUTs the design may use.' })
  maxLuts?: number | null;

  @Field(() => Float, { nullable: true, description: 'Fewest images per second the design must sustain.' })
  minFps?: number | null;

  @Field(() => Float, {
    nullable: true,
    deprecationReason: 'Use maxLuts, the name the config and the CLI use. Removed in the release after 0.2.',
  })
  lutBudget?: number | null;

  @Field(() => Float, {
    nullable: true,
    deprecationReason: 'Use minFps, the name the config and the CLI use. Removed in the release after 0.2.',
  })
  minThroughputFps?: number | null;
}

/** One constraint given under its name or its deprecated alias; both, with different values, is an error. */
const aliased = (
  constraints: ConstraintsInput | null,
  name: 'maxLuts' | 'minFps',
  alias: 'lutBudget' | 'minThroughputFps',
): number | undefined => {
  const value = constraints?.[name] ?? undefined;
  const old = constraints?.[alias] ?? undefined;
  if (value !== undefined && old !== undefined && value !== old) {
    throw new CosearchError(
      'BAD_USER_INPUT',
      `constraints.${name} (${value}) and its deprecated alias constraints.${alias} (${old}) disagree; give only ${name}`,
      { field: `constraints.${alias}` },
    );
  }
  return value ?? old;
};

const hardwareOf = (context: ApiContext): HardwareService => {
  const { hardware } = context.services;
  if (hardware === undefined)
    throw new CosearchError('INTERNAL', 'the hardware model (src/hardware) is not available in this build');
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
      throw new CosearchError(
        'BAD_USER_INPUT',
        `argument 'device' must be one of ${hardware.devices().join(', ')}, but got '${device}'`,
        { field: 'device' },
      );
    }
    for (const [name, value] of Object.entries(constraints ?? {})) {
      if (typeof value === 'number' && !(value > 0)) {
        throw new CosearchError('BAD_USER_INPUT', `constraints.${name} must be positive, but got ${value}`, {
          field: `constraints.${name}`,
        });
      }
    }
    const limits = {
      maxLuts: aliased(constraints, 'maxLuts', 'lutBudget'),
      minFps: aliased(constraints, 'minFps', 'minThroughputFps'),
    };
    try {
      return hardware.estimate(candidate, device, limits);
    } catch (error) {
      // space/hardware throw their own Error subclasses with a `code`; an invalid candidate is the caller's input.
      if (isCosearchError(error) && error.code !== 'INTERNAL') {
        throw new CosearchError(
          error.code === 'NOT_FOUND' ? 'NOT_FOUND' : 'BAD_USER_INPUT',
          `candidate: ${error.message}`,
          { field: 'candidate' },
        );
      }
      throw error;
    }
  }
}
