// Re-runs every documented command in the README and docs/CLI.md — fenced lines starting with `$ bert-lens ` or
// `$ node dist/cli.js ` — with the built CLI (dist/cli.js) and writes its real output (stdout and stderr, as a
// terminal shows them) under it, so the examples stay true after the models or the code change. The checkout's own
// folder is written as <repo> (CI runs from another clone).
// Usage: npm run build && node scripts/refresh-docs.mjs [--check] [FILE ...]
//   --check: write nothing; list the commands whose output differs from the file and exit 1 if any does
//            (test/cli/docs-outputs.test.ts runs this in npm test).
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
const cli = path.join(root, 'dist', 'cli.js');
export const DOCUMENTED = ['README.md', 'docs/CLI.md'];
const COMMAND = /^\$ (bert-lens|node dist\/cli\.js) /;

function run(command) {
  const shell = command.replace(/^(bert-lens|node dist\/cli\.js)\b/, `node ${JSON.stringify(cli)}`);
  let out;
  try {
    out = execFileSync('bash', ['-c', `${shell} 2>&1`], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  } catch (e) {
    out = e.stdout ?? ''; // a documented failure (exit code ≠ 0) shows its message too
  }
  return out.split(root).join('<repo>');
}

/** -> { text: the file with fresh outputs, runs, stale: commands whose output changed } */
export function refresh(file) {
  const out = [];
  const stale = [];
  const lines = readFileSync(file, 'utf8').split('\n');
  let inFence = false;
  let block = null; // the command whose recorded output is being read
  let runs = 0;
  const close = () => {
    if (block && block.old.join('\n') !== block.fresh.join('\n')) stale.push(block.command);
    block = null;
  };
  for (const line of lines) {
    if (line.startsWith('```')) {
      close();
      inFence = !inFence;
      out.push(line);
      continue;
    }
    if (inFence && COMMAND.test(line)) {
      close();
      const fresh = run(line.slice(2)).replace(/\n+$/, '').split('\n');
      out.push(line, ...fresh);
      block = { command: line.slice(2), old: [], fresh };
      runs++;
      continue;
    }
    if (block) block.old.push(line);
    else out.push(line);
  }
  close();
  return { text: out.join('\n'), runs, stale };
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const args = process.argv.slice(2);
  const check = args.includes('--check');
  const files = args.filter((a) => a !== '--check');
  let stale = 0;
  for (const f of files.length ? files : DOCUMENTED) {
    const file = path.resolve(root, f);
    const r = refresh(file);
    if (check) {
      for (const c of r.stale) console.log(`${f}: output differs for: ${c}`);
      stale += r.stale.length;
    } else {
      writeFileSync(file, r.text);
      console.log(`re-ran ${r.runs} commands in ${path.relative(root, file)} (${r.stale.length} changed)`);
    }
  }
  if (check && stale) {
    console.log(`${stale} documented outputs are stale: run npm run docs:refresh`);
    process.exit(1);
  }
}
