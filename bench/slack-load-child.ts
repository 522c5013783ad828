// Child process for bench/slack.bench.ts: fires signed slash commands at the adapter and times each ack, off the adapter's event loop.
import { commandBody, postSigned } from "../test/adapters/slack/slack-harness.js";

interface Burst {
  eventsUrl: string;
  responseOrigin: string;
  prefix: string;
  texts: string[];
}

process.on("message", (msg: unknown) => {
  if (msg === "stop") process.exit(0);
  const burst = msg as Burst;
  void (async () => {
    const latencies = await Promise.all(
      burst.texts.map(async (text, i) => {
        const body = commandBody({
          text,
          response_url: `${burst.responseOrigin}/respond/${burst.prefix}${String(i)}`,
        });
        const t0 = performance.now();
        const res = await postSigned(burst.eventsUrl, body, "application/x-www-form-urlencoded");
        await res.text();
        const took = performance.now() - t0;
        if (res.status !== 200) throw new Error(`ack ${String(res.status)}`);
        return took;
      }),
    );
    process.send?.({ latencies });
  })();
});
process.send?.({ ready: true });
