// The candidate answer spans of a whole document, in bounded memory: a 10 MB document has ~45,000 QA windows of up
// to 400 candidates each, so spans that no later window can see again are folded into a running log-sum-exp and
// only the best `top` of them are kept.

interface Span {
  start: number;
  end: number;
  logit: number;
}

/** Best first: higher logit, then the earlier, then the shorter span (answer()'s order; head ablation's too). */
export const better = (a: Span, b: Span) => b.logit - a.logit || a.start - b.start || a.end - b.end;

export class SpanPool {
  private readonly open = new Map<string, Span>(); // spans a later window may still see (best logit so far)
  private kept: Span[] = []; // the best settled spans, at most `top`
  private max = -Infinity; // running log-sum-exp of every settled logit: max + log(sum)
  private sum = 0;

  constructor(private readonly top: number) {}

  /** A candidate span (character offsets) with its start + end logit; a span seen again keeps its best logit. */
  add(start: number, end: number, logit: number): void {
    const key = `${start}:${end}`;
    const old = this.open.get(key);
    if (!old) this.open.set(key, { start, end, logit });
    else if (old.logit < logit) old.logit = logit;
  }

  /** Settles the spans that start before `offset`: windows from here on begin at or after it. */
  settle(offset = Infinity): void {
    for (const [key, s] of this.open) {
      if (s.start >= offset) continue;
      this.open.delete(key);
      this.fold(s.logit);
      if (this.kept.length < this.top || better(s, this.kept[this.kept.length - 1]) < 0) {
        this.kept.push(s);
        this.kept.sort(better);
        if (this.kept.length > this.top) this.kept.pop();
      }
    }
  }

  /** Every span settled: the best `top` with their shares of one softmax over all spans plus `nullLogit`. */
  finish(nullLogit: number): { spans: Array<Span & { share: number }>; nullShare: number } {
    this.settle();
    this.fold(nullLogit);
    const share = (l: number) => Math.exp(l - this.max) / this.sum;
    return { spans: this.kept.map((s) => ({ ...s, share: share(s.logit) })), nullShare: share(nullLogit) };
  }

  private fold(l: number): void {
    if (l === -Infinity) return;
    if (l > this.max) {
      this.sum = this.sum * Math.exp(this.max - l) + 1;
      this.max = l;
    } else this.sum += Math.exp(l - this.max);
  }
}
