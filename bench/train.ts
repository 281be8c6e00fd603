// Training-throughput bench (`npm run bench -- train`): the reference candidate on wasm with the engine's kernels,
// on the pure-JS cpu backend, with 2 parallel worker threads (one tfjs each), and optionally PyTorch CPU, as ratios.
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { createRng } from '../src/engine/rng.js';
import { buildBenchModel, describeReference, loadReferenceCandidate, pytorchScript } from './trainModel.js';
import type { Candidate } from '../src/space/candidate.js';

interface MeasureOptions {
  backend: 'wasm' | 'cpu';
  /** 'qat': the engine's buildModel (8-bit fake quant, batch norm); 'float': the plain tfjs-layers net PyTorch mirrors. */
  model: 'qat' | 'float';
  batchSize: number;
  warmupBatches: number;
  batches: number;
  seed: number;
  /** Steps to profile per kernel after the timed ones (0: none). */
  profileSteps?: number;
  /** Use the cosearch-blas conv kernels when they are registered (default true); false hands them to the wasm kernels. */
  blas?: boolean;
}

interface KernelProfileRow {
  kernel: string;
  callsPerStep: number;
  cpuMsPerStep: number;
  /** Share of the whole step's process CPU time. */
  share: number;
}

interface KernelProfile {
  steps: number;
  stepCpuMs: number;
  rows: KernelProfileRow[];
}

interface MeasureResult {
  backend: string;
  /** Whether the OpenBLAS conv kernels (native/blas) ran the convolutions. */
  blas: boolean;
  model: string;
  images: number;
  seconds: number;
  imagesPerSec: number;
  /** Images per second of process CPU time: robust when other jobs share the cores (not for parallel runs). */
  imagesPerCpuSec: number;
  finalLoss: number;
  profile?: KernelProfile;
}

type Step = () => Promise<number>;

/**
 * Process CPU time per kernel over `steps` training steps: every kernel of the active backend is wrapped for the
 * run, and only top-level calls are charged (the engine's kernels call other kernels, which count as theirs).
 */
const profileKernels = async (step: Step, steps: number): Promise<KernelProfile> => {
  const tf = await import('@tensorflow/tfjs-core');
  const totals = new Map<string, { micros: number; calls: number }>();
  const restore: Array<() => void> = [];
  let depth = 0;
  for (const config of tf.getKernelsForBackend(tf.getBackend())) {
    const inner = config.kernelFunc;
    config.kernelFunc = (args) => {
      if (depth > 0) return inner(args);
      depth += 1;
      const started = process.cpuUsage();
      try {
        return inner(args);
      } finally {
        const used = process.cpuUsage(started);
        depth -= 1;
        const total = totals.get(config.kernelName) ?? { micros: 0, calls: 0 };
        total.micros += used.user + used.system;
        total.calls += 1;
        totals.set(config.kernelName, total);
      }
    };
    restore.push(() => {
      config.kernelFunc = inner;
    });
  }
  const started = process.cpuUsage();
  try {
    for (let i = 0; i < steps; i += 1) await step();
  } finally {
    restore.forEach((undo) => undo());
  }
  const used = process.cpuUsage(started);
  const stepMicros = (used.user + used.system) / steps;
  const rows = [...totals.entries()]
    .map(([kernel, t]) => ({
      kernel,
      callsPerStep: t.calls / steps,
      cpuMsPerStep: t.micros / steps / 1000,
      share: t.micros / steps / stepMicros,
    }))
    .filter((row) => row.share >= 0.002)
    .sort((a, b) => b.cpuMsPerStep - a.cpuMsPerStep);
  return { steps, stepCpuMs: stepMicros / 1000, rows };
};

const here = dirname(fileURLToPath(import.meta.url));
const sourceRoot = here.endsWith('/dist/bench') ? resolve(here, '..', '..') : resolve(here, '..');

