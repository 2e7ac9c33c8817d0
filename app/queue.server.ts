import { Queue, type JobsOptions } from "bullmq";
import { Redis } from "ioredis";

// Producers: fail fast when Redis is away (the request must not hang), and rely on
// Postgres + the reconciler to re-enqueue what was not delivered.
export const queueNames = ["scoring", "routing", "eligibility", "certificates", "notifications", "maintenance", "exports", "deliveries", "reminders"] as const;
export type QueueName = (typeof queueNames)[number];

export interface QueueSettings {
  redisUrl: string;
  prefix: string;
}

const key = Symbol.for("baicheng.queues");
type Store = { [key]?: { settings: QueueSettings; connection: Redis; queues: Map<QueueName, Queue> } };

export function registerQueues(settings: QueueSettings): void {
  const connection = new Redis(settings.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  connection.on("error", () => undefined); // reported by /healthz and by failing enqueues
  (globalThis as Store)[key] = { settings, connection, queues: new Map() };
}

function store() {
  const s = (globalThis as Store)[key];
  if (!s) throw new Error("queues not registered: call registerQueues() at start-up");
  return s;
}

export function queue(name: QueueName): Queue {
  const s = store();
  let q = s.queues.get(name);
  if (!q) {
    q = new Queue(name, { connection: s.connection, prefix: s.settings.prefix });
    q.on("error", () => undefined);
    s.queues.set(name, q);
  }
  return q;
}

export const defaultJobOptions: JobsOptions = {
  attempts: 5,
  backoff: { type: "exponential", delay: 2000 },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

/**
 * SMS and e-mail: fewer, quicker retries (1 s, 2 s, 4 s), then failed in the delivery log, where an
 * administrator can send it again (docs/decisions/024-message-channels.md).
 */
export const deliveryJobOptions: JobsOptions = { ...defaultJobOptions, attempts: 4, backoff: { type: "exponential", delay: 1000 } };

export function jobOptionsFor(name: QueueName): JobsOptions {
  return name === "deliveries" ? deliveryJobOptions : defaultJobOptions;
}

/** Enqueue after commit. The id must be deterministic (BullMQ drops a duplicate while the first exists). */
export async function enqueue<T extends object>(name: QueueName, jobName: string, data: T, jobId: string) {
  if (jobId.includes(":") || /^\d+$/.test(jobId)) throw new Error(`invalid job id ${jobId}`);
  return queue(name).add(jobName, data, { ...jobOptionsFor(name), jobId });
}

/** Enqueue many jobs of one queue in one round trip (addBulk), with the same ids and options as enqueue(). */
export async function enqueueMany(name: QueueName, jobs: Array<{ name: string; data: object; jobId: string }>) {
  for (const job of jobs) if (job.jobId.includes(":") || /^\d+$/.test(job.jobId)) throw new Error(`invalid job id ${job.jobId}`);
  return queue(name).addBulk(jobs.map((job) => ({ name: job.name, data: job.data, opts: { ...jobOptionsFor(name), jobId: job.jobId } })));
}

/** The fail-fast producer connection, shared with other short Redis uses (rate limits). */
export function sharedRedis(): Redis {
  return store().connection;
}

/** The deployment's key prefix, for other Redis keys that must not collide across deployments. */
export function keyPrefix(): string {
  return store().settings.prefix;
}

export async function pingRedis(): Promise<void> {
  const s = store();
  if (s.connection.status === "wait") await s.connection.connect();
  await s.connection.ping();
}

export async function closeQueues(): Promise<void> {
  const s = (globalThis as Store)[key];
  if (!s) return;
  await Promise.all([...s.queues.values()].map((q) => q.close()));
  s.connection.disconnect();
  delete (globalThis as Store)[key];
}
