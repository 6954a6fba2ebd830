import OpenAI from 'openai';
import type { ProviderBudget } from '../../shared/provider/provider.budget';
import type { Logger } from '../../shared/telemetry/logger';

export interface BudgetedCall {
  response: Response;
  /** Time spent waiting for the shared budget (and out 429 pauses) before the call that answered. */
  waitedMs: number;
  /** 429s this reply's calls got on the way. */
  refusals: number;
}

/**
 * Makes one LLM call within the fleet's shared budget: waits for its share, calls, and feeds the
 * answer's rate-limit headers back. A 429 pauses every worker until the provider's reset and this
 * call waits its turn again (the reply has streamed nothing yet, so nothing is lost); after
 * `maxRefusals` of them the error goes to the job's own retries. The call stays counted as running
 * until `budget.release(id)`, once its stream has ended.
 */
export async function callWithinBudget(
  deps: { budget: ProviderBudget; log: Logger; maxRefusals: number },
  id: string,
  tokens: number,
  signal: AbortSignal,
  call: () => Promise<Response>,
): Promise<BudgetedCall> {
  let waitedMs = 0;
  for (let refusals = 0; ; refusals++) {
    const waitStart = Date.now();
    await deps.budget.acquire(id, tokens, signal);
    waitedMs += Date.now() - waitStart;
    try {
      const response = await call();
      // Not awaited: the tokens need not wait for the books.
      deps.budget.observed(id, response.headers).catch((error) => {
        deps.log.warn({ err: error, replyId: id }, 'could not record the provider budget');
      });
      return { response, waitedMs, refusals };
    } catch (error) {
      // The call is over either way: it waits its turn again, or the job's retry takes over.
      await deps.budget.release(id).catch(() => undefined);
      if (!(error instanceof OpenAI.APIError)) throw error;
      if (error.status !== 429) {
        await deps.budget.observed(id, error.headers, false).catch(() => undefined);
        throw error;
      }
      const pauseMs = await deps.budget.refused(id, error.headers);
      deps.log.warn({ replyId: id, pauseMs, refusals: refusals + 1 }, 'provider said 429; the fleet pauses');
      if (refusals >= deps.maxRefusals) throw error;
    }
  }
}
