// Whether the panel's webview has started (sent 'ready', then got its init). Messages that must come after the init
// ('show': the init resets the section) wait for it; a webview VS Code disposed (hidden view) is unready again.
// vscode-free, so it is unit-tested.
export class Readiness {
  private done: (() => void) | undefined;
  private current: Promise<void> = Promise.resolve();

  constructor() {
    this.reset();
  }

  /** Not ready (again). Whoever waits already keeps waiting, for the next webview. */
  reset(): void {
    if (this.done) return;
    this.current = new Promise((resolve) => (this.done = resolve));
  }

  set(): void {
    this.done?.();
    this.done = undefined;
  }

  /** true once ready; false if it is not within `ms`. */
  async wait(ms: number): Promise<boolean> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
    try {
      return await Promise.race([this.current.then(() => true), late]);
    } finally {
      clearTimeout(timer);
    }
  }
}
