import { describe, expect, it } from 'vitest';
import { noConsumerWarning, rateLimitWarnings } from './run.warnings';

describe('run warnings', () => {
  it('blame 429s on sign-in and on messages on the gateway variable that sets each limit', () => {
    const warnings = rateLimitWarnings({
      http_guest: { http_429: 12, network: 1 },
      http_send_message: { http_429: 3 },
      http_create_conversation: { http_503: 2 },
    });
    expect(warnings.map((w) => w.short)).toEqual([
      "429s are the gateway's RATE_LIMIT_AUTH_PER_MIN",
      "429s are the gateway's RATE_LIMIT_CHAT_PER_MIN",
    ]);
    expect(warnings[0]!.message).toMatch(/^12 × http_429 on http_guest: .*per client address.*default 120\)/);
    expect(warnings[1]!.message).toMatch(
      /messages a minute per user \(RATE_LIMIT_CHAT_PER_MIN, default 60\)/,
    );
  });

  it('say nothing without 429s', () => {
    expect(rateLimitWarnings({ http_guest: { http_503: 4 } })).toEqual([]);
  });

  it('name the queue nobody read and the prefix to check', () => {
    const warning = noConsumerWarning('bull:chat', 5, 6);
    expect(warning.short).toBe('no worker reads bull:chat');
    expect(warning.message).toMatch(/bull:chat at 5 of 6 checks.*--bullmq-prefix its AIRA_PREFIX/);
  });
});