/** Trains `batches` batches of synthetic 32x32x3 images (throughput does not depend on pixel values). */
const measure = async (candidate: Candidate, options: MeasureOptions): Promise<MeasureResult> => {
  const tf = await import('@tensorflow/tfjs-core');
  const { selectBackend } = await import('../src/engine/backend.js');
  const backend = await selectBackend({ backend: options.backend });
  const { blasKernelsActive, setBlasEnabled } = await import('../src/engine/kernels/index.js');
  setBlasEnabled(options.blas ?? true);
  const blas = backend === 'wasm' && blasKernelsActive() && (options.blas ?? true);
  const { height, width, channels } = candidate.input;
  const rng = createRng(options.seed);
  const pixels = new Float32Array(options.batchSize * height * width * channels).map(() => rng.next());
  const labels = Int32Array.from({ length: options.batchSize }, () => rng.nextInt(10));
  const xs = tf.tensor4d(pixels, [options.batchSize, height, width, channels]);
  const ys = tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), 10));
  let step: Step;
  let dispose: () => void;
  if (options.model === 'float') {
    const model = await buildBenchModel(candidate);
    step = async () => {
      const loss = await model.trainOnBatch(xs, ys);
      return Array.isArray(loss) ? (loss[0] ?? Number.NaN) : loss;
    };
    dispose = () => model.dispose();
  } else {
    const { buildModel } = await import('../src/engine/index.js');
    const model = buildModel(candidate, { seed: options.seed });
    const optimizer = tf.train.adam(1e-3);
    step = async () => {
      const loss = optimizer.minimize(
        () => tf.losses.softmaxCrossEntropy(ys, model.forward(xs, true)),
        true,
        model.trainable,
      );
      const value = (await loss?.data())?.[0] ?? Number.NaN;
      loss?.dispose();
      return value;
    };
    dispose = () => {
      optimizer.dispose();
      model.dispose();
    };
  }
  for (let i = 0; i < options.warmupBatches; i += 1) await step();
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  let finalLoss = Number.NaN;
  for (let i = 0; i < options.batches; i += 1) finalLoss = await step();
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStarted);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const profile = (options.profileSteps ?? 0) > 0 ? await profileKernels(step, options.profileSteps ?? 0) : undefined;
  tf.dispose([xs, ys]);
  dispose();
  const images = options.batches * options.batchSize;
  setBlasEnabled(true);
  const result = {
    backend,
    blas,
    model: options.model,
    images,
    seconds,
    imagesPerSec: images / seconds,
    imagesPerCpuSec: images / cpuSeconds,
    finalLoss,
  };
  return profile === undefined ? result : { ...result, profile };
};

/** Runs `measure` in N worker threads at once (each its own tfjs); aggregate img/s over the common wall time. */
const measureParallel = async (
  candidate: Candidate,
  workers: number,
  options: MeasureOptions,
): Promise<Record<string, unknown>> => {
  const started = performance.now();
  const results = await Promise.all(
    Array.from(
      { length: workers },
      (_, index) =>
        new Promise<MeasureResult>((resolveResult, reject) => {
          const worker = new Worker(fileURLToPath(import.meta.url), {
            workerData: { cosearchBenchTrain: true, candidate, options: { ...options, seed: options.seed + index } },
          });
          worker.once('message', (message: MeasureResult) => resolveResult(message));
          worker.once('error', reject);
        }),
    ),
  );
  const wallSeconds = (performance.now() - started) / 1000;
  // Throughput counts only the timed batches, over the span in which they all ran (the slowest worker's).
  const slowest = Math.max(...results.map((r) => r.seconds));
  const images = results.reduce((sum, r) => sum + r.images, 0);
  return { workers, images, timedSeconds: slowest, wallSeconds, imagesPerSec: images / slowest, perWorker: results };
};

const measurePytorch = (
  batchSize: number,
  batches: number,
  threads: number,
  model: 'float' | 'qat',
): Record<string, unknown> | undefined => {
  for (const python of [process.env['COSEARCH_BENCH_PYTHON'], 'python3', '/usr/bin/python3']) {
    if (python === undefined) continue;
    // Debian's torch calls the system BLAS; once libopenblas is installed (native/blas needs it) that is OpenBLAS,
    // which starts one thread per core whatever torch.set_num_threads says: pin it to the same thread count.
    const env = { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads) };
    const run = spawnSync(python, ['-c', pytorchScript, String(batchSize), String(batches), String(threads), model], {
      encoding: 'utf8',
      timeout: 300_000,
      env,
    });
    if (run.status === 0) {
      const parsed: unknown = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}');
      if (typeof parsed === 'object' && parsed !== null) return { python, ...parsed };
    }
  }
  return undefined;
};

