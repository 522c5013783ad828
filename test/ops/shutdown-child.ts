// Child process for the shutdown test: one tracked job of argv[2] ms, real SIGTERM handling, real process.exit.
import { createShutdown } from "../../src/ops/shutdown.js";
import { silentLogger } from "../../src/ops/logger.js";

const jobMs = Number(process.argv[2] ?? "500");
const shutdown = createShutdown({ log: silentLogger, timeoutMs: 10_000, exit: (code) => process.exit(code) });
shutdown.onStopIntake("scheduler", () => {
  console.log("stopped intake");
});
shutdown.onClose("store", () => {
  console.log("closed store");
});
void shutdown.track(
  new Promise<void>((done) =>
    setTimeout(() => {
      console.log("job finished");
      done();
    }, jobMs),
  ),
);
// Keep the process alive like a real bot would (a listening socket, a gateway connection …).
setInterval(() => undefined, 60_000);
console.log("ready");
