// Whether a redis-server answers for the Redis tests, decided once per file; says why when they are skipped.
import { createStore } from "../../src/storage/create-store.js";

/** REDIS_URL when set (CI sets it), else the default local port. */
export const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

/** Resolves true when Redis answers; otherwise prints "<what> skipped: …" with how to get Redis. */
export async function probeRedis(what: string): Promise<boolean> {
  const available = await createStore(redisUrl, { connectTimeoutMs: 1_000 }).then(
    async (store) => {
      await store.close();
      return true;
    },
    () => false,
  );
  if (!available)
    console.warn(
      process.env.REDIS_URL
        ? `${what} skipped: no redis-server at ${process.env.REDIS_URL}`
        : `${what} skipped: no redis-server at ${redisUrl} (set REDIS_URL or run .ci/run, which installs it)`,
    );
  return available;
}
