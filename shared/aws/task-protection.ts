/**
 * ECS task scale-in protection for workers. While a task holds at least one job it asks the ECS
 * agent to protect it, so a scale-in (or a deployment) stops an idle task instead of one that is
 * half-way through an LLM call or a write batch. Outside ECS (`ECS_AGENT_URI` unset) every call
 * is a no-op.
 *
 * Protection is best-effort: a failing agent call is logged and never fails the job. The agent
 * forwards each change to the ECS API, which is rate limited, so the state only flips on
 * idle → busy and busy → idle (after a short linger), not once per job.
 */

export interface TaskProtectionLog {
  warn(obj: object, msg: string): void;
}

export interface TaskProtectionDeps {
  /** `ECS_AGENT_URI`, injected into every container by the ECS agent; unset outside ECS. */
  readonly agentUri: string | undefined;
  /** How long one protection lasts if never renewed or dropped (ECS allows 1–2880 minutes). */
  readonly expiresInMinutes?: number;
  /** How long to stay protected after the last job ends, so a busy worker does not flip per job. */
  readonly lingerMs?: number;
  /** Time allowed for one agent call. */
  readonly timeoutMs?: number;
  readonly log?: TaskProtectionLog;
  readonly fetch?: typeof fetch;
  readonly now?: () => number;
}

export interface TaskProtection {
  /** Marks one job as held (protecting the task if it was idle); call the result when it ends. */
  hold(): Promise<() => Promise<void>>;
  /** Drops protection now, whatever is held; safe to call twice. Used on shutdown. */
  close(): Promise<void>;
}

export interface ProtectionState {
  readonly enabled: boolean;
  readonly expiresInMinutes?: number;
}

/** The agent's path for reading and setting the task's protection. */
export function taskProtectionUrl(agentUri: string): string {
  return `${agentUri.replace(/\/+$/, '')}/task-protection/v1/state`;
}

/** One PUT to the agent endpoint; throws with the agent's reason if ECS refused the change. */
export async function putTaskProtection(
  agentUri: string,
  state: ProtectionState,
  options: { fetch?: typeof fetch; timeoutMs?: number } = {},
): Promise<void> {
  const doFetch = options.fetch ?? fetch;
  const body: Record<string, unknown> = { ProtectionEnabled: state.enabled };
  if (state.enabled && state.expiresInMinutes !== undefined) body.ExpiresInMinutes = state.expiresInMinutes;
  const res = await doFetch(taskProtectionUrl(agentUri), {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(options.timeoutMs ?? 3_000),
  });
  const text = await res.text();
  // The agent answers 200 with { protection } on success and { failure } or { error } otherwise,
  // sometimes with a 200 status, so the body decides.
  const parsed = parseJson(text);
  const problem = parsed?.failure ?? parsed?.error;
  if (!res.ok || problem) {
    throw new Error(`task protection ${state.enabled ? 'enable' : 'disable'} failed: ${res.status} ${text}`);
  }
}

export function createTaskProtection(deps: TaskProtectionDeps): TaskProtection {
  const { agentUri } = deps;
  if (!agentUri) return { hold: async () => async () => {}, close: async () => {} };

  const expiresInMinutes = deps.expiresInMinutes ?? 60;
  const lingerMs = deps.lingerMs ?? 5_000;
  const now = deps.now ?? Date.now;
  let held = 0;
  let protectedUntil = 0; // 0 = not protected, as far as this process knows
  let lingerTimer: NodeJS.Timeout | undefined;
  // Agent calls run one after another so an enable never overtakes the disable before it.
  let chain: Promise<void> = Promise.resolve();

  // The state is recorded when a call is queued, not when it lands, so holds that arrive while an
  // enable is in flight do not queue another one.
  const put = (enabled: boolean): Promise<void> => {
    protectedUntil = enabled ? now() + expiresInMinutes * 60_000 : 0;
    chain = chain.then(async () => {
      try {
        await putTaskProtection(agentUri, { enabled, expiresInMinutes }, deps);
      } catch (err) {
        if (enabled) protectedUntil = 0; // so the next hold tries again
        deps.log?.warn({ err, enabled }, 'task scale-in protection call failed');
      }
    });
    return chain;
  };

  const release = async (): Promise<void> => {
    held -= 1;
    if (held > 0) return;
    if (lingerMs === 0) return put(false);
    lingerTimer = setTimeout(() => {
      lingerTimer = undefined;
      if (held === 0 && protectedUntil !== 0) void put(false);
    }, lingerMs);
    lingerTimer.unref();
  };

  return {
    async hold() {
      held += 1;
      if (lingerTimer) {
        clearTimeout(lingerTimer);
        lingerTimer = undefined;
      }
      // Renew once half the protection has run out, so a task that is never idle stays protected.
      if (protectedUntil - now() < (expiresInMinutes * 60_000) / 2) void put(true);
      // Wait for any enable in flight, so the job starts on a protected task.
      await chain;
      let released = false;
      return async () => {
        if (released) return;
        released = true;
        await release();
      };
    },
    async close() {
      if (lingerTimer) clearTimeout(lingerTimer);
      lingerTimer = undefined;
      held = 0;
      if (protectedUntil !== 0) await put(false);
      await chain;
    },
  };
}

/** `handle`, with the task protected for as long as each call runs. */
export function protectedWhile<A extends unknown[], R>(
  protection: TaskProtection,
  handle: (...args: A) => Promise<R>,
): (...args: A) => Promise<R> {
  return async (...args) => {
    const release = await protection.hold();
    try {
      return await handle(...args);
    } finally {
      await release();
    }
  };
}

function parseJson(text: string): { failure?: unknown; error?: unknown } | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? value : undefined;
  } catch {
    return undefined;
  }
}
