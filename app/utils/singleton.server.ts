// The server entry (tsx) and the Remix server build each load their own copy of
// shared modules; keeping pools and clients on globalThis makes both use one.
export function singleton<T>(name: string, create: () => T): T {
  const store = globalThis as unknown as { __baicheng?: Map<string, unknown> };
  store.__baicheng ??= new Map();
  if (!store.__baicheng.has(name)) store.__baicheng.set(name, create());
  return store.__baicheng.get(name) as T;
}
