// mrkdwn escaping, broadcast neutralising, link building and grapheme-safe truncation.
import { describe, expect, it } from "vitest";
import {
  escapeMrkdwn,
  inlineToMrkdwn,
  inlinesToMrkdwn,
  linkTarget,
  mrkdwnLink,
  plainText,
} from "../../../adapters/slack/render/mrkdwn.js";
import { truncate } from "../../../src/messages/truncate.js";

describe("escapeMrkdwn", () => {
  it("GIVEN a title containing <!channel> THEN the mrkdwn is inert text", () => {
    expect(inlineToMrkdwn({ type: "text", text: "Scaling <!channel>" })).toBe("Scaling &lt;!channel&gt;");
  });
  it("escapes & first, so an existing entity is shown, not decoded", () => {
    expect(escapeMrkdwn("a &lt; b & c > d")).toBe("a &amp;lt; b &amp; c &gt; d");
  });
  it("turns a forged link and a user mention into text", () => {
    expect(escapeMrkdwn("<https://evil.example|click> <@U123>")).toBe(
      "&lt;https://evil.example|click&gt; &lt;@U123&gt;",
    );
  });
  it("puts a word joiner after @ in @channel, @here and @everyone", () => {
    expect(escapeMrkdwn("@here @Channel @everyone @hereby")).toBe(
      "@\u2060here @\u2060Channel @\u2060everyone @hereby",
    );
  });
  it("drops right-to-left overrides and isolates but keeps emoji and zero-width joiners in emoji", () => {
    expect(escapeMrkdwn("abc\u202Efdp.exe \u2067x\u2069 👩‍🔬")).toBe("abcfdp.exe x 👩‍🔬");
  });
});

describe("links", () => {
  it("builds <url|label> with an escaped label", () => {
    expect(mrkdwnLink("https://huggingface.co/papers/2606.00467", "A <b> & c")).toBe(
      "<https://huggingface.co/papers/2606.00467|A &lt;b&gt; &amp; c>",
    );
  });
  it("percent-encodes | < > and entity-escapes & in the URL", () => {
    expect(linkTarget("https://example.com/a|b?x=<1>&y=2")).toBe(
      "https://example.com/a%7Cb?x=%3C1%3E&amp;y=2",
    );
  });
  it.each(["javascript:alert(1)", "ftp://example.com/x", "slack://channel?id=C1", "not a url", "<!channel>"])(
    "refuses %s as a link target and shows only the label",
    (url) => {
      expect(linkTarget(url)).toBeUndefined();
      expect(mrkdwnLink(url, "label")).toBe("label");
    },
  );
  it("renders a link inline run through the same checks", () => {
    expect(inlineToMrkdwn({ type: "link", text: "paper", url: "https://arxiv.org/abs/2606.00467" })).toBe(
      "<https://arxiv.org/abs/2606.00467|paper>",
    );
  });
});

describe("inline marks", () => {
  it("bolds and italicises escaped text without edge spaces inside the marks", () => {
    expect(inlineToMrkdwn({ type: "bold", text: " <x> " })).toBe(" *&lt;x&gt;* ");
    expect(inlineToMrkdwn({ type: "italic", text: "y" })).toBe("_y_");
  });
  it("keeps backticks from closing a code span", () => {
    expect(inlineToMrkdwn({ type: "code", text: "a`b" })).toBe("`a'b`");
  });
  it("cuts runs to the limit without splitting an entity or a link", () => {
    const out = inlinesToMrkdwn(
      [
        { type: "text", text: "&".repeat(100) },
        { type: "link", text: "x", url: "https://arxiv.org/abs/1" },
      ],
      50,
    );
    expect(out.length).toBeLessThanOrEqual(50);
    expect(out).toMatch(/^(&amp;)+…$/);
  });
});

describe("truncate", () => {
  it("cuts a 10,000-character title to the limit with an ellipsis", () => {
    const cut = truncate("x".repeat(10_000), 150);
    expect(cut).toHaveLength(150);
    expect(cut.endsWith("…")).toBe(true);
  });
  it("never splits an emoji grapheme", () => {
    const cut = truncate("ab👩‍🔬👩‍🔬👩‍🔬", 6);
    expect(cut).toBe("ab…");
  });
  it("leaves short text alone", () => {
    expect(truncate("short", 150)).toBe("short");
  });
});

describe("plainText for headers", () => {
  it("breaks <!…> and neutralises @here in plain_text", () => {
    expect(plainText("<!channel> hi @here")).toBe("<\u2060!channel> hi @\u2060here");
  });
});
