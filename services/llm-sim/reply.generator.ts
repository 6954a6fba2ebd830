import { createRandom, hashString, pick, type Random } from './llm-sim.random';
import { english, englishStopwords, korean } from './reply.words';

/** The parts of a chat message the generator reads; content may be a string or content parts. */
export interface PromptMessage {
  role: string;
  content?: unknown;
}

export type ReplyLanguage = 'en' | 'ko';

export interface Reply {
  /** Word-ish pieces: a word with its leading space (none on the first), as a model would stream. */
  tokens: string[];
  language: ReplyLanguage;
  persona: string | undefined;
}

const minTokens = 20;
const hangul = /[\u3131-\u318e\uac00-\ud7a3]/;
const englishPersona = /^You are ([^,.\n]+)/;
const koreanPersona = /^당신은 ([^,.\n]+?)(입니다|이며|,|\.)/;

/** Text of a message: the string itself, or its text parts joined. */
export function messageText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let text = '';
  for (const part of content) {
    if (part && typeof part === 'object' && typeof (part as { text?: unknown }).text === 'string') {
      text += (text ? '\n' : '') + (part as { text: string }).text;
    }
  }
  return text;
}

/** The persona name from the first line of a system prompt ("You are Nova, ..." / "당신은 노바입니다"). */
export function personaName(systemPrompt: string): string | undefined {
  const firstLine = systemPrompt.trimStart().split('\n', 1)[0] ?? '';
  const name = englishPersona.exec(firstLine)?.[1] ?? koreanPersona.exec(firstLine)?.[1];
  return name?.trim() || undefined;
}

/** Rough prompt size the way OpenAI's rule of thumb has it: about four characters per token. */
export function estimatePromptTokens(messages: readonly PromptMessage[]): number {
  let chars = 0;
  for (const m of messages) chars += messageText(m.content).length;
  return Math.ceil(chars / 4);
}

/**
 * Builds the natural reply for a conversation. The same messages and seed always give the same
 * tokens; its length falls between about 20 tokens and `maxTokens`.
 */
export function generateReply(messages: readonly PromptMessage[], seed: number, maxTokens: number): Reply {
  const system = messages.find((m) => m.role === 'system' || m.role === 'developer');
  const persona = system ? personaName(messageText(system.content)) : undefined;
  const lastUser = messages.findLast((m) => m.role === 'user');
  const userText = lastUser ? messageText(lastUser.content) : '';
  const language: ReplyLanguage = hangul.test(userText) ? 'ko' : 'en';

  let fingerprint = '';
  for (const m of messages) fingerprint += `${m.role}\u0000${messageText(m.content)}\u0001`;
  const random = createRandom(hashString(fingerprint, seed));
  const low = Math.min(minTokens, maxTokens);
  const target = low + Math.floor(random() * (maxTokens - low + 1));

  const sentences: string[] = [];
  const words = language === 'ko' ? korean : english;
  // The persona name opens the reply, so a reader (or a test) sees at once who is speaking.
  if (persona) sentences.push(language === 'ko' ? `${persona}입니다.` : `${persona} here.`);
  // "Repeat after me: …" is echoed word for word, so tests can make a reply carry exact text
  // (markup, say, to check that it is shown and never run).
  const echo = /^repeat after me:\s*(.+)$/is.exec(userText.trim());
  if (echo) sentences.push(echo[1]!);
  const topic = echo ? undefined : language === 'ko' ? koreanTopic(userText) : englishTopic(userText);
  if (topic) sentences.push(pick(random, words.reflections).replace('{x}', topic));

  const tokens: string[] = [];
  const append = (sentence: string): boolean => {
    const pieces = sentence.split(/\s+/).filter(Boolean);
    // A sentence that does not fit is dropped, unless the reply is still short: then it is cut.
    if (tokens.length >= low && tokens.length + pieces.length > maxTokens) return false;
    for (const piece of pieces) tokens.push(tokens.length === 0 ? piece : ` ${piece}`);
    return true;
  };
  for (const sentence of sentences) append(sentence);
  const sentence = language === 'ko' ? koreanSentence : englishSentence;
  while (tokens.length < target) {
    if (!append(sentence(random))) break;
  }
  return { tokens: tokens.slice(0, maxTokens), language, persona };
}

function englishSentence(random: Random): string {
  if (random() < 0.15) return pick(random, english.asides);
  const opener = random() < 0.4 ? `${pick(random, english.openers)} ` : '';
  const body = `${pick(random, english.subjects)} ${pick(random, english.verbs)} ${pick(random, english.objects)} ${pick(random, english.closers)}`;
  const text = opener + body;
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function koreanSentence(random: Random): string {
  if (random() < 0.15) return pick(random, korean.asides);
  const opener = random() < 0.4 ? `${pick(random, korean.openers)} ` : '';
  return `${opener}${pick(random, korean.subjects)} ${pick(random, korean.objects)} ${pick(random, korean.verbs)}`;
}

/** Up to three distinct content words of the user's message, as "a, b and c", names kept capitalised. */
function englishTopic(text: string): string | undefined {
  const picked = new Map<string, string>();
  for (const raw of text.split(/\s+/)) {
    const word = raw.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
    const lower = word.toLowerCase();
    if (word.length < 3 || word.length > 24 || englishStopwords.has(lower)) continue;
    if (!/^[\p{L}\p{N}'-]+$/u.test(word) || picked.has(lower)) continue;
    // A capital only at the start of the message is grammar, not a name.
    picked.set(lower, text.trimStart().startsWith(raw) && word.slice(1) === lower.slice(1) ? lower : word);
    if (picked.size === 3) break;
  }
  const list = [...picked.values()];
  if (list.length === 0) return undefined;
  return list.length === 1 ? list[0] : `${list.slice(0, -1).join(', ')} and ${list.at(-1)}`;
}

/** The first few words of a Korean message, quoted back the way people do in conversation. */
function koreanTopic(text: string): string | undefined {
  const words = text
    .replace(/["'“”‘’]/g, '')
    .split(/\s+/)
    .map((w) => w.replace(/[.!?,~…]+$/u, ''))
    .filter(Boolean)
    .slice(0, 4);
  return words.length > 0 ? words.join(' ') : undefined;
}
