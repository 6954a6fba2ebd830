import { describe, expect, it } from 'vitest';
import { runProviderScenario } from './harness/provider.scenario';

/**
 * The LLM provider as the limit, end to end on `npm start` compiled: the simulator allows 120
 * requests a minute and 160 chats arrive at once, so the last 40 wait for the budget to refill (one
 * every 0.5 s). The same at 20 requests a minute and 40 chats (two minutes) is the provider-limit
 * benchmark (`npm run bench -- provider-limit`, docs/BENCHMARKS.md).
 */
describe('a chat fleet within the provider budget', () => {
  it('ends every reply in done, answers no more 429s than replies, and shows the provider as the limit', async () => {
    const result = await runProviderScenario({ rpm: 120, chats: 160 });
    expect(result.ended).toEqual({ done: 160 });
    expect(result.sim429).toBeLessThanOrEqual(160);
    expect(result.simByStatus['200']).toBe(160);
    // 40 calls past a full minute's budget at 2 a second: the last one waited about 20 s for it.
    expect(result.providerWait.maxMs).toBeGreaterThan(12_000);
    expect(result.seconds).toBeGreaterThan(15);
    expect(result.opsLimiting).toBeGreaterThan(0);
    expect(result.limitingReason).toMatch(/waiting for the provider's budget \(120 requests\/min/);
    console.info(JSON.stringify(result, null, 2));
  }, 300_000);
});
