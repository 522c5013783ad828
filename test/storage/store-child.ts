// Child process for keyv-stores tests: increments one Redis key, or opens/closes a store and exits on its own.
import { createStore } from "../../src/storage/keyv-stores.js";

const [mode = "", url = "", prefix = "paperboy-test", countText = "0"] = process.argv.slice(2);

if (mode === "increment") {
  const store = await createStore(url, { keyPrefix: prefix });
  const votes = store.namespace("votes");
  await Promise.all(
    Array.from({ length: Number(countText) }, () => votes.update<number>("counter", (n) => (n ?? 0) + 1)),
  );
  await store.close();
  console.log("done");
} else if (mode === "open-fail") {
  try {
    await createStore(url);
    console.log("opened");
  } catch (error) {
    console.log(error instanceof Error ? error.message : String(error));
  }
} else if (mode === "open-close") {
  const store = await createStore(url, { keyPrefix: prefix });
  await store.namespace("meta").set("child", "was here");
  await store.close();
  console.log("closed");
}
// No process.exit(): the test asserts that nothing (no reconnect timer, no socket) keeps the process alive.
