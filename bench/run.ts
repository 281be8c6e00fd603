// Benchmark runner: `npm run bench -- <name> [args]` imports bench/<name>.ts, which exports
// `run(args: string[]): Promise<Record<string, unknown>>`. Results are printed and saved to bench/results/<name>.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';

interface BenchModule {
  run(args: string[]): Promise<Record<string, unknown>>;
}

const main = async (): Promise<void> => {
  const [name, ...args] = process.argv.slice(2);
  if (name === undefined || !/^[a-z][a-z0-9-]*$/.test(name)) {
    throw new Error(`expected a benchmark name such as 'store', 'hardware', 'train' or 'api', but got ${String(name)}`);
  }
  const here = dirname(fileURLToPath(import.meta.url));
  const module = (await import(join(here, `${name}.js`))) as BenchModule;
  const startedAt = new Date().toISOString();
  const result = await module.run(args);
  const record = {
    bench: name,
    startedAt,
    finishedAt: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      totalMemGiB: os.totalmem() / 2 ** 30,
      node: process.version,
    },
    result,
  };
  // Results live in the source tree (bench/results), not in dist, so they can be committed.
  const outDir = resolve(here, '..', '..', 'bench', 'results');
  mkdirSync(outDir, { recursive: true });
  const outFile = join(outDir, `${name}.json`);
  writeFileSync(outFile, `${JSON.stringify(record, null, 2)}\n`);
  console.log(JSON.stringify(record, null, 2));
  console.log(`saved ${outFile}`);
};

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
