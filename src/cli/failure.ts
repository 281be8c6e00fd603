// The one exit-code rule of the CLI and how a failure is printed: 2 for bad input (a flag, a file, an id), 1 for an
// environment failure (port taken, disk full, corrupt store, unreachable server), the cause in one line, and the
// stack only with --verbose.
import { isCosearchError } from '../errors.js';

/** What the CLI does with one failure. */
export interface FailureReport {
  /** 2: bad input; 1: environment failure. */
  exitCode: 1 | 2;
  /** One line: `error CODE: cause`. */
  line: string;
}

// Node's system errors (errno codes) that mean the input named something wrong, not that the machine failed.
const INPUT_ERRNO = new Set(['ENOENT', 'EISDIR', 'ENOTDIR']);
const ENVIRONMENT_HINTS: Record<string, string> = {
  EADDRINUSE: 'the address is already in use; stop the other process or pick another --port',
  EACCES: 'permission denied',
  ENOSPC: 'no space left on the device; free some and run it again (a search resumes from its log)',
  SQLITE_FULL: 'the database or disk is full; free some space and run it again (a search resumes from its log)',
  ECONNREFUSED: 'connection refused; is the server running?',
};
// zlib and tar codes of an archive that ends early or is not an archive at all: the file given is the problem.
const ARCHIVE_CODES = new Set(['Z_DATA_ERROR', 'Z_BUF_ERROR', 'TAR_BAD_ARCHIVE', 'TAR_ABORT', 'TAR_ENTRY_INVALID']);

/** The first line, cut at 1000 characters: a message may echo an input whole. */
const firstLine = (text: string): string => {
  const line = text.split('\n')[0] ?? '';
  return line.length <= 1000 ? line : `${line.slice(0, 1000)}… (cut at 1000 of ${line.length} characters)`;
};

/** Classifies an error by the rule above and words it in one line. */
export const describeFailure = (error: unknown): FailureReport => {
  const message = firstLine(error instanceof Error ? error.message : String(error));
  const code =
    typeof (error as { code?: unknown } | null)?.code === 'string'
      ? String((error as { code: string }).code)
      : undefined;
  if (isCosearchError(error)) {
    return { exitCode: error.code === 'INTERNAL' ? 1 : 2, line: `error ${error.code}: ${message}` };
  }
  if (code !== undefined && ARCHIVE_CODES.has(code)) {
    return {
      exitCode: 2,
      line: `error BAD_USER_INPUT: the archive is truncated or not a .tar.gz (${code}: ${message})`,
    };
  }
  if (code !== undefined && INPUT_ERRNO.has(code)) return { exitCode: 2, line: `error BAD_USER_INPUT: ${message}` };
  const hint = code === undefined ? undefined : ENVIRONMENT_HINTS[code];
  return { exitCode: 1, line: `error ${code ?? 'INTERNAL'}: ${message}${hint === undefined ? '' : ` (${hint})`}` };
};

/** Prints a failure (`--json`: as `{error: {code, message}}` on stdout) and sets the exit code. */
export const reportFailure = (error: unknown, options: { json?: boolean; verbose?: boolean } = {}): void => {
  const report = describeFailure(error);
  if (options.json === true) {
    const [, code = 'INTERNAL', message = ''] = /^error (\S+): (.*)$/.exec(report.line) ?? [];
    console.log(JSON.stringify({ error: { code, message } }));
  } else console.error(report.line);
  if (options.verbose === true && error instanceof Error && error.stack !== undefined) console.error(error.stack);
  process.exitCode = report.exitCode;
};

/** Whether `--verbose` was given anywhere on the command line (read before yargs when a failure escapes it). */
export const isVerbose = (argv: readonly string[] = process.argv): boolean => argv.includes('--verbose');
