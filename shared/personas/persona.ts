import type { Lang } from '../jobs/chat.job';
import type { AxisId } from '../survey/axes';

export type Localized = Readonly<Record<Lang, string>>;

/** A chatbot type: how Aira speaks to a person. */
export interface Persona {
  readonly id: string;
  readonly name: Localized;
  readonly description: Localized;
  readonly greeting: Localized;
  /** Style instructions appended to the system prompt, per language. */
  readonly style: Localized;
  /** Where this type sits on each survey axis, in [-1, 1]; absent for types the survey never picks. */
  readonly axes?: Readonly<Record<AxisId, number>>;
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

/** What a person is shown of a persona, in one language (the shape of `PersonaSummary`). */
export function localizedPersona(persona: Persona, lang: Lang) {
  return {
    id: persona.id,
    name: persona.name[lang],
    description: persona.description[lang],
    greeting: persona.greeting[lang],
  };
}
