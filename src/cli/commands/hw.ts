// `cosearch hw`: evaluates a candidate JSON file with the analytical FPGA model (LUTs, img/s, latency, feasibility,
// per-layer table), or auto-folds it to a throughput target; `cosearch hw validate` checks the model against published
// designs (hwValidate.ts). File I/O lives here; src/hardware is pure.
import { readFileSync } from 'node:fs';
import type { CommandModule } from 'yargs';
import {
  autoFold,
  checkHardware,
  resolveDevice,
  type HardwareBudget,
  type HardwareCheckResult,
} from '../../hardware/index.js';
import { validateCandidate, type Candidate } from '../../space/index.js';
import { CosearchError } from '../../errors.js';
import { isVerbose, reportFailure } from '../failure.js';
import { printHwValidation, runHwValidation } from './hwValidate.js';

interface HwArgs {
  action?: string;
  candidate?: string;
  designs?: string;
  device: string;
  minFps?: number;
  maxLuts?: number;
  maxBram?: number;
  autoFold?: boolean;
  json?: boolean;
}

const readCandidate = (path: string): Candidate => {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new CosearchError(
      'BAD_USER_INPUT',
      `cannot read the candidate file '${path}': ${(error as Error).message}; pass --candidate <file.json>`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CosearchError('BAD_USER_INPUT', `the candidate file '${path}' is not JSON: ${(error as Error).message}`);
  }
  return validateCandidate(json);
};

const printTable = (r: HardwareCheckResult): void => {
  console.log(`device ${r.device} @ ${r.clockMhz} MHz`);
  console.log(
    `LUTs ${r.luts} (budget ${r.budget.maxLuts})   BRAM36 ${r.bram36}   throughput ${r.throughputFps.toFixed(1)} img/s (min ${r.budget.minFps})   latency ${r.latencyMs.toFixed(3)} ms`,
  );
  console.log(`feasible: ${r.feasible ? 'yes' : 'no'}`);
  for (const v of r.violations)
    console.log(
      `  violates ${v.constraint}: limit ${v.limit}, actual ${Math.round(v.actual * 10) / 10}, excess ${Math.round(v.excess * 10) / 10}`,
    );
  console.log('layer kind    PE  SIMD      LUTs  BRAM36      cycles    max img/s');
  for (const l of r.layers) {
    const mark = l.index === r.bottleneckLayer ? ' <- bottleneck' : '';
    console.log(
      `${String(l.index).padStart(5)} ${l.kind.padEnd(5)} ${String(l.pe).padStart(4)} ${String(l.simd).padStart(5)} ${String(l.luts).padStart(9)} ${String(l.bram36).padStart(7)} ${String(l.cyclesPerImage).padStart(11)} ${l.maxFps.toFixed(1).padStart(12)}${mark}`,
    );
  }
};

export const hwCommand: CommandModule<object, HwArgs> = {
  command: 'hw [action]',
  describe:
    'estimate LUTs, img/s, latency and feasibility of a candidate on an FPGA, or auto-fold it to a fps target; `hw validate` checks the model on published designs',
  builder: (yargs) =>
    yargs
      .positional('action', {
        type: 'string',
        choices: ['validate'],
        describe: 'validate: leave-one-out validation on published designs',
      })
      .option('candidate', {
        type: 'string',
        describe: 'candidate JSON file (docs/hardware.md); required unless validate',
      })
      .option('designs', {
        type: 'string',
        describe: 'published-designs JSON for validate (default: bench/data/fpga-designs.json)',
      })
      .option('device', { type: 'string', default: 'zynq7020', describe: 'device preset: zynq7020, 30k, zu3eg, zc706' })
      .option('min-fps', { type: 'number', describe: 'required images per second' })
      .option('max-luts', { type: 'number', describe: 'LUT budget (default: the device LUTs)' })
      .option('max-bram', { type: 'number', describe: 'BRAM36 budget (default: unchecked)' })
      .option('auto-fold', {
        type: 'boolean',
        default: false,
        describe: 'choose the cheapest PE/SIMD per layer meeting --min-fps; prints the folded candidate',
      })
      .option('json', { type: 'boolean', default: false, describe: 'print one JSON object' }),
  handler: (args) => {
    try {
      if (args.action === 'validate') {
        const result = runHwValidation(args.designs);
        if (args.json === true) console.log(JSON.stringify(result, null, 2));
        else printHwValidation(result);
        process.exitCode = 0;
        return;
      }
      if (args.candidate === undefined)
        throw new CosearchError('BAD_USER_INPUT', 'hw expects --candidate <file.json> (or the action validate)');
      const device = resolveDevice(args.device);
      let candidate = readCandidate(args.candidate);
      const budget: HardwareBudget = {
        ...(args.minFps === undefined ? {} : { minFps: args.minFps }),
        ...(args.maxLuts === undefined ? {} : { maxLuts: args.maxLuts }),
        ...(args.maxBram === undefined ? {} : { maxBram36: args.maxBram }),
      };
      let fold: { reachable: boolean; unreachableLayers: number[] } | undefined;
      if (args.autoFold === true) {
        if (args.minFps === undefined)
          throw new CosearchError('BAD_USER_INPUT', '--auto-fold needs a target: pass --min-fps N');
        const folded = autoFold(candidate, device, { minFps: args.minFps });
        candidate = folded.candidate;
        fold = { reachable: folded.reachable, unreachableLayers: folded.unreachableLayers };
      }
      const result = checkHardware(candidate, device, budget);
      if (args.json === true) {
        const { throughputFps, ...rest } = result;
        console.log(
          JSON.stringify(
            { ...rest, throughput: throughputFps, throughputFps, ...(fold ? { autoFold: fold, candidate } : {}) },
            null,
            2,
          ),
        );
      } else {
        if (fold) {
          console.log(
            `auto-folded to ${args.minFps} img/s${fold.reachable ? '' : ` (layers ${fold.unreachableLayers.join(', ')} cannot reach it even fully unfolded)`}:`,
          );
          console.log(JSON.stringify(candidate));
        }
        printTable(result);
      }
      process.exitCode = 0;
    } catch (error) {
      reportFailure(error, { verbose: isVerbose() });
    }
  },
};
