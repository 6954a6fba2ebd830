import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GatewayEnv } from '../../services/gateway/gateway.config';
import { assertPayload, catalog, chatJobOf, PayloadError } from './catalog';
import type { ChatJob } from './chat.job';
import type { WriteOf } from './writes.messages';

const job = (content = 'hello'): ChatJob => ({
  v: 1,
  replyId: randomUUID(),
  userMessageId: randomUUID(),
  conversationId: randomUUID(),
  userId: randomUUID(),
  personaId: 'sage',
  lang: 'en',
  content,
  enqueuedAt: Date.now(),
});

const turn = (content: string): WriteOf<'chat.turn'> => ({
  v: 1,
  kind: 'chat.turn',
  userId: randomUUID(),
  conversationId: randomUUID(),
  replyId: randomUUID(),
  user: { id: randomUUID(), content, at: 1 },
  assistant: { content: 'hi', status: 'complete', finishReason: 'stop', usage: null, at: 2 },
});

describe('the job catalog', () => {
  it('makes a chat job whose id is its dedupe key, with the queue’s options', () => {
    const chat = job();
    const queued = chatJobOf(chat);
    expect(queued).toEqual({
      name: catalog.chat.jobName,
      data: chat,
      opts: { ...catalog.chat.options, jobId: chat.replyId },
    });
  });

  it('refuses a payload its schema refuses, at either end, naming what is wrong', () => {
    expect(() => chatJobOf({ ...job(), replyId: 'not-a-uuid' })).toThrow(PayloadError);
    expect(() => assertPayload('chat', { ...job(), content: '' })).toThrow(/content/);
    expect(() => assertPayload('writes', { kind: 'chat.turn' })).toThrow(/invalid writes payload/);
    expect(() => assertPayload('writes', turn('fine'))).not.toThrow();
  });

  it('trusts the gateway’s limit: a message of the most code points it may accept passes both queues', () => {
    const most = GatewayEnv.properties.MESSAGE_MAX_CHARS.maximum as number;
    const emoji = '😀'.repeat(most);
    expect(() => assertPayload('chat', job(emoji))).not.toThrow();
    expect(() => assertPayload('writes', turn(emoji))).not.toThrow();
  });

  it('keys a write by its user (group) and by what it is (dedupe)', () => {
    const write = turn('x');
    expect(catalog.writes.groupKey(write)).toBe(write.userId);
    expect(catalog.writes.dedupeKey(write)).toBe(`turn:${write.replyId}`);
    expect(catalog.writes.dedupeKey({ ...write, replyId: randomUUID() })).not.toBe(
      catalog.writes.dedupeKey(write),
    );
    expect(catalog.writes.deadLetter.name).toBe('aira-writes-dlq.fifo');
  });
});
