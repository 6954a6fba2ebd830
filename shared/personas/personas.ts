import type { Persona } from './persona';
import { surveyPersonas } from './survey-personas';

/** Used until a person has taken the survey. */
export const defaultPersona: Persona = {
  id: 'companion',
  name: { ko: '아이라', en: 'Aira' },
  description: {
    ko: '차분하고 균형 잡힌 기본 대화 상대입니다.',
    en: 'A calm, balanced companion for anyone who has not taken the survey yet.',
  },
  greeting: {
    ko: '안녕하세요, 아이라예요. 무엇이든 이야기해 주세요.',
    en: "Hi, I'm Aira. Tell me anything.",
  },
  style: {
    ko: '따뜻하지만 간결하게, 질문에 먼저 답하고 필요하면 되묻습니다.',
    en: 'Be warm but concise: answer first, then ask back when it helps.',
  },
};

/** Every persona a conversation may speak in. Ids are stored on users and conversations: never reuse one. */
export const personas: readonly Persona[] = [defaultPersona, ...surveyPersonas];

const byId = new Map(personas.map((p) => [p.id, p]));

/** The persona with this id; an unknown id (say, one retired since) falls back to the default. */
export function personaById(id: string | null | undefined): Persona {
  return (id && byId.get(id)) || defaultPersona;
}
