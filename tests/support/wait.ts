// Polling for what a worker does in the background: the probe answers undefined until it is done.

export interface WaitOptions {
  timeoutMs?: number;
  everyMs?: number;
  /** More to say when it times out (a child process's stderr, say). */
  context?: () => string;
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, options: WaitOptions = {}): Promise<T> {
  const { timeoutMs = 15_000, everyMs = 50, context } = options;
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}${context ? `; ${context()}` : ""}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Resolves once a BullMQ job (as returned by Queue#getJob) has completed. */
export async function jobCompleted(job: { getState(): Promise<string> } | undefined, what = `job ${String((job as { id?: string } | undefined)?.id)}`): Promise<true> {
  return waitFor(what, async () => ((await job?.getState()) === "completed" ? true : undefined));
}
