// Argument parsing for `bert-lens`: subcommands, shared options, per-command help, text input from flag/file/stdin.
import { parseArgs } from 'node:util';
import { open } from 'node:fs/promises';
import { decodeText, NotTextError } from '../core/text/decode';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

type Opt = { type: 'string' | 'boolean'; short?: string; help: string; arg?: string };

export const OPTIONS: Record<string, Opt> = {
  text: { type: 'string', short: 't', arg: 'TEXT', help: 'the input text' },
  file: { type: 'string', short: 'f', arg: 'PATH', help: 'read the input text from a file (default: stdin)' },
  model: {
    type: 'string',
    short: 'm',
    arg: 'ID',
    help: 'embedded name, Hugging Face id, a folder as an explicit path (./name, /abs, file:name), or auto (default): bert-lens-zh (qa: bert-lens-zh-qa) when the input is mostly Chinese, else bert-lens-mini (qa: bert-lens-mini-qa)',
  },
  word: { type: 'string', short: 'w', arg: 'WORD', help: 'the word to look at (case-insensitive, one BERT word)' },
  against: {
    type: 'string',
    arg: 'ID',
    help: 'compare-models: the second model (embedded name, Hugging Face id or a folder as an explicit path), read beside --model',
  },
  pair: { type: 'string', arg: 'A,B', help: 'compare: which two occurrences of --word (default 1,2)' },
  occurrence: { type: 'string', arg: 'N', help: 'which occurrence of --word (1 = first, default; vectors: all unless given)' },
  at: { type: 'string', arg: 'OFFSET', help: 'mask the word at this character offset (UTF-16) instead of [MASK]' },
  layer: {
    type: 'string',
    short: 'l',
    arg: 'L',
    help: 'layer: 1..L, 0 = embeddings (vectors), last, last4 (vectors), rollout (attention, compare-models: a layer of --model)',
  },
  head: { type: 'string', arg: 'H', help: 'attention head 0..heads-1 or mean (default mean)' },
  layers: { type: 'boolean', help: "mask: predictions read from every layer (0 = embeddings … last) through the model's own MLM head" },
  top: { type: 'string', short: 'k', arg: 'K', help: 'how many results (default 5; qa 3; attention: all words)' },
  task: {
    type: 'string',
    arg: 'mask|qa|nsp',
    help: 'occlude, ablate: what to explain (mask: the masked-word prediction, default; qa: the best answer to --question; nsp, ablate only: whether --b follows --a)',
  },
  target: { type: 'string', arg: 'WORD', help: 'occlude, ablate: the word whose probability is tracked (default: the best prediction)' },
  heads: {
    type: 'string',
    arg: 'L.H,…',
    help: 'ablate: heads to switch off, LAYER.HEAD (layers from 1, heads from 0), comma-separated; L.* = a whole layer',
  },
  importance: {
    type: 'boolean',
    help: "ablate: also switch every head off alone and show the drop in the target's probability (the default without --heads)",
  },
  what: { type: 'string', arg: 'KINDS', help: 'export: what to write, comma-separated from attention, hidden, census (default all three)' },
  out: {
    type: 'string',
    short: 'o',
    arg: 'DIR',
    help: 'export: the folder to write tensors.json and the .npy files to (created if missing)',
  },
  a: { type: 'string', arg: 'TEXT', help: 'sentence A' },
  b: { type: 'string', arg: 'TEXT', help: 'sentence B' },
  question: { type: 'string', short: 'q', arg: 'TEXT', help: 'the question' },
  static: {
    type: 'string',
    arg: 'NAME',
    help: 'static vectors: word2vec/GloVe/fastText file, embedded name, auto (default: word2vec-zh when the input is mostly Chinese, else word2vec-mini) or "model" for the model\'s input embeddings',
  },
  'max-answer-len': { type: 'string', arg: 'N', help: 'longest answer in tokens (default 30)' },
  'max-seq-len': { type: 'string', arg: 'N', help: 'QA window length in tokens (default 384)' },
  stride: { type: 'string', arg: 'N', help: 'tokens shared by consecutive QA windows (default 128)' },
  'no-answer-threshold': { type: 'string', arg: 'X', help: 'return no answer when the [CLS] score beats the best span by X' },
  rate: { type: 'string', arg: 'R', help: 'mlm-task: share of the pieces drawn (default 0.15, as BERT)' },
  seed: { type: 'string', arg: 'N', help: 'mlm-task: the draw (default 1; the same seed and text draw the same pieces)' },
  corpus: {
    type: 'string',
    arg: 'FILE',
    help: 'reference: a UTF-8 text file to search, one passage per line (default: the embedded corpus for the word: English or Chinese)',
  },
  positions: {
    type: 'boolean',
    help: 'qa: how the best answer was chosen — P(start) and P(end) of the tokens around it in its window',
  },
  json: { type: 'boolean', help: 'print JSON instead of a table' },
  dtype: { type: 'string', arg: 'fp32|int8|auto', help: 'which ONNX file to run (default auto: int8 when present)' },
  threads: { type: 'string', arg: 'N', help: 'onnxruntime intra-op threads, 1..64' },
  'cache-dir': { type: 'string', arg: 'DIR', help: 'where downloaded models go (default ~/.cache/bert-lens)' },
  'models-dir': { type: 'string', arg: 'DIR', help: 'embedded models folder (default: models/ beside the CLI)' },
  'hub-endpoint': { type: 'string', arg: 'URL', help: 'Hugging Face endpoint or mirror, e.g. https://hf-mirror.com' },
  offline: { type: 'boolean', help: 'never touch the network' },
  help: { type: 'boolean', short: 'h', help: 'show help' },
};

