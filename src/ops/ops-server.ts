// GET /healthz and GET /metrics: a handler Bolt's HTTP receiver can mount, or a small standalone server.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { ChatPlatform } from "../platform/chat-platform.js";
import type { Store } from "../storage/store.js";

export interface OpsHandlerDeps {
  store: Pick<Store, "ping" | "probeWrite" | "displayUrl">;
  platforms: () => readonly ChatPlatform[];
  metrics: { render(): Promise<{ contentType: string; body: string }> };
  isShuttingDown: () => boolean;
  /** Bound on each health probe (store ping, platform check); default 2000 ms. */
  probeTimeoutMs?: number;
}

/** Answers /healthz and /metrics and resolves true; resolves false for any other path. */
export type OpsHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

export interface HealthReport {
  status: "ok" | "unavailable" | "shutting down";
  store: "ok" | "down";
  platforms: Record<string, "ok" | "down">;
  /** What is down, for the operator: "store sqlite://data/paperboy.sqlite: …; platform discord is not connected". */
  reason?: string;
}

export function createOpsHandler(deps: OpsHandlerDeps): OpsHandler {
  const probeMs = deps.probeTimeoutMs ?? 2_000;

  const health = async (): Promise<HealthReport> => {
    if (deps.isShuttingDown())
      return {
        status: "shutting down",
        store: "ok",
        platforms: {},
        reason: "shutting down: draining in-flight work",
      };
    const problems: string[] = [];
    // A read and a write: a read-only file, a full disk or a deleted SQLite file still answers reads.
    const storeOk = await bounded(deps.store.ping(), probeMs).then(
      () =>
        bounded(deps.store.probeWrite(), probeMs).then(
          () => true,
          (error: unknown) => {
            problems.push(`store ${deps.store.displayUrl} cannot take writes: ${messageOf(error)}`);
            return false;
          },
        ),
      (error: unknown) => {
        problems.push(`store ${deps.store.displayUrl} is unreachable: ${messageOf(error)}`);
        return false;
      },
    );
    const platforms: Record<string, "ok" | "down"> = {};
    await Promise.all(
      deps.platforms().map(async (p) => {
        const ok = await bounded(
          Promise.resolve().then(() => p.isHealthy()),
          probeMs,
        ).catch(() => false);
        platforms[p.id] = ok ? "ok" : "down";
        if (!ok) problems.push(`platform ${p.id} is not connected`);
      }),
    );
    const report: HealthReport = {
      status: problems.length === 0 ? "ok" : "unavailable",
      store: storeOk ? "ok" : "down",
      platforms,
    };
    if (problems.length > 0) report.reason = problems.join("; ");
    return report;
  };

  return async (req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path !== "/healthz" && path !== "/metrics") return false;
    if (req.method !== "GET" && req.method !== "HEAD") {
      send(res, 405, "text/plain; charset=utf-8", "method not allowed\n", { allow: "GET, HEAD" });
      return true;
    }
    if (path === "/healthz") {
      const report = await health();
      send(
        res,
        report.status === "ok" ? 200 : 503,
        "application/json; charset=utf-8",
        `${JSON.stringify(report)}\n`,
      );
      return true;
    }
    try {
      const { contentType, body } = await deps.metrics.render();
      send(res, 200, contentType, body);
    } catch (error) {
      send(res, 500, "text/plain; charset=utf-8", `metrics unavailable: ${messageOf(error)}\n`);
    }
    return true;
  };
}

export interface OpsServer {
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

/** A standalone HTTP server for the ops handler (when Slack is not serving HTTP on PORT); 404 elsewhere. */
export async function startOpsServer(
  handler: OpsHandler,
  port: number,
  host = "0.0.0.0",
): Promise<OpsServer> {
  const server: Server = createServer((req, res) => {
    handler(req, res).then(
      (handled) => {
        if (!handled) send(res, 404, "text/plain; charset=utf-8", "not found: try /healthz or /metrics\n");
      },
      (error: unknown) => {
        if (!res.headersSent)
          send(res, 500, "text/plain; charset=utf-8", `internal error: ${messageOf(error)}\n`);
        else res.destroy();
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  const shownHost = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
  return {
    port: bound,
    url: `http://${shownHost}:${bound}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => {
          if (error) reject(error);
          else resolve();
        });
        server.closeAllConnections();
      }),
  };
}

function send(
  res: ServerResponse,
  status: number,
  contentType: string,
  body: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { "content-type": contentType, "cache-control": "no-store", ...headers });
  res.end(res.req.method === "HEAD" ? undefined : body);
}

function bounded<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(new Error(`no answer within ${ms} ms`));
      }, ms);
    }),
  ]).finally(() => {
    clearTimeout(timer);
  });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
