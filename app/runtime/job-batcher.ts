// Jobs handled many at a time (decision 021). BullMQ hands a worker one job per call; with a
// concurrency of N it has up to N calls open at once. A JobBatcher gathers the calls that arrive
// together (up to maxSize, or for at most lingerMs after the first) and runs them as one batch:
// one query to read, one transaction to write. Each call still gets its own answer or its own
// error, so one bad job fails alone and is retried alone.

export interface JobBatcherOptions {
  /** A batch runs as soon as it holds this many items. */
  maxSize: number;
  /** …or this long after its first item arrived; 0: once the work already under way this turn is done (setImmediate). */
  lingerMs: number;
}

type RunBatch<T, R> = (items: T[]) => Promise<Array<R | Error>>;

export class JobBatcher<T, R> {
  private pending: Array<{ item: T; resolve: (result: R) => void; reject: (error: Error) => void }> = [];
  /** Cancels the scheduled flush of the pending batch, when one is scheduled. */
  private cancel: (() => void) | null = null;

  constructor(
    private readonly run: RunBatch<T, R>,
    readonly options: JobBatcherOptions,
  ) {}

  /** Adds one item to the next batch; settles with that item's own result. */
  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (this.pending.length >= this.options.maxSize) this.flush();
      else this.cancel ??= this.schedule();
    });
  }

  private schedule(): () => void {
    if (this.options.lingerMs > 0) {
      const timer = setTimeout(() => this.flush(), this.options.lingerMs);
      return () => clearTimeout(timer);
    }
    const immediate = setImmediate(() => this.flush());
    return () => clearImmediate(immediate);
  }

  private flush() {
    this.cancel?.();
    this.cancel = null;
    const batch = this.pending.splice(0);
    if (batch.length === 0) return;
    this.run(batch.map((b) => b.item)).then(
      (results) =>
        batch.forEach((b, i) => {
          const result = results[i];
          if (result instanceof Error) b.reject(result);
          else if (result === undefined) b.reject(new Error("batch returned no result for this item"));
          else b.resolve(result);
        }),
      (error: unknown) => batch.forEach((b) => b.reject(error instanceof Error ? error : new Error(String(error)))),
    );
  }
}
