import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GatewayEnv } from '../../services/gateway/gateway.config';
import { aChatJob, aChatTurn as turn } from '../../test/harness/jobs';
import { assertPayload, catalog, chatJobOf, PayloadError } from './catalog';

describe('the job catalog', () => {
  it('makes a chat job whose id is its dedupe key, with the queue’s options', () => {
    const chat = aChatJob();
    const queued = chatJobOf(chat);
    expect(queued).toEqual({
      name: catalog.chat.jobName,
      data: chat,
      opts: { ...catalog.chat.options, jobId: chat.replyId },
    });
  });

  it('refuses a payload its schema refuses, at either end, naming what is wrong', () => {
    expect(() => chatJobOf({ ...aChatJob(), replyId: 'not-a-uuid' })).toThrow(PayloadError);
    expect(() => assertPayload('chat', { ...aChatJob(), content: '' })).toThrow(/content/);
    expect(() => assertPayload('writes', { kind: 'chat.turn' })).toThrow(/invalid writes payload/);
    expect(() => assertPayload('writes', turn('fine'))).not.toThrow();
  });

  it('trusts the gateway’s limit: a message of the most code points it may accept passes both queues', () => {
    const most = GatewayEnv.properties.MESSAGE_MAX_CHARS.maximum as number;
    const emoji = '😀'.repeat(most);
    expect(() => assertPayload('chat', aChatJob({ content: emoji }))).not.toThrow();
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
