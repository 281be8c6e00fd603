// The formatter, enforced: every TypeScript and JavaScript source follows .prettierrc.json (120 columns), and a
// badly formatted file in a scratch tree shows that the check bites. `npm run format` rewrites the sources.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const prettier = join(root, 'node_modules', '.bin', 'prettier');

const check = (cwd: string): { status: number | null; unformatted: string[] } => {
  const run = spawnSync(prettier, ['--list-different', '.'], { cwd, encoding: 'utf8' });
  if (run.error) throw run.error;
  return { status: run.status, unformatted: run.stdout.split('\n').filter((line) => line !== '') };
};

const scratch = mkdtempSync(join(tmpdir(), 'cosearch-format-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('formatting (prettier, .prettierrc.json)', () => {
  it('every source file is formatted', () => {
    expect(check(root)).toEqual({ status: 0, unformatted: [] });
  }, 60_000);

  it('lists a file that is not formatted, and leaves ignored files alone', () => {
    copyFileSync(join(root, '.prettierrc.json'), join(scratch, '.prettierrc.json'));
    copyFileSync(join(root, '.prettierignore'), join(scratch, '.prettierignore'));
    writeFileSync(join(scratch, 'good.ts'), 'export const answer = (x: number): number => x + 1;\n');
    writeFileSync(join(scratch, 'bad.ts'), 'export const answer = ( x:number ):number=>x+1\n');
    writeFileSync(join(scratch, 'notes.md'), '*   not   prettier   markdown\n');
    const result = check(scratch);
    expect(result.unformatted).toEqual(['bad.ts']);
    expect(result.status).not.toBe(0);
  }, 60_000);
});
