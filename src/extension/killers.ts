// Document versions whose background work (encoding, the [UNK] check) killed the inference worker. No `vscode`
// import, so tested in plain Node.

interface DocVersion {
  uri: string;
  version: number;
}

/**
 * Background work skips these versions: each restarted worker would otherwise die on the same text, in a loop. An
 * edit (a new version) or a request the user makes tries again. Bounded: only the newest versions are kept.
 */
export class WorkerKillers {
  private readonly keys = new Set<string>();

  constructor(private readonly max = 64) {}

  add(d: DocVersion): void {
    this.keys.add(key(d));
    if (this.keys.size > this.max) this.keys.delete(this.keys.values().next().value as string);
  }

  has(d: DocVersion): boolean {
    return this.keys.has(key(d));
  }
}

const key = (d: DocVersion) => `${d.uri}\u0000${d.version}`;
