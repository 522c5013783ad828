// The one http(s) URL check every link, button and thumbnail goes through.
import { describe, expect, it } from "vitest";
import { httpHref, parseHttpUrl } from "../../src/shared/http-url.js";

describe("parseHttpUrl / httpHref", () => {
  it("keeps absolute http(s) URLs, normalised, spaces around ignored", () => {
    expect(httpHref("  https://arxiv.org/abs/2406.12345v2 ")).toBe("https://arxiv.org/abs/2406.12345v2");
    expect(httpHref("HTTP://Example.COM/a b")).toBe("http://example.com/a%20b");
    expect(parseHttpUrl("https://huggingface.co/papers/2406.12345?x=1")?.hostname).toBe("huggingface.co");
  });

  it.each([
    ["javascript:alert(1)"],
    ["data:text/html,<script>"],
    ["/papers/2406.12345"],
    ["http:evil.example"],
    ["https://"],
    ["ftp://example.com/file"],
    [""],
  ])("refuses %j", (raw) => {
    expect(httpHref(raw)).toBeUndefined();
  });

  it("refuses nothing given", () => {
    expect(parseHttpUrl(undefined)).toBeUndefined();
  });
});
