// The field's vocabulary: plural stemming, joined compounds and ML abbreviations, the same on the index and query side.

/**
 * A light plural stemmer (Harman's S-stemmer, with the -sses/-xes/-ches/-shes cases): "models" → "model",
 * "learners" → "learner", "studies" → "study", "processes" → "process", "LLMs" → "llm". It leaves "analysis",
 * "corpus", "loss" and "bias" alone. Deliberately not Porter: Porter merges "transformer" with "transformation"
 * and "generation" with "general", which ML titles keep apart (docs/adr/0012).
 */
export function stem(word: string): string {
  const n = word.length;
  if (n <= 3 || word.charCodeAt(n - 1) !== 115 /* s */) return word;
  if (word.endsWith("ies")) return n > 4 && !/[ae]ies$/.test(word) ? `${word.slice(0, -3)}y` : word;
  if (/(?:sses|xes|ches|shes|zzes)$/.test(word)) return word.slice(0, -2);
  if (/(?:ss|us|is|ias|ys|'s)$/.test(word)) return word;
  return word.slice(0, -1);
}

/**
 * Abbreviations of the field and what they stand for. A paper that spells out an expansion is indexed under
 * the abbreviation too, and a query that spells it out also looks for the abbreviation, so "LLM" finds
 * "large language models" and the other way round. Forms are written as words; a hyphen in a paper is a space.
 */
const ABBREVIATIONS: Readonly<Record<string, readonly string[]>> = {
  llm: ["large language model"],
  lm: ["language model"],
  slm: ["small language model"],
  vlm: ["vision language model", "visual language model"],
  lvlm: ["large vision language model"],
  mllm: [
    "multimodal large language model",
    "multi modal large language model",
    "multimodal llm",
    "multi modal llm",
    "multimodal language model",
    "multi modal language model",
  ],
  vla: ["vision language action model", "vision language action"],
  rl: ["reinforcement learning"],
  rlhf: ["reinforcement learning from human feedback"],
  rlvr: ["reinforcement learning with verifiable reward"],
  ssl: ["self supervised learning"],
  sft: ["supervised fine tuning", "supervised finetuning"],
  peft: ["parameter efficient fine tuning", "parameter efficient finetuning"],
  icl: ["in context learning"],
  vit: ["vision transformer"],
  dit: ["diffusion transformer"],
  moe: ["mixture of expert"],
  rag: ["retrieval augmented generation"],
  kvcache: ["kv cache", "key value cache"],
  gnn: ["graph neural network"],
  cnn: ["convolutional neural network"],
  rnn: ["recurrent neural network"],
  lstm: ["long short term memory"],
  mlp: ["multi layer perceptron", "multilayer perceptron"],
  gan: ["generative adversarial network"],
  vae: ["variational autoencoder", "variational auto encoder"],
  sae: ["sparse autoencoder", "sparse auto encoder"],
  nerf: ["neural radiance field"],
  "3dgs": ["3d gaussian splatting", "gaussian splatting"],
  lora: ["low rank adaptation"],
  cot: ["chain of thought"],
  dpo: ["direct preference optimization"],
  ppo: ["proximal policy optimization"],
  grpo: ["group relative policy optimization"],
  prm: ["process reward model"],
  mcts: ["monte carlo tree search"],
  ssm: ["state space model"],
  mtp: ["multi token prediction"],
  gqa: ["grouped query attention"],
  nlp: ["natural language processing"],
  asr: ["automatic speech recognition"],
  tts: ["text to speech"],
  ocr: ["optical character recognition"],
  vqa: ["visual question answering"],
  qa: ["question answering"],
  ner: ["named entity recognition"],
  mt: ["machine translation"],
  kd: ["knowledge distillation"],
  kg: ["knowledge graph"],
  sota: ["state of the art"],
  ddpm: ["denoising diffusion probabilistic model"],
  ldm: ["latent diffusion model"],
};

/** One multi-word form: its stemmed words and the abbreviation it stands for. */
interface Form {
  readonly words: readonly string[];
  readonly key: string;
}

/** Every multi-word form, grouped by first word (the index looks forms up at each word of a text). */
const FORMS_BY_FIRST: ReadonlyMap<string, readonly Form[]> = (() => {
  const byFirst = new Map<string, Form[]>();
  for (const [key, expansions] of Object.entries(ABBREVIATIONS)) {
    for (const expansion of expansions) {
      const words = expansion.split(" ").map(stem);
      const list = byFirst.get(words[0] as string) ?? [];
      list.push({ words, key });
      byFirst.set(words[0] as string, list);
    }
  }
  // Longest first, so "large vision language model" wins over "language model" at the same word.
  for (const list of byFirst.values()) list.sort((a, b) => b.words.length - a.words.length);
  return byFirst;
})();

/** The number of abbreviations the table knows (for the README and tests). */
export const ABBREVIATION_COUNT = Object.keys(ABBREVIATIONS).length;

/**
 * The abbreviations spelled out in a sequence of stemmed words, with the positions they cover:
 * ["large", "language", "model", "agent"] → [{ key: "llm", start: 0, end: 3 }, { key: "lm", start: 1, end: 3 }].
 */
export function spelledOut(words: readonly string[]): { key: string; start: number; end: number }[] {
  const found: { key: string; start: number; end: number }[] = [];
  for (let i = 0; i < words.length; i++) {
    const forms = FORMS_BY_FIRST.get(words[i] as string);
    if (!forms) continue;
    for (const form of forms) {
      if (i + form.words.length > words.length) continue;
      let k = 1;
      while (k < form.words.length && words[i + k] === form.words[k]) k++;
      if (k === form.words.length) found.push({ key: form.key, start: i, end: i + k });
    }
  }
  return found;
}

/**
 * First words that English writes spaced, hyphenated or joined ("self supervised", "self-supervised",
 * "selfsupervised"; "fine tuning", "finetuning"). The index adds the joined form after these words, so a
 * joined query finds the spaced text; a hyphenated or joined text needs no list (its joined form is a token).
 */
export const COMPOUND_FIRST_WORDS: ReadonlySet<string> = new Set(
  (
    "self multi cross pre post co semi non meta sub inter intra zero few one fine super over under hyper " +
    "auto end text image video vision audio speech world open long short low high real multimodal data"
  ).split(" "),
);