const COMMON = ['model', 'json', 'dtype', 'threads', 'cache-dir', 'models-dir', 'hub-endpoint', 'offline', 'help'];
const INPUT = ['text', 'file'];

export const COMMANDS: Record<string, { summary: string; usage: string; options: string[]; example: string }> = {
  tokens: {
    summary: 'tokens and words with character offsets',
    usage: 'tokens [--text T | --file F | < stdin]',
    options: [...INPUT, ...COMMON],
    example: 'bert-lens tokens --text "Café 中国 naïve"',
  },
  vectors: {
    summary: "static vs contextual neighbours of a word (or every word's vector)",
    usage: 'vectors --word W [--occurrence N] [--layer L] [--top K] [--static NAME]',
    options: [...INPUT, 'word', 'occurrence', 'layer', 'top', 'static', ...COMMON],
    example: 'bert-lens vectors --word bank --text "The bank of the river. The bank raised rates."',
  },
  similar: {
    summary: 'every occurrence of a word and their pairwise similarity',
    usage: 'similar --word W [--layer L]',
    options: [...INPUT, 'word', 'layer', ...COMMON],
    example: 'bert-lens similar --word bank --file doc.txt',
  },
  attention: {
    summary: 'where a word attends: one layer/head, head mean, or rollout',
    usage: 'attention --word W [--occurrence N] [--layer L|rollout] [--head H|mean]',
    options: [...INPUT, 'word', 'occurrence', 'layer', 'head', 'top', ...COMMON],
    example: 'bert-lens attention --word it --layer rollout --text "The cat sat because it was tired."',
  },
  compare: {
    summary: "one word at two occurrences: contextual cosine layer by layer, and each one's nearest words",
    usage: 'compare --word W [--pair A,B]',
    options: [...INPUT, 'word', 'pair', 'top', ...COMMON],
    example: 'bert-lens compare --word bank --text "We sat on the bank of the river. She went to the bank to deposit her money."',
  },
  'compare-models': {
    summary: 'two models on the same word: attention from it, divergence per layer, predictions and tokenizations side by side',
    usage:
      'compare-models --against ID [--model ID] (--word W [--occurrence N] | --at OFFSET | "… [MASK] …") [--layer L|rollout] [--top K]',
    options: [...INPUT, 'against', 'word', 'occurrence', 'at', 'layer', 'top', ...COMMON],
    example:
      'bert-lens compare-models --model bert-lens-mini --against bert-lens-zh --word it --text "The cat sat on the mat because it was tired."',
  },
  heads: {
    summary: 'head census: what each layer × head attends to, with a label',
    usage: 'heads [--word W [--occurrence N]]',
    options: [...INPUT, 'word', 'occurrence', ...COMMON],
    example: 'bert-lens heads --text "The animal didn\'t cross the street because it was too tired."',
  },
  explain: {
    summary: 'softmax(q·kᵀ/√d)·V for one word, layer and head, with the real numbers',
    usage: 'explain --word W [--occurrence N] [--layer L] [--head H]',
    options: [...INPUT, 'word', 'occurrence', 'layer', 'head', ...COMMON],
    example: 'bert-lens explain --word it --layer 2 --head 0 --text "The cat sat because it was tired."',
  },
  mask: {
    summary: 'masked-word prediction for [MASK] (or the word at --at / --word)',
    usage: 'mask [--text "… [MASK] …"] [--at OFFSET | --word W] [--top K] [--layers]',
    options: [...INPUT, 'at', 'word', 'occurrence', 'top', 'layers', ...COMMON],
    example: 'bert-lens mask --text "The cat sat on the [MASK]."',
  },
  occlude: {
    summary: 'occlusion attribution: how much masking each other word changes the prediction',
    usage:
      'occlude [--task mask] [--text "… [MASK] …"] [--at OFFSET | --word W] [--target WORD] | occlude --task qa --question Q [--text DOC | --file DOC]',
    options: [...INPUT, 'task', 'at', 'word', 'occurrence', 'target', 'question', ...COMMON],
    example: 'bert-lens occlude --task mask --text "She drank a cup of hot [MASK] with milk."',
  },
  ablate: {
    summary: 'head ablation: switch attention heads off and see the prediction change; per-head importance map',
    usage:
      'ablate [--task mask] [--text "… [MASK] …"] [--at OFFSET | --word W] [--heads L.H,…] [--importance] | ablate --task qa --question Q [--text DOC] … | ablate --task nsp --a A --b B …',
    options: [...INPUT, 'task', 'heads', 'importance', 'at', 'word', 'occurrence', 'target', 'question', 'a', 'b', 'top', ...COMMON],
    example: 'bert-lens ablate --task mask --heads 3.0 --text "The sun rises in the [MASK] and sets in the west."',
  },
  export: {
    summary: 'attention, hidden states and head census of a window as .npy arrays + tensors.json, for notebooks',
    usage: 'export --out DIR [--what attention,hidden,census] [--word W [--occurrence N]]',
    options: [...INPUT, 'out', 'what', 'word', 'occurrence', ...COMMON],
    example: 'bert-lens export --out /tmp/bert-lens-tensors --what attention,census --text "The cat sat because it was tired."',
  },
  nsp: {
    summary: 'probability that sentence B follows sentence A',
    usage: 'nsp --a A --b B',
    options: ['a', 'b', ...COMMON],
    example: 'bert-lens nsp --a "I went to the shop." --b "I bought some milk."',
  },
  similarity: {
    summary: 'how alike two sentences are to the model, layer by layer (mean-pooled vectors, cosine)',
    usage: 'similarity --a A --b B [--model M]',
    options: ['a', 'b', ...COMMON],
    example: 'bert-lens similarity --a "The cat sat on the mat." --b "A cat was sitting on a mat."',
  },
  'mlm-task': {
    summary: "BERT's pretraining task on the text: 15% of its pieces drawn (80% [MASK], 10% random, 10% kept), guessed back",
    usage: 'mlm-task [--text T | --file F] [--rate 0.15] [--seed N] [--top K]',
    options: [...INPUT, 'rate', 'seed', 'top', ...COMMON],
    example: 'bert-lens mlm-task --text "The cat sat on the mat because it was tired." --seed 3',
  },
  reference: {
    summary:
      "nearest contexts in a reference corpus: the word as one layer reads it, beside the corpus words nearest to it (exBERT's search)",
    usage: 'reference --word W [--occurrence N] [--text T | --file F] [--layer 0..L|last] [--top K] [--corpus FILE]',
    options: [...INPUT, 'word', 'occurrence', 'layer', 'top', 'corpus', ...COMMON],
    example: 'bert-lens reference --word bank --text "She sat on the bank of the river." --layer 2',
  },
  positions: {
    summary: "positional encoding: how alike the model's learned position vectors are, by distance, beside sin/cos",
    usage: 'positions [--model M]',
    options: [...COMMON],
    example: 'bert-lens positions --model bert-lens-zh',
  },
  qa: {
    summary: 'answer a question from a document (windows with stride)',
    usage: 'qa --question Q [--text DOC | --file DOC] [--top K] [--positions]',
    options: [...INPUT, 'question', 'top', 'max-answer-len', 'max-seq-len', 'stride', 'no-answer-threshold', 'positions', ...COMMON],
    example: 'bert-lens qa --question "Who wrote it?" --file doc.txt',
  },
  models: {
    summary: 'list, download or verify models',
    usage: 'models list | models download ID | models verify ID',
    options: COMMON,
    example: 'bert-lens models download Xenova/bert-base-uncased --hub-endpoint https://hf-mirror.com',
  },
};

