// `cosearch hw validate`: reads the published-designs file, runs the leave-one-group-out validation of the FPGA model
// and prints design / measured / predicted (fitted on all) / predicted (held out) / error. File I/O lives here.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  DEFAULT_COEFFICIENTS,
  FITTED_COEFFICIENTS,
  parsePublishedDesigns,
  resolveDevice,
  validateLeaveOneOut,
  validationViolations,
  type ValidationResult,
  type ValidationViolation,
} from '../../hardware/index.js';
import { CosearchError } from '../../errors.js';
import { validateCandidate } from '../../space/index.js';

/** bench/data/fpga-designs.json of this checkout, from dist/src/cli/commands (built) or src/cli/commands (tests). */
export const DEFAULT_DESIGNS_FILE = ((): string => {
  const built = fileURLToPath(new URL('../../../../bench/data/fpga-designs.json', import.meta.url));
  const source = fileURLToPath(new URL('../../../bench/data/fpga-designs.json', import.meta.url));
  return existsSync(built) || !existsSync(source) ? built : source;
})();

/** Result of one validation run, as `--json` prints it and bench/hwValidate.ts saves it. */
export interface HwValidateResult extends ValidationResult {
  designsFile: string;
  violations: ValidationViolation[];
}

/** Reads and validates the designs file, then runs the leave-one-out validation. Throws BAD_USER_INPUT on a bad file. */
export const runHwValidation = (designsFile: string = DEFAULT_DESIGNS_FILE): HwValidateResult => {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(designsFile, 'utf8'));
  } catch (error) {
    throw new CosearchError(
      'BAD_USER_INPUT',
      `cannot read the designs file '${designsFile}': ${(error as Error).message}; pass --designs <file.json>`,
    );
  }
  const designs = parsePublishedDesigns(json, validateCandidate);
  const result = validateLeaveOneOut(designs, resolveDevice, DEFAULT_COEFFICIENTS, [...FITTED_COEFFICIENTS]);
  return { designsFile, ...result, violations: validationViolations(result) };
};

const pad = (v: string | number, n: number): string => String(v).padStart(n);
const sign = (v: number): string => `${v >= 0 ? '+' : ''}${v.toFixed(1)} %`;

/** Prints the table of a validation run. */
export const printHwValidation = (r: HwValidateResult): void => {
  console.log(`leave-one-group-out validation of ${r.rows.length} published designs (${r.designsFile})`);
  console.log(
    `fitted: ${r.fitted.join(', ')}; on all designs: ${Object.entries(r.coefficients)
      .map(([k, v]) => `${k} ${Number(v).toFixed(2)}`)
      .join(', ')}`,
  );
  console.log(
    `${'design'.padEnd(24)} ${'scope'.padEnd(6)} ${pad('measured', 8)} ${pad('fit-all', 8)} ${pad('error', 9)} ${pad('held-out', 8)} ${pad('error', 9)}   ${pad('BRAM36 meas/model', 17)} ${pad('error', 9)}   ${pad('img/s ref/model', 17)} ${pad('error', 8)}`,
  );
  for (const row of r.rows) {
    const fps =
      row.referenceFps === null
        ? `${pad('-', 8)}/${Math.round(row.predictedFps)}`
        : `${pad(Math.round(row.referenceFps), 8)}/${Math.round(row.predictedFps)}`;
    console.log(
      `${row.id.padEnd(24)} ${row.scope.padEnd(6)} ${pad(row.measuredLuts, 8)} ${pad(Math.round(row.fittedLuts), 8)} ${pad(sign(row.lutErrorPct), 9)} ${pad(Math.round(row.heldOutLuts), 8)} ${pad(sign(row.heldOutLutErrorPct), 9)}   ${pad(`${row.measuredBram36}/${Math.round(row.predictedBram36 * 10) / 10}`, 17)} ${pad(sign(row.bramErrorPct), 9)}   ${pad(fps, 17)} ${pad(row.fpsErrorPct === null ? '-' : sign(row.fpsErrorPct), 8)}`,
    );
  }
  console.log(
    `held-out LUT error: median |e| ${r.medianAbsHeldOutLutErrorPct.toFixed(1)} %, max |e| ${r.maxAbsHeldOutLutErrorPct.toFixed(1)} %`,
  );
  if (r.violations.length === 0) console.log('all targets met');
  for (const v of r.violations)
    console.log(`  outside bound: ${v.id} ${v.metric} ${sign(v.errorPct)} (bound ±${v.boundPct} %)`);
};
