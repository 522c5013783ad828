// Entry point of the `paperboy` binary.
import { withEnvFile } from "../src/config/env-file.js";
import { runCli } from "./paperboy.js";

const code = await runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  // The same settings as `npm start`: .env in the working directory under the real environment.
  env: withEnvFile().env,
  now: () => new Date(),
});
process.exitCode = code;
