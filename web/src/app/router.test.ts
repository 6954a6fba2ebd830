import { describe, expect, it } from 'vitest';
import { parseRoute, routeHref } from './router';

describe('hash routes', () => {
  it('reads every route the app links to', () => {
    expect(parseRoute('')).toEqual({ name: 'home' });
    expect(parseRoute('#/')).toEqual({ name: 'home' });
    expect(parseRoute('#/login')).toEqual({ name: 'login' });
    expect(parseRoute('#/survey')).toEqual({ name: 'survey', question: null });
    expect(parseRoute('#/survey/3')).toEqual({ name: 'survey', question: 3 });
    expect(parseRoute('#/result')).toEqual({ name: 'result' });
    expect(parseRoute('#/chat')).toEqual({ name: 'chat', conversationId: null });
    expect(parseRoute('#/chat/c%2F1')).toEqual({ name: 'chat', conversationId: 'c/1' });
    expect(parseRoute('#/chat/new')).toEqual({ name: 'newChat' });
  });

  it('turns anything else into not-found rather than guessing', () => {
    expect(parseRoute('#/survey/0')).toEqual({ name: 'notFound' });
    expect(parseRoute('#/survey/two')).toEqual({ name: 'notFound' });
    expect(parseRoute('#/result/extra')).toEqual({ name: 'notFound' });
    expect(parseRoute('#/chat/a/b')).toEqual({ name: 'notFound' });
    expect(parseRoute('#/admin')).toEqual({ name: 'notFound' });
  });

  it('writes links that read back as the same route', () => {
    for (const route of [
      { name: 'survey', question: 4 },
      { name: 'survey', question: null },
      { name: 'chat', conversationId: 'a b/c' },
      { name: 'chat', conversationId: null },
      { name: 'newChat' },
      { name: 'signup' },
    ] as const) {
      expect(parseRoute(routeHref(route))).toEqual(route);
    }
  });
});
