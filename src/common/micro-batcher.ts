/**
 * Collects items that arrive within `windowMs` of the first (at most `maxItems`) and runs them as one
 * batch; each caller's promise settles with its own item's outcome. Queue processors use it so that a
 * burst of jobs costs one set-based pass instead of a few round trips per job, while every job still
 * succeeds, fails and retries on its own.
 */
export class MicroBatcher<I, O> {
  private items: I[] = [];
  private waiters: Array<{ resolve: (o: O) => void; reject: (err: unknown) => void }> = [];
  private timer: NodeJS.Timeout | undefined;

  /** `run` returns one outcome per item, in order: a value, or an Error for that item alone. */
  constructor(private readonly run: (items: I[]) => Promise<Array<O | Error>>, private readonly windowMs = 15, private readonly maxItems = 500) {}

  add(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.items.push(item);
      this.waiters.push({ resolve, reject });
      if (this.items.length >= this.maxItems) this.flush();
      else if (!this.timer) this.timer = setTimeout(() => this.flush(), this.windowMs);
    });
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const items = this.items;
    const waiters = this.waiters;
    this.items = [];
    this.waiters = [];
    if (items.length === 0) return;
    this.run(items).then(
      (outcomes) => waiters.forEach((w, i) => {
        const o = outcomes[i];
        if (o instanceof Error) w.reject(o);
        else w.resolve(o);
      }),
      (err) => waiters.forEach((w) => w.reject(err)),
    );
  }
}
