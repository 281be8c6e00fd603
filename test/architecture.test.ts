// design.md's one-way layout, enforced: dependency-cruiser checks src against .dependency-cruiser.cjs (folder arrows,
// imports through index.ts only, no cycles), and a small tree that breaks two rules shows that the rules bite.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const depcruise = join(root, 'node_modules', '.bin', 'depcruise');
const config = join(root, '.dependency-cruiser.cjs');

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
}

const cruise = (cwd: string): Violation[] => {
  const run = spawnSync(depcruise, ['src', '--config', config, '--output-type', 'json'], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0 && run.stdout.trim() === '')
    throw new Error(`depcruise failed (${String(run.status)}): ${run.stderr}`);
  return (JSON.parse(run.stdout) as { summary: { violations: Violation[] } }).summary.violations;
};

const scratch = mkdtempSync(join(tmpdir(), 'cosearch-arch-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('import boundaries (design.md)', () => {
  it('src follows every rule', () => {
    const violations = cruise(root);
    expect(violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`)).toEqual([]);
  }, 60_000);

  it('reports a pure folder importing the store and a deep import into another folder', () => {
    const files: Record<string, string> = {
      'tsconfig.json': JSON.stringify({
        compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true },
      }),
      'src/store/index.ts': 'export interface EventStore { id: string }\n',
      'src/space/index.ts': 'export interface Candidate { id: string }\n',
      'src/space/candidate.ts': 'export interface Layer { id: string }\n',
      'src/space/bad.ts': "import type { EventStore } from '../store/index.js';\nexport type X = EventStore;\n",
      'src/engine/bad.ts': "import type { Layer } from '../space/candidate.js';\nexport type Y = Layer;\n",
    };
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(scratch, path)), { recursive: true });
      writeFileSync(join(scratch, path), text);
    }
    const names = cruise(scratch)
      .map((v) => `${v.rule.name}: ${v.from}`)
      .sort();
    expect(names).toEqual(['space-is-pure: src/space/bad.ts', 'through-index-only: src/engine/bad.ts']);
  }, 60_000);
});