export function mainHelp(): string {
  const w = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return [
    'bert-lens — look inside BERT: tokens, contextual vs static vectors, attention, masked words, NSP and QA.',
    '',
    'Usage: bert-lens <command> [options]     (bert-lens <command> --help for details)',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([c, d]) => `  ${c.padEnd(w)}  ${d.summary}`),
    '',
    'Input comes from --text, --file or stdin. Add --json for machine-readable output.',
  ].join('\n');
}

export function commandHelp(cmd: string): string {
  const d = COMMANDS[cmd];
  const rows = d.options.map((o) => {
    const s = OPTIONS[o];
    return [`${s.short ? '-' + s.short + ', ' : '    '}--${o}${s.arg ? ' ' + s.arg : ''}`, s.help];
  });
  const w = Math.max(...rows.map((r) => r[0].length));
  return [
    `bert-lens ${d.usage}`,
    '',
    d.summary,
    '',
    'Options:',
    ...rows.map(([a, b]) => `  ${a.padEnd(w)}  ${b}`),
    '',
    `Example: ${d.example}`,
  ].join('\n');
}

export type Values = Record<string, string | boolean | undefined>;

export function parse(argv: string[]): { cmd: string; values: Values; positionals: string[] } {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') return { cmd: 'help', values: {}, positionals: rest };
  if (cmd === '--version' || cmd === '-v') return { cmd: 'version', values: {}, positionals: [] };
  if (!COMMANDS[cmd])
    throw new UsageError(`Unknown command "${cmd}". Commands: ${Object.keys(COMMANDS).join(', ')}. Run bert-lens --help.`);
  const allowed = COMMANDS[cmd].options;
  const options = Object.fromEntries(
    allowed.map((o) => [o, { type: OPTIONS[o].type, ...(OPTIONS[o].short ? { short: OPTIONS[o].short } : {}) }]),
  );
  try {
    const r = parseArgs({ args: negativeValues(rest, allowed), options: options as never, allowPositionals: true, strict: true });
    return { cmd, values: r.values, positionals: r.positionals };
  } catch (e) {
    throw new UsageError(`${(e as Error).message.replace(/\. To specify.*$/, '')}. Run bert-lens ${cmd} --help.`);
  }
}

