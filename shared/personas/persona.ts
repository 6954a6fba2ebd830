import type { Lang } from '../jobs/chat.job';

export type Localized = Readonly<Record<Lang, string>>;

/** A chatbot type: how Aira speaks to a person. */
export interface Persona {
  readonly id: string;
  readonly name: Localized;
  readonly description: Localized;
  readonly greeting: Localized;
  /** Style instructions appended to the system prompt, per language. */
  readonly style: Localized;
}

/**
 * The system prompt the chat worker sends. It opens with the persona's name ("You are X" /
 * "당신은 X입니다") so the model (and the simulator) speaks as that persona.
 */
export function systemPrompt(persona: Persona, lang: Lang): string {
  return lang === 'ko'
    ? `당신은 ${persona.name.ko}입니다. Aira의 대화 상대로서 한국어로 답합니다. ${persona.style.ko}`
    : `You are ${persona.name.en}, a conversation partner on Aira. Answer in English. ${persona.style.en}`;
}
