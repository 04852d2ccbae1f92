// Never render stale results: a ticket per (view, uri, version); a newer ticket makes older ones stale.
// Also a small debouncer. No `vscode` import, so tested in plain Node.

export interface Ticket {
  readonly view: string;
  readonly uri: string;
  readonly version: number;
  readonly seq: number;
}

export class RenderGate {
  private seq = 0;
  private readonly current = new Map<string, Ticket>();

  /** Starts a render for `view` (e.g. 'attention') of uri@version; any earlier ticket for that view becomes stale. */
  begin(view: string, uri: string, version: number): Ticket {
    const t = { view, uri, version, seq: ++this.seq };
    this.current.set(view, t);
    return t;
  }

  /** True when `t` is still the newest ticket of its view and the document is still at that version. */
  isCurrent(t: Ticket, docVersion: number | undefined): boolean {
    return this.current.get(t.view)?.seq === t.seq && docVersion === t.version;
  }

  /** Invalidates the view (e.g. on Clear). */
  end(view: string): void {
    this.current.delete(view);
  }
}

/** Calls `fn` once `ms` after the last `trigger()`; `cancel()` drops a pending call. */
export class Debouncer {
  private timer: ReturnType<typeof setTimeout> | undefined;
  constructor(
    private readonly ms: number,
    private readonly fn: () => void,
  ) {}
  trigger(): void {
    this.cancel();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.fn();
    }, this.ms);
  }
  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
  get pending(): boolean {
    return this.timer !== undefined;
  }
}
