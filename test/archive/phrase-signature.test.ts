// Word-pair Bloom filters: a phrase that is in the text always passes; most phrases that are not are refused.
import { describe, expect, it } from "vitest";
import { mayContain, phraseProbe, phraseSignature, phraseWords } from "../../src/archive/phrase-signature.js";

const text = "we distil a latent space model; the latent diffusion prior is self-supervised";
const signature = phraseSignature(phraseWords(text));
const has = (phrase: string): boolean => mayContain(signature, 0, signature.length, phraseProbe([phrase]));

describe("phrase signature", () => {
  it("accepts every adjacent word pair of the text, also across punctuation", () => {
    const words = phraseWords(text);
    for (let i = 0; i + 1 < words.length; i++) expect(has(`${words[i]} ${words[i + 1]}`)).toBe(true);
    expect(has("model the latent")).toBe(true);
    expect(has("is self supervised")).toBe(true);
  });

  it("refuses phrases whose words are in the text but not next to each other", () => {
    const refused = ["space latent", "diffusion space", "model diffusion", "prior latent", "we model"].filter(
      (p) => !has(p),
    );
    expect(refused.length).toBeGreaterThanOrEqual(4);
  });

  it("accepts a one-word phrase (nothing to pair) and splits non-ASCII words like phrases do", () => {
    expect(has("latent")).toBe(true);
    const accented = phraseSignature(phraseWords("ponts de schrödinger généralisés"));
    expect(mayContain(accented, 0, accented.length, phraseProbe(["schrödinger généralisés"]))).toBe(true);
  });
});
