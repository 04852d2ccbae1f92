// Re-runs every `$ bert-lens …` command in docs/CLI.md with the built CLI (dist/cli.js) and writes its real output
// (stdout and stderr, as a terminal shows them) under it, so the examples stay true after the models change.
// Usage: npm run build && node tools/refresh-cli-docs.mjs [docs/CLI.md]
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
const file = path.resolve(root, process.argv[2] ?? 'docs/CLI.md');
const cli = path.join(root, 'dist', 'cli.js');

function run(command) {
  const shell = command.replace(/^bert-lens\b/, `node ${JSON.stringify(cli)}`);
  try {
    return execFileSync('bash', ['-c', `${shell} 2>&1`], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  } catch (e) {
    return e.stdout ?? ''; // a documented failure (exit code ≠ 0) shows its message too
  }
}

const out = [];
const lines = readFileSync(file, 'utf8').split('\n');
let inFence = false;
let skipping = false;
let runs = 0;
for (const line of lines) {
  if (line.startsWith('```')) {
    inFence = !inFence;
    skipping = false;
    out.push(line);
    continue;
  }
  if (inFence && line.startsWith('$ bert-lens ')) {
    out.push(line, ...run(line.slice(2)).replace(/\n+$/, '').split('\n'));
    skipping = true;
    runs++;
    continue;
  }
  if (!skipping) out.push(line);
}
writeFileSync(file, out.join('\n'));
console.log(`re-ran ${runs} commands in ${path.relative(root, file)}`);
