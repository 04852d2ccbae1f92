// Long command lines crash onnxruntime-node 1.30 (docs/TECH-NOTES.md §5.5: it copies /proc/self/cmdline onto its
// stack when it initializes: SIGSEGV from ~29,000 characters). Such a CLI run re-executes itself with a short command
// line and receives the real arguments on a pipe, before any onnxruntime session exists.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { constants } from 'node:os';

/** Total argument size above which we relaunch: well below the ~29,000 characters measured to crash. */
export const MAX_CMDLINE_CHARS = 16_000;
const FD_ENV = 'BERT_LENS_ARGV_FD';

/** The arguments a relaunching parent sent on the inherited pipe, or undefined for a normal start. */
export function inheritedArgv(): string[] | undefined {
  const fd = process.env[FD_ENV];
  if (fd === undefined) return undefined;
  delete process.env[FD_ENV]; // not for grandchildren
  const argv = JSON.parse(readFileSync(Number(fd), 'utf8')) as unknown;
  if (!Array.isArray(argv) || !argv.every((a) => typeof a === 'string')) throw new Error(`${FD_ENV}: expected a JSON array of strings`);
  return argv;
}

export function needsRelaunch(argv: string[]): boolean {
  return argv.reduce((n, a) => n + a.length + 1, 0) > MAX_CMDLINE_CHARS;
}

/**
 * Runs this script again with `argv` sent on fd 3 and resolves with its exit code. stdin/stdout/stderr are shared, so
 * piping and exit codes behave as if nothing happened; a child killed by a signal is reported the shell's way
 * (128 + signal number).
 */
export function relaunch(argv: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...process.execArgv, process.argv[1]], {
      stdio: ['inherit', 'inherit', 'inherit', 'pipe'],
      env: { ...process.env, [FD_ENV]: '3' },
    });
    // Ctrl-C reaches the whole process group: the child handles it, we only wait for its exit status.
    const ignore = () => undefined;
    process.on('SIGINT', ignore);
    process.on('SIGTERM', ignore);
    const pipe = child.stdio[3] as NodeJS.WritableStream;
    pipe.on('error', () => undefined); // a child that dies before reading reports through its exit status
    pipe.end(JSON.stringify(argv));
    child.on('error', (e) => {
      process.stderr.write(
        `bert-lens: could not start a second process for the long arguments (${e.message}). Pass long text with --file PATH or on stdin instead.\n`,
      );
      resolve(1);
    });
    child.on('exit', (code, signal) => {
      process.off('SIGINT', ignore);
      process.off('SIGTERM', ignore);
      if (code !== null) return resolve(code);
      const n = (signal && constants.signals[signal]) || 0;
      resolve(128 + n);
    });
  });
}