/**
 * `--layer -1` → `--layer=-1`: parseArgs calls a value starting with a dash "ambiguous", which hides the real answer
 * (the value is out of range); the option's own check then says what is allowed.
 */
function negativeValues(args: string[], allowed: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const long = a.startsWith('--') ? a.slice(2) : allowed.find((o) => a === '-' + OPTIONS[o].short);
    if (long && OPTIONS[long]?.type === 'string' && allowed.includes(long) && /^-\d/.test(args[i + 1] ?? '')) {
      out.push(`--${long}=${args[++i]}`);
    } else out.push(a);
  }
  return out;
}

export function intOpt(v: Values, name: string, dflt: number, min = 0, max = Infinity): number {
  const s = v[name];
  if (s === undefined) return dflt;
  const n = Number(s);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`--${name} must be an integer ${max < Infinity ? `from ${min} to ${max}` : `≥ ${min}`} (got "${s}").`);
  return n;
}

export function numOpt(v: Values, name: string): number | undefined {
  const s = v[name];
  if (s === undefined) return undefined;
  const n = Number(s);
  if (!Number.isFinite(n)) throw new UsageError(`--${name} must be a number (got "${s}").`);
  return n;
}

export function str(v: Values, name: string): string | undefined {
  const s = v[name];
  return typeof s === 'string' ? s : undefined;
}

