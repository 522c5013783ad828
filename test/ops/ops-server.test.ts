// /healthz and /metrics over real loopback HTTP: counters move, health follows the store and the platforms.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createPrometheusMetrics } from "../../src/ops/metrics.js";
import {
  createOpsHandler,
  startOpsServer,
  type HealthReport,
  type OpsServer,
} from "../../src/ops/ops-server.js";
import { createStore } from "../../src/storage/create-store.js";
import type { ChatPlatform } from "../../src/platform/chat-platform.js";
import type { PlatformId } from "../../src/platform/channel-ref.js";
import type { Store } from "../../src/storage/store.js";

function fakePlatform(id: PlatformId, state: { healthy: boolean | "throws" }): ChatPlatform {
  return {
    id,
    send: () => Promise.reject(new Error("not used")),
    react: () => Promise.resolve(),
    findPosted: () => Promise.reject(new Error("not used")),
    isHealthy: () => {
      if (state.healthy === "throws") throw new Error("gateway gone");
      return Promise.resolve(state.healthy);
    },
  };
}

const report = async (res: Response) => (await res.json()) as HealthReport;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function setup() {
  const store: Store = await createStore("memory://");
  const metrics = createPrometheusMetrics();
  const slack = { healthy: true as boolean | "throws" };
  const discord = { healthy: true as boolean | "throws" };
  const draining = { value: false };
  const handler = createOpsHandler({
    store,
    platforms: () => [fakePlatform("slack", slack), fakePlatform("discord", discord)],
    metrics,
    isShuttingDown: () => draining.value,
  });
  const server: OpsServer = await startOpsServer(handler, 0, "127.0.0.1");
  cleanups.push(
    () => server.close(),
    () => store.close(),
  );
  return { store, metrics, slack, discord, draining, handler, server };
}

describe("GET /metrics", () => {
  it("serves Prometheus text where paperboy counters move as the core counts", async () => {
    const { metrics, server } = await setup();
    const before = await (await fetch(`${server.url}/metrics`)).text();
    expect(before).not.toMatch(/paperboy_commands_total\{name="papers",platform="slack"\}/);

    metrics.command("papers", "slack");
    metrics.command("papers", "slack");
    metrics.vote("added", "discord");
    metrics.sourceRequest("huggingface", "rate-limited");
    metrics.cacheHit("arxiv");
    metrics.digest("posted", "slack", 0.3);
    metrics.digest("rejected", "discord", 0.01);

    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const body = await res.text();
    expect(body).toContain('paperboy_commands_total{name="papers",platform="slack"} 2');
    expect(body).toContain('paperboy_votes_total{change="added",platform="discord"} 1');
    expect(body).toContain('paperboy_source_requests_total{source="huggingface",outcome="rate-limited"} 1');
    expect(body).toContain('paperboy_source_cache_hits_total{source="arxiv"} 1');
    expect(body).toContain('paperboy_digests_total{outcome="posted",platform="slack"} 1');
    expect(body).toContain('paperboy_digests_total{outcome="rejected",platform="discord"} 1');
    expect(body).toContain('paperboy_delivery_seconds_bucket{le="0.5",platform="slack"} 1');
    expect(body).toContain('paperboy_delivery_seconds_count{platform="slack"} 1');
    expect(body).toContain("process_cpu_user_seconds_total");
  });
});

describe("GET /healthz", () => {
  it("answers 200 ok while the store answers and every platform is connected", async () => {
    const { server } = await setup();
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await report(res)).toEqual({
      status: "ok",
      store: "ok",
      platforms: { slack: "ok", discord: "ok" },
    });
  });

  it("answers 503 naming the platform that reports unhealthy, and recovers with it", async () => {
    const { server, discord } = await setup();
    discord.healthy = false;
    const down = await fetch(`${server.url}/healthz`);
    expect(down.status).toBe(503);
    expect(await report(down)).toMatchObject({
      status: "unavailable",
      platforms: { slack: "ok", discord: "down" },
      reason: "platform discord is not connected",
    });
    discord.healthy = true;
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it("treats a platform whose health check throws as down", async () => {
    const { server, slack } = await setup();
    slack.healthy = "throws";
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(503);
    expect((await report(res)).platforms.slack).toBe("down");
  });

  it("answers 503 naming the store once the store is closed", async () => {
    const { server, store } = await setup();
    await store.close();
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(503);
    const body = await report(res);
    expect(body.store).toBe("down");
    expect(body.reason).toMatch(/^store memory:\/\/ is unreachable: .*closed/);
  });

  it("answers 503 naming an unreachable store with its password hidden", async () => {
    const handler = createOpsHandler({
      store: {
        displayUrl: "redis://:***@10.0.0.9:6379",
        ping: () => Promise.reject(new Error("connect ETIMEDOUT")),
        probeWrite: () => Promise.reject(new Error("connect ETIMEDOUT")),
      },
      platforms: () => [],
      metrics: createPrometheusMetrics({ defaultMetrics: false }),
      isShuttingDown: () => false,
    });
    const server = await startOpsServer(handler, 0, "127.0.0.1");
    cleanups.push(() => server.close());
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(503);
    expect((await report(res)).reason).toBe(
      "store redis://:***@10.0.0.9:6379 is unreachable: connect ETIMEDOUT",
    );
  });

  it("answers 503 shutting down while draining", async () => {
    const { server, draining } = await setup();
    draining.value = true;
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(503);
    expect((await report(res)).status).toBe("shutting down");
  });

  it("refuses POST with 405", async () => {
    const { server } = await setup();
    const res = await fetch(`${server.url}/healthz`, { method: "POST" });
    expect(res.status).toBe(405);
  });
});

describe("mounting", () => {
  it("answers 404 on other paths of the standalone server", async () => {
    const { server } = await setup();
    const res = await fetch(`${server.url}/slack/events`);
    expect(res.status).toBe(404);
  });

  it("returns false for other paths so a host server (like Bolt's receiver) can route them", async () => {
    const { handler } = await setup();
    const host = createServer((req, res) => {
      void handler(req, res).then((handled) => {
        if (!handled) res.writeHead(200, { "content-type": "text/plain" }).end("host route");
      });
    });
    await new Promise<void>((r) => host.listen(0, "127.0.0.1", r));
    cleanups.push(() => new Promise<void>((r) => host.close(() => r())));
    const base = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;
    expect(await (await fetch(`${base}/slack/events`)).text()).toBe("host route");
    expect((await fetch(`${base}/healthz?verbose=1`)).status).toBe(200);
  });
});
