// `bert-lens` entry point: parse arguments, run one subcommand on the engine, map errors to exit codes
// (EXIT below) with a message that says what to do.
import { createEngine } from '../core/index';
import { BertLensError } from '../core/model/errors';
import { MAX_THREADS } from '../core/model/options';
import { withCliAdvice } from './advice';
import { COMMANDS, UsageError, commandHelp, intOpt, mainHelp, parse, str } from './args';
import * as cmds from './commands';
import { compareModels } from './compare-models';
import { Progress } from './format';
import { inheritedArgv, needsRelaunch, relaunch } from './relaunch';

/** Exit statuses (docs/CLI.md): scripts can tell a bad command line from a failed run. */
export const EXIT = { OK: 0, RUNTIME: 1, USAGE: 2 } as const;

const HANDLERS: Record<string, (ctx: cmds.Ctx) => Promise<void>> = {
  tokens: cmds.tokens,
  vectors: cmds.vectors,
  similar: cmds.similar,
  attention: cmds.attention,
  heads: cmds.heads,
  compare: cmds.compare,
  'compare-models': compareModels,
  explain: cmds.explain,
  mask: cmds.mask,
  occlude: cmds.occlude,
  ablate: cmds.ablate,
  export: cmds.exportTensors,
  nsp: cmds.nsp,
  similarity: cmds.similarity,
  positions: cmds.positions,
  'mlm-task': cmds.mlmTask,
  reference: cmds.reference,
  qa: cmds.qa,
  models: cmds.models,
};

async function main(argv: string[]): Promise<number> {
  const progress = new Progress();
  let engine: ReturnType<typeof createEngine> | undefined;
  try {
    const { cmd, values: v, positionals } = parse(argv);
    if (cmd === 'help') {
      const sub = positionals[0];
      process.stdout.write((sub && COMMANDS[sub] ? commandHelp(sub) : mainHelp()) + '\n');
      return EXIT.OK;
    }
    if (cmd === 'version') {
      process.stdout.write('bert-lens 0.1.0\n');
      return EXIT.OK;
    }
    if (v.help) {
      process.stdout.write(commandHelp(cmd) + '\n');
      return EXIT.OK;
    }
    if (cmd !== 'models' && positionals.length)
      throw new UsageError(`Unexpected argument "${positionals[0]}". Put text in --text "…" (quoted). Run bert-lens ${cmd} --help.`);
    const dtype = str(v, 'dtype');
    if (dtype !== undefined && !['fp32', 'int8', 'auto'].includes(dtype))
      throw new UsageError(`--dtype must be fp32, int8 or auto (got "${dtype}").`);
    engine = createEngine({
      modelsDir: str(v, 'models-dir'),
      cacheDir: str(v, 'cache-dir'),
      hubEndpoint: str(v, 'hub-endpoint'),
      offline: v.offline === true || undefined,
      dtype: dtype as 'fp32' | 'int8' | 'auto' | undefined,
      threads: v.threads === undefined ? undefined : intOpt(v, 'threads', 1, 1, MAX_THREADS),
    });
    await HANDLERS[cmd]({ engine, v, positionals, out: (s) => process.stdout.write(s + '\n'), write, progress });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    progress.clear();
    if (e instanceof UsageError) {
      process.stderr.write(`bert-lens: ${e.message}\n`);
      return EXIT.USAGE;
    }
    if (e instanceof BertLensError) {
      process.stderr.write(`bert-lens: ${withCliAdvice(e.message, e.details.fix)}\n`);
      return EXIT.RUNTIME;
    }
    process.stderr.write(
      `bert-lens: unexpected error: ${(e as Error)?.stack ?? String(e)}\nPlease report this with the command you ran.\n`,
    );
    return EXIT.RUNTIME;
  } finally {
    await engine?.dispose().catch(() => undefined);
  }
}

/** Writes pieces to stdout, waiting for the pipe to drain between them: a large output never sits whole in memory. */
async function write(pieces: Iterable<string>): Promise<void> {
  for (const p of pieces) {
    if (!process.stdout.write(p)) await new Promise<void>((resolve) => process.stdout.once('drain', resolve));
  }
}

/**
 * Exits once stdout and stderr have handed everything to the OS. `process.exit()` right after a large write drops
 * what a slow pipe has not taken yet (output cut at 64 KiB with exit 0); a write callback runs only after every
 * earlier write has been flushed.
 */
function exitWhenFlushed(code: number): void {
  process.exitCode = code;
  let pending = 2;
  const done = () => --pending === 0 && process.exit(code);
  process.stdout.write('', done);
  process.stderr.write('', done);
}

// `bert-lens tokens … | head` closes the pipe early: that is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => process.exit(e.code === 'EPIPE' ? 0 : EXIT.RUNTIME));
// A relaunched child already has a short command line: it never relaunches again.
const inherited = inheritedArgv();
const argv = inherited ?? process.argv.slice(2);
void (!inherited && needsRelaunch(argv) ? relaunch(argv) : main(argv)).then(exitWhenFlushed);