/** The most text one command reads (docs/CLI.md): tokenizing takes memory in proportion, and a device such as
 * /dev/zero or an endless pipe must end in a message, not in an out-of-memory crash. */
export const MAX_INPUT_BYTES = 64 * 2 ** 20;

/** The input, refused when blank (but for `blankOk`: tokens of nothing are an answer, a question over nothing is not). */
export async function inputText(v: Values, what = 'text', blankOk = false): Promise<string> {
  const text = await readInput(v, what);
  if (!blankOk && !/\S/u.test(text))
    throw new UsageError(
      `The ${what} is ${text ? 'only white space' : 'empty'}: there is nothing to read. Pass the ${what} with --text, --file or stdin.`,
    );
  return text;
}

/** The input text: --text, else --file, else stdin (not when stdin is a terminal). */
async function readInput(v: Values, what: string): Promise<string> {
  const t = str(v, 'text');
  const f = str(v, 'file');
  if (t !== undefined && f !== undefined)
    throw new UsageError(`Both --text and --file ${f} were given; pass only one of them (the text, or the file to read it from).`);
  if (t !== undefined) return t;
  if (f !== undefined) {
    let stream: NodeJS.ReadableStream;
    try {
      stream = await openFile(f);
    } catch (e) {
      throw new UsageError(`Cannot read --file ${f}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}. Check the path.`);
    }
    return readCapped(stream, `--file ${f}`);
  }
  if (process.stdin.isTTY) throw new UsageError(`No ${what}: pass --text "…", --file PATH, or pipe it on stdin.`);
  return readCapped(process.stdin, 'stdin');
}

async function openFile(f: string): Promise<NodeJS.ReadableStream> {
  const fh = await open(f, 'r');
  if ((await fh.stat()).isDirectory()) {
    await fh.close();
    throw Object.assign(new Error('a folder'), { code: 'EISDIR' });
  }
  return fh.createReadStream();
}

/** Reads a stream as UTF-8, stopping with a usage error past MAX_INPUT_BYTES (files, pipes, devices alike). */
async function readCapped(stream: NodeJS.ReadableStream, what: string): Promise<string> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of stream) {
    n += (c as Buffer).length;
    if (n > MAX_INPUT_BYTES) {
      (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
      throw new UsageError(
        `${what} holds more than ${MAX_INPUT_BYTES / 2 ** 20} MB of text, the most one command reads. Split it, or give the part you want to look at.`,
      );
    }
    chunks.push(c as Buffer);
  }
  try {
    const { text, encoding } = decodeText(Buffer.concat(chunks));
    if (encoding !== 'UTF-8')
      process.stderr.write(`bert-lens: read ${what} as ${encoding} (converted to Unicode; offsets count its characters).\n`);
    return text;
  } catch (e) {
    if (e instanceof NotTextError) throw new UsageError(`Cannot use ${what}: ${e.message}`);
    throw e;
  }
}