const numberArg = (args: string[], name: string, fallback: number): number => {
  const index = args.indexOf(`--${name}`);
  const value = index >= 0 ? Number(args[index + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`expected --${name} to be a positive number, but got ${String(args[index + 1])}`);
  return value;
};

const ratio = (a: number, b: number | undefined): number | null =>
  b === undefined || b === 0 ? null : Math.round((a / b) * 100) / 100;

const fps = (record: Record<string, unknown> | undefined, key: string): number | undefined =>
  typeof record?.[key] === 'number' ? record[key] : undefined;

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const batchSize = numberArg(args, 'batch', 64);
  const batches = numberArg(args, 'batches', 20);
  const cpuBatches = numberArg(args, 'cpu-batches', 1);
  const candidate = loadReferenceCandidate(sourceRoot);
  const loadBefore = os.loadavg();
  const base = { batchSize, warmupBatches: 3, batches, seed: 1 };
  const profileSteps = numberArg(args, 'profile-steps', 3);
  const wasm = await measure(candidate, { ...base, backend: 'wasm', model: 'qat', profileSteps });
  console.error(`wasm qat: ${wasm.imagesPerSec.toFixed(1)} img/s, ${wasm.imagesPerCpuSec.toFixed(1)} img/cpu-s`);
  const wasmFloat = await measure(candidate, { ...base, backend: 'wasm', model: 'float', profileSteps });
  console.error(
    `wasm float: ${wasmFloat.imagesPerSec.toFixed(1)} img/s, ${wasmFloat.imagesPerCpuSec.toFixed(1)} img/cpu-s`,
  );
  const parallel = await measureParallel(candidate, 2, { ...base, backend: 'wasm', model: 'qat' });
  const parallelFps = Number(parallel['imagesPerSec']);
  console.error(`2 workers qat: ${parallelFps.toFixed(1)} img/s`);
  // The cpu backend runs at about 1 img/s on an idle machine: batch 4, one warm-up and one timed batch.
  // Same run, the convolutions on the wasm kernels instead of OpenBLAS (only when the accelerator is there).
  const { blasStatus } = await import('../src/engine/kernels/index.js');
  const blas = blasStatus();
  const wasmFloatNoBlas = wasmFloat.blas
    ? await measure(candidate, { ...base, backend: 'wasm', model: 'float', blas: false })
    : undefined;
  if (wasmFloatNoBlas !== undefined)
    console.error(
      `wasm float without blas: ${wasmFloatNoBlas.imagesPerSec.toFixed(1)} img/s, ${wasmFloatNoBlas.imagesPerCpuSec.toFixed(1)} img/cpu-s`,
    );
  const cpu = await measure(candidate, {
    backend: 'cpu',
    model: 'qat',
    batchSize: 4,
    warmupBatches: 1,
    batches: cpuBatches,
    seed: 1,
  });
  console.error(`cpu qat: ${cpu.imagesPerSec.toFixed(2)} img/s, ${cpu.imagesPerCpuSec.toFixed(2)} img/cpu-s`);
  const torch1 = measurePytorch(batchSize, batches, 1, 'float');
  const torch2 = measurePytorch(batchSize, batches, 2, 'float');
  const torchQat1 = measurePytorch(batchSize, batches, 1, 'qat');
  if (torch1 === undefined)
    console.error(
      'pytorch: skipped, no python with torch (apt-get install python3-torch, or set COSEARCH_BENCH_PYTHON)',
    );
  return {
    reference: describeReference(candidate),
    data: 'synthetic 32x32x3 images and labels (throughput does not depend on pixel values)',
    loadAverage: { before: loadBefore, after: os.loadavg() },
    wasm,
    wasmFloat,
    ...(wasmFloatNoBlas === undefined ? {} : { wasmFloatNoBlas }),
    blas,
    cpu,
    parallel2: parallel,
    pytorch: {
      net: "threads1/threads2: the float net (no batch norm, no fake quant); qatThreads1: the engine's QAT net (batch norm, 8-bit fake quant of weights per channel and of activations with a learned clip); Adam",
      threads1: torch1 ?? 'unavailable',
      threads2: torch2 ?? 'unavailable',
      qatThreads1: torchQat1 ?? 'unavailable',
    },
    ratios: {
      wasmOverCpu: ratio(wasm.imagesPerSec, cpu.imagesPerSec),
      wasmOverCpuByCpuTime: ratio(wasm.imagesPerCpuSec, cpu.imagesPerCpuSec),
      parallel2OverWasm1: ratio(parallelFps, wasm.imagesPerSec),
      qatOverPytorchFloat1Thread: ratio(wasm.imagesPerSec, fps(torch1, 'imagesPerSec')),
      qatOverPytorchFloat1ThreadByCpuTime: ratio(wasm.imagesPerCpuSec, fps(torch1, 'imagesPerCpuSec')),
      qatOverPytorchQat1Thread: ratio(wasm.imagesPerSec, fps(torchQat1, 'imagesPerSec')),
      qatOverPytorchQat1ThreadByCpuTime: ratio(wasm.imagesPerCpuSec, fps(torchQat1, 'imagesPerCpuSec')),
      wasmFloatOverPytorch1Thread: ratio(wasmFloat.imagesPerSec, fps(torch1, 'imagesPerSec')),
      wasmFloatOverPytorch1ThreadByCpuTime: ratio(wasmFloat.imagesPerCpuSec, fps(torch1, 'imagesPerCpuSec')),
      parallel2QatOverPytorch2Threads: ratio(parallelFps, fps(torch2, 'imagesPerSec')),
      ...(wasmFloatNoBlas === undefined
        ? {}
        : {
            wasmFloatBlasOverNoBlasByCpuTime: ratio(wasmFloat.imagesPerCpuSec, wasmFloatNoBlas.imagesPerCpuSec),
            wasmFloatNoBlasOverPytorch1ThreadByCpuTime: ratio(
              wasmFloatNoBlas.imagesPerCpuSec,
              fps(torch1, 'imagesPerCpuSec'),
            ),
          }),
    },
  };
}

if (!isMainThread && typeof workerData === 'object' && workerData !== null && 'cosearchBenchTrain' in workerData) {
  const { candidate, options } = workerData as { candidate: Candidate; options: MeasureOptions };
  void measure(candidate, options).then((result) => parentPort?.postMessage(result));
}
