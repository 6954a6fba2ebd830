import type { ProviderState } from '../../shared/provider/provider.budget';
import type { Decision, ScalingInput } from '../../shared/scaling/policy';

/** What an operator sees of the LLM provider's budget in the chat fleet's status. */
export interface ProviderView {
  /** True while the provider, not the fleet, is the limit: calls wait for budget, or a 429 paused them. */
  readonly limiting: boolean;
  /** One sentence: what limits the replies now. */
  readonly reason: string;
  readonly requestsPerMinute: number | null;
  readonly tokensPerMinute: number | null;
  readonly requestsLeft: number | null;
  readonly tokensLeft: number | null;
  /** Calls running at the provider, and calls waiting for its budget, fleet-wide. */
  readonly inFlight: number;
  readonly waiting: number;
  /** Until when a 429 pauses every worker (ISO time); null when not paused. */
  readonly pausedUntil: string | null;
}

/** The policy's `provider` input, once the provider's headers have told its limits. */
export function providerInput(state: ProviderState): Pick<ScalingInput, 'provider'> | undefined {
  const { requestsPerMinute, tokensPerMinute } = state;
  if (requestsPerMinute === null && tokensPerMinute === null) return undefined;
  return {
    provider: {
      // An unstated limit never binds.
      requestsPerMinute: requestsPerMinute ?? Number.MAX_SAFE_INTEGER,
      tokensPerMinute: tokensPerMinute ?? Number.MAX_SAFE_INTEGER,
      tokensPerJob: state.tokensPerCall ?? 0,
      // A pause holds calls back as surely as a spent budget.
      waiting: state.waiting + (state.pausedUntil !== null ? 1 : 0),
    },
  };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function limitsText(state: ProviderState): string {
  const parts: string[] = [];
  if (state.requestsPerMinute !== null)
    parts.push(`${state.requestsPerMinute} requests/min, ${state.requestsLeft ?? 0} left`);
  if (state.tokensPerMinute !== null)
    parts.push(`${state.tokensPerMinute} tokens/min, ${state.tokensLeft ?? 0} left`);
  return parts.join('; ');
}

/** The provider's part of the fleet's status, with the decision's words when the budget capped it. */
export function viewProvider(state: ProviderState, decision: Decision): ProviderView {
  const paused = state.pausedUntil !== null;
  const limiting = state.waiting > 0 || paused;
  const limits = limitsText(state);
  const capped = /provider budget: [^:;]*(; [^:]*already uses? it)?/.exec(decision.reason)?.[0];
  let reason: string;
  if (paused) {
    reason = `a 429 paused every worker until ${new Date(state.pausedUntil!).toISOString()}`;
  } else if (state.waiting > 0) {
    reason = `${plural(state.waiting, 'call')} waiting for the provider's budget (${limits})`;
  } else if (limits) {
    reason = `the provider's budget has room (${limits})`;
  } else {
    reason = 'the provider has stated no limits yet';
  }
  if (limiting && capped) reason += `; ${capped}`;
  return {
    limiting,
    reason: `${reason.charAt(0).toUpperCase()}${reason.slice(1)}.`,
    requestsPerMinute: state.requestsPerMinute,
    tokensPerMinute: state.tokensPerMinute,
    requestsLeft: state.requestsLeft,
    tokensLeft: state.tokensLeft,
    inFlight: state.inFlight,
    waiting: state.waiting,
    pausedUntil: paused ? new Date(state.pausedUntil!).toISOString() : null,
  };
}
