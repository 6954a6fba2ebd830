import { describe, expect, it } from 'vitest';
import { personaName } from '../../services/llm-sim/reply.generator';
import { axisIds } from '../survey/axes';
import { localizedPersona, systemPrompt } from './persona';
import { defaultPersona, personaById, personas } from './personas';
import { surveyPersonas } from './survey-personas';

const langs = ['ko', 'en'] as const;

describe('personas', () => {
  it('keeps the default companion and at least eight survey types', () => {
    expect(defaultPersona.id).toBe('companion');
    expect(personas[0]).toBe(defaultPersona);
    expect(surveyPersonas.length).toBeGreaterThanOrEqual(8);
    expect(personas).toEqual([defaultPersona, ...surveyPersonas]);
  });

  it('has unique, lowercase ids that fit the stored column (40 chars)', () => {
    const ids = personas.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) {
      expect(id).toMatch(/^[a-z][a-z0-9-]*$/);
      expect(id.length).toBeLessThanOrEqual(40);
    }
  });

  it('has unique names in each language, short and free of commas and periods', () => {
    for (const lang of langs) {
      const names = personas.map((p) => p.name[lang]);
      expect(new Set(names).size).toBe(names.length);
      for (const name of names) {
        expect(name.split(' ').length).toBeLessThanOrEqual(3);
        expect(name).not.toMatch(/[,.\n]|입니다|이며/);
      }
    }
  });

  it('has every text in both languages, non-empty, and Korean in Korean', () => {
    for (const p of personas) {
      for (const field of [p.name, p.description, p.greeting, p.style]) {
        for (const lang of langs) expect(field[lang].trim()).not.toBe('');
        expect(field.ko).toMatch(/[가-힣]/);
      }
    }
  });

  it('places every survey type on every axis within [-1, 1], each at a distinct prototype', () => {
    const corners = new Set<string>();
    for (const p of surveyPersonas) {
      expect(p.axes).toBeDefined();
      expect(Object.keys(p.axes!).sort()).toEqual([...axisIds].sort());
      for (const axis of axisIds) {
        expect(p.axes![axis]).toBeGreaterThanOrEqual(-1);
        expect(p.axes![axis]).toBeLessThanOrEqual(1);
      }
      corners.add(axisIds.map((axis) => p.axes![axis]).join());
    }
    expect(corners.size).toBe(surveyPersonas.length);
    // The default is never a survey result.
    expect(defaultPersona.axes).toBeUndefined();
  });

  it('finds a persona by id and falls back to the default for unknown or missing ids', () => {
    for (const p of personas) expect(personaById(p.id)).toBe(p);
    expect(personaById('retired-type')).toBe(defaultPersona);
    expect(personaById(null)).toBe(defaultPersona);
    expect(personaById(undefined)).toBe(defaultPersona);
  });
});

describe('systemPrompt', () => {
  it.each(personas.map((p) => [p.id, p] as const))('opens with the name of %s', (_id, persona) => {
    const en = systemPrompt(persona, 'en');
    const ko = systemPrompt(persona, 'ko');
    expect(en.startsWith(`You are ${persona.name.en}`)).toBe(true);
    expect(ko.startsWith(`당신은 ${persona.name.ko}입니다`)).toBe(true);
    expect(en).toContain(persona.style.en);
    expect(ko).toContain(persona.style.ko);
    // The simulator reads the name back from the prompt; it must get exactly the name.
    expect(personaName(en)).toBe(persona.name.en);
    expect(personaName(ko)).toBe(persona.name.ko);
  });
});

describe('localizedPersona', () => {
  it('shows one language and nothing of the prompt or axes', () => {
    const owl = personaById('wise-owl');
    expect(localizedPersona(owl, 'ko')).toEqual({
      id: 'wise-owl',
      name: '지혜로운 부엉이',
      description: owl.description.ko,
      greeting: owl.greeting.ko,
    });
    expect(localizedPersona(owl, 'en').name).toBe('Wise Owl');
  });
});
