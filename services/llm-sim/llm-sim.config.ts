import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

/**
 * Runtime behaviour of the simulator. One schema is the type, the env check and the check of
 * `POST /sim/config`, so the three never drift apart.
 */
export const SimSettingsSchema = Type.Object(
  {
    /** Time from taking a generation slot to the first token. */
    ttftMs: Type.Number({ minimum: 0, maximum: 600_000 }),
    /** Time between tokens. */
    itlMs: Type.Number({ minimum: 0, maximum: 60_000 }),
    /** Each delay is scaled by a uniform factor in [1 - jitter, 1 + jitter], so the mean stays put. */
    jitter: Type.Number({ minimum: 0, maximum: 1 }),
    /** Generations running at once; more wait in a FIFO queue. */
    maxConcurrency: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
    /** Requests allowed to wait for a slot; beyond that they get 429. */
    maxQueue: Type.Integer({ minimum: 0, maximum: 10_000_000 }),
    /** Fractions of requests answered with an injected 429, 500, or a stream cut mid-way. */
    rate429: Type.Number({ minimum: 0, maximum: 1 }),
    rate500: Type.Number({ minimum: 0, maximum: 1 }),
    rateCut: Type.Number({ minimum: 0, maximum: 1 }),
    /** Seeds the fault sequence and, unless a request sends `seed`, the reply text. */
    seed: Type.Integer({ minimum: -2_147_483_648, maximum: 4_294_967_295 }),
    /** Longest natural reply in tokens; a request's max_tokens can only shorten it. */
    maxTokens: Type.Integer({ minimum: 1, maximum: 100_000 }),
    /**
     * OpenAI's rate limits: requests and tokens per minute, each a budget that refills continuously
     * over the minute; past either a request gets 429. Null is no limit.
     */
    requestsPerMinute: Type.Union([Type.Integer({ minimum: 1, maximum: 100_000_000 }), Type.Null()]),
    tokensPerMinute: Type.Union([Type.Integer({ minimum: 1, maximum: 10_000_000_000 }), Type.Null()]),
  },
  { additionalProperties: false },
);
export type SimSettings = Static<typeof SimSettingsSchema>;

export const SimSettingsPatchSchema = Type.Partial(SimSettingsSchema, { additionalProperties: false });
export type SimSettingsPatch = Static<typeof SimSettingsPatchSchema>;

export const defaultSimSettings: SimSettings = Object.freeze({
  ttftMs: 150,
  itlMs: 20,
  jitter: 0.2,
  maxConcurrency: 256,
  maxQueue: 1024,
  rate429: 0,
  rate500: 0,
  rateCut: 0,
  seed: 42,
  maxTokens: 120,
  requestsPerMinute: null,
  tokensPerMinute: null,
});

/** Returns a readable reason per bad field, empty when the patch is valid. */
export function checkSettingsPatch(patch: unknown): string[] {
  return [...Value.Errors(SimSettingsPatchSchema, patch)].map((e) =>
    e.path ? `${e.path.slice(1)}: ${e.message}` : e.message,
  );
}

export interface LlmSimEnv {
  port: number;
  host: string;
  /** When set, every request must carry `Authorization: Bearer <apiKey>`. */
  apiKey: string | undefined;
  /** The model `GET /v1/models` lists first. */
  model: string;
  settings: SimSettings;
}

const PortSchema = Type.Integer({ minimum: 0, maximum: 65_535 });

// Each variable sets the setting of the same meaning documented on SimSettingsSchema.
const settingsEnv = {
  LLM_SIM_TTFT_MS: 'ttftMs',
  LLM_SIM_ITL_MS: 'itlMs',
  LLM_SIM_JITTER: 'jitter',
  LLM_SIM_MAX_CONCURRENCY: 'maxConcurrency',
  LLM_SIM_MAX_QUEUE: 'maxQueue',
  LLM_SIM_RATE_429: 'rate429',
  LLM_SIM_RATE_500: 'rate500',
  LLM_SIM_RATE_CUT: 'rateCut',
  LLM_SIM_SEED: 'seed',
  LLM_SIM_MAX_TOKENS: 'maxTokens',
  LLM_SIM_RPM: 'requestsPerMinute',
  LLM_SIM_TPM: 'tokensPerMinute',
} as const satisfies Record<string, keyof SimSettings>;

function parseNumber(name: string, raw: string, schema: TSchema): number {
  const value = raw.trim() === '' ? Number.NaN : Number(raw);
  if (!Number.isFinite(value)) throw new Error(`${name} must be a number, got "${raw}"`);
  const error = Value.Errors(schema, value).First();
  if (error) throw new Error(`${name}=${raw} is invalid: ${error.message}`);
  return value;
}

/** Reads the process environment once; throws an error naming the first bad variable. */
export function loadLlmSimEnv(env: NodeJS.ProcessEnv): Readonly<LlmSimEnv> {
  const settings: SimSettings = { ...defaultSimSettings };
  for (const [name, key] of Object.entries(settingsEnv)) {
    const raw = env[name];
    if (raw !== undefined) settings[key] = parseNumber(name, raw, SimSettingsSchema.properties[key]);
  }
  // LLM_SIM_PORT: where to listen (0 picks a free port); LLM_SIM_HOST: interface, loopback by default.
  const port =
    env.LLM_SIM_PORT === undefined ? 8090 : parseNumber('LLM_SIM_PORT', env.LLM_SIM_PORT, PortSchema);
  const host = env.LLM_SIM_HOST?.trim() || '127.0.0.1';
  // LLM_SIM_MODEL: the model listed first; any requested model name is served too.
  const model = env.LLM_SIM_MODEL?.trim() || 'aira-sim';
  // LLM_SIM_API_KEY: when set, requests without this bearer token get 401.
  const apiKey = env.LLM_SIM_API_KEY || undefined;
  return Object.freeze({ port, host, apiKey, model, settings: Object.freeze(settings) });
}
