// The Hugging Face client of a CLI command: the service's own, over the command's store (its cache), without logs.
import type { Config } from "../src/config/load-config.js";
import { silentLogger } from "../src/ops/logger.js";
import type { HuggingFaceSource } from "../src/sources/paper-source.js";
import { createHuggingFaceSource } from "../src/sources/huggingface-source.js";
import type { Store } from "../src/storage/store.js";

export function cliHuggingFace(
  config: Config,
  store: Store,
  io: { readonly now: () => Date },
): HuggingFaceSource {
  return createHuggingFaceSource({
    baseUrl: config.HF_API_URL,
    cache: store.namespace("cache"),
    now: io.now,
    log: silentLogger,
    http: { maxResponseBytes: config.HF_MAX_RESPONSE_BYTES },
    ...(config.HF_TOKEN !== undefined ? { token: config.HF_TOKEN } : {}),
  });
}
