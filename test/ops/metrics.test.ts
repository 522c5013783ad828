// Prometheus metrics live on their own registry, so two instances (or tests) never share counts.
import { register as globalRegistry } from "prom-client";
import { describe, expect, it } from "vitest";
import { createPrometheusMetrics } from "../../src/ops/metrics.js";

describe("createPrometheusMetrics", () => {
  it("keeps counts per instance and out of prom-client's global registry", async () => {
    const a = createPrometheusMetrics();
    const b = createPrometheusMetrics();
    a.command("top", "discord");
    expect((await a.render()).body).toContain('paperboy_commands_total{name="top",platform="discord"} 1');
    expect((await b.render()).body).not.toContain('name="top"');
    expect(await globalRegistry.metrics()).not.toContain("paperboy_");
  });

  it("counts a failed digest and observes its delivery time", async () => {
    const m = createPrometheusMetrics({ defaultMetrics: false });
    m.digest("failed", "slack", 2);
    const body = (await m.render()).body;
    expect(body).toContain('paperboy_digests_total{outcome="failed",platform="slack"} 1');
    expect(body).toContain('paperboy_delivery_seconds_sum{platform="slack"} 2');
    expect(body).not.toContain("process_cpu");
  });
});
