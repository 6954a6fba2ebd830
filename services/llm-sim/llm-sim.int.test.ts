import OpenAI, {
  APIConnectionError,
  AuthenticationError,
  BadRequestError,
  InternalServerError,
  RateLimitError,
} from 'openai';
import type { ChatCompletionChunk, ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { afterEach, describe, expect, it } from 'vitest';
import { createLlmSim, type LlmSim, type LlmSimOptions } from './llm-sim.app';
import { generateReply } from './reply.generator';

const messages: ChatCompletionMessageParam[] = [
  { role: 'system', content: 'You are Nova, a cheerful travel guide.\nKeep it short.' },
  { role: 'user', content: 'Help me plan a weekend in Busan.' },
];
const fast = { ttftMs: 5, itlMs: 1, jitter: 0 };

const running: LlmSim[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((sim) => sim.close()));
});

async function start(options: LlmSimOptions = { settings: fast }) {
  const sim = createLlmSim(options);
  running.push(sim);
  const { url, baseURL } = await sim.listen(0);
  const client = new OpenAI({ apiKey: options.apiKey ?? 'unused', baseURL, maxRetries: 0 });
  return { sim, url, baseURL, client };
}

async function collect(stream: AsyncIterable<ChatCompletionChunk>) {
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

const contentOf = (chunks: ChatCompletionChunk[]) =>
  chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
const waitFor = async (check: () => boolean, timeoutMs = 2000) => {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('llm-sim with the openai client', () => {
  it('streams a role delta, one token per chunk, a finish chunk, usage, and [DONE]', async () => {
    const { client, baseURL, sim } = await start();
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = await collect(stream);
    const tokens = chunks.filter((c) => c.choices[0]?.delta.content);
    const expected = generateReply(messages, 42, 120).tokens;

    expect(chunks[0]!.choices[0]!.delta).toMatchObject({ role: 'assistant', content: '' });
    expect(chunks.every((c) => c.object === 'chat.completion.chunk' && c.model === 'gpt-4o-mini')).toBe(true);
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    expect(tokens.map((c) => c.choices[0]!.delta.content)).toEqual(expected);
    expect(contentOf(chunks).startsWith('Nova here.')).toBe(true);
    expect(chunks.at(-2)!.choices[0]).toMatchObject({ delta: {}, finish_reason: 'stop' });
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    const promptChars = messages.reduce((n, m) => n + String(m.content).length, 0);
    expect(last.usage).toMatchObject({
      prompt_tokens: Math.ceil(promptChars / 4),
      completion_tokens: expected.length,
      total_tokens: Math.ceil(promptChars / 4) + expected.length,
    });

    const raw = await fetch(`${baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', messages, stream: true }),
    });
    expect(raw.headers.get('content-type')).toContain('text/event-stream');
    const text = await raw.text();
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(text).not.toContain('"usage"');
    expect(sim.stats()).toMatchObject({ requests: 2, completed: 2, active: 0, aborted: 0 });
  });

  it('answers without streaming with the same deterministic text and usage', async () => {
    const { client } = await start();
    const completion = await client.chat.completions.create({ model: 'aira-sim', messages });
    const again = await client.chat.completions.create({ model: 'aira-sim', messages });
    const seeded = await client.chat.completions.create({ model: 'aira-sim', messages, seed: 7 });
    const expected = generateReply(messages, 42, 120).tokens;

    expect(completion.object).toBe('chat.completion');
    expect(completion.choices[0]!.message).toMatchObject({ role: 'assistant', content: expected.join('') });
    expect(completion.choices[0]!.finish_reason).toBe('stop');
    expect(completion.usage?.completion_tokens).toBe(expected.length);
    expect(again.choices[0]!.message.content).toBe(completion.choices[0]!.message.content);
    expect(seeded.choices[0]!.message.content).toBe(generateReply(messages, 7, 120).tokens.join(''));
  });

  it('stops at max_tokens or max_completion_tokens with finish_reason length', async () => {
    const { client } = await start();
    const short = await client.chat.completions.create({ model: 'm', messages, max_tokens: 3 });
    expect(short.choices[0]!.finish_reason).toBe('length');
    expect(short.usage?.completion_tokens).toBe(3);
    expect(short.choices[0]!.message.content).toBe(
      generateReply(messages, 42, 120).tokens.slice(0, 3).join(''),
    );

    const stream = await client.chat.completions.create({
      model: 'm',
      messages,
      stream: true,
      max_completion_tokens: 4,
    });
    const chunks = await collect(stream);
    expect(chunks.filter((c) => c.choices[0]?.delta.content)).toHaveLength(4);
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe('length');
  });

  it('injects a 429 with retry-after, forced by header or by rate', async () => {
    const { client, sim } = await start();
    const forced = await client.chat.completions
      .create({ model: 'm', messages }, { headers: { 'x-sim-fault': '429' } })
      .catch((e: unknown) => e);
    expect(forced).toBeInstanceOf(RateLimitError);
    expect((forced as RateLimitError).headers.get('retry-after')).toBe('1');
    expect((forced as RateLimitError).code).toBe('rate_limit_exceeded');

    sim.setConfig({ rate429: 1 });
    await expect(client.chat.completions.create({ model: 'm', messages })).rejects.toBeInstanceOf(
      RateLimitError,
    );
    expect(sim.stats().faults.http429).toBe(2);
  });

  it('injects a 500', async () => {
    const { client, sim } = await start();
    const call = client.chat.completions.create(
      { model: 'm', messages },
      { headers: { 'x-sim-fault': '500' } },
    );
    await expect(call).rejects.toBeInstanceOf(InternalServerError);
    expect(sim.stats().faults.http500).toBe(1);
  });

  it('cuts a stream mid-way: some tokens, then the connection drops without [DONE]', async () => {
    const { client, sim } = await start();
    const stream = await client.chat.completions.create(
      { model: 'm', messages, stream: true },
      { headers: { 'x-sim-fault': 'cut' } },
    );
    const received: string[] = [];
    const consumed = (async () => {
      for await (const chunk of stream) received.push(chunk.choices[0]?.delta.content ?? '');
    })();
    await expect(consumed).rejects.toThrow();
    const full = generateReply(messages, 42, 120).tokens;
    expect(received.join('').length).toBeGreaterThan(0);
    expect(received.filter(Boolean).length).toBe(Math.ceil(full.length / 2));
    expect(sim.stats()).toMatchObject({ faults: { cut: 1 }, active: 0, completed: 0 });

    const plain = client.chat.completions.create(
      { model: 'm', messages },
      { headers: { 'x-sim-fault': 'cut' } },
    );
    await expect(plain).rejects.toBeInstanceOf(APIConnectionError);
  });

  it('repeats the same fault sequence for the same seed', async () => {
    const { client, sim } = await start();
    const outcomes = async () => {
      const results: string[] = [];
      for (let i = 0; i < 12; i++) {
        const result = await client.chat.completions.create({ model: 'm', messages, max_tokens: 1 }).then(
          () => 'ok',
          (e: unknown) =>
            e instanceof RateLimitError ? '429' : e instanceof InternalServerError ? '500' : 'other',
        );
        results.push(result);
      }
      return results;
    };
    sim.setConfig({ rate429: 0.3, rate500: 0.3, seed: 5 });
    const first = await outcomes();
    sim.setConfig({ seed: 5 });
    expect(await outcomes()).toEqual(first);
    expect(first).toContain('ok');
    expect(first.some((o) => o !== 'ok')).toBe(true);
  });

  it('serializes generations with a concurrency cap of 1 and queues the rest', async () => {
    const { client, sim } = await start({ settings: { ttftMs: 80, itlMs: 2, jitter: 0, maxConcurrency: 1 } });
    const t0 = performance.now();
    const timed = async () => {
      const stream = await client.chat.completions.create({
        model: 'm',
        messages,
        stream: true,
        max_tokens: 5,
      });
      let firstToken = 0;
      for await (const chunk of stream) {
        if (!firstToken && chunk.choices[0]?.delta.content) firstToken = performance.now() - t0;
      }
      return { firstToken, done: performance.now() - t0 };
    };
    const both = Promise.all([timed(), timed()]);
    await waitFor(() => sim.stats().queued === 1);
    expect(sim.stats().active).toBe(1);
    const [a, b] = (await both).sort((x, y) => x.firstToken - y.firstToken);
    expect(a!.firstToken).toBeGreaterThanOrEqual(80);
    // The second only starts its time to first token once the first has sent all 5 tokens:
    // 80 ms + 4 × 2 ms, then its own 80 ms. Run in parallel, it would arrive near 80 ms.
    expect(b!.firstToken).toBeGreaterThanOrEqual(80 + 4 * 2 + 80);
    expect(b!.firstToken).toBeGreaterThan(a!.done);
    expect(sim.stats()).toMatchObject({ completed: 2, active: 0, queued: 0 });
  });

  it('answers 429 when the waiting queue is full', async () => {
    const { client, sim } = await start({
      settings: { ttftMs: 200, itlMs: 0, maxConcurrency: 1, maxQueue: 0 },
    });
    const first = client.chat.completions.create({ model: 'm', messages });
    await waitFor(() => sim.stats().active === 1);
    await expect(client.chat.completions.create({ model: 'm', messages })).rejects.toBeInstanceOf(
      RateLimitError,
    );
    await first;
    expect(sim.stats()).toMatchObject({ queueFull: 1, completed: 1 });
  });

  it('stops generating and frees the slot as soon as the client aborts', async () => {
    const { client, sim } = await start({
      settings: { ttftMs: 5, itlMs: 100, jitter: 0, maxConcurrency: 1 },
    });
    const controller = new AbortController();
    const stream = await client.chat.completions.create(
      { model: 'm', messages, stream: true },
      { signal: controller.signal },
    );
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) break;
    }
    controller.abort();
    await waitFor(() => sim.stats().aborted === 1);
    expect(sim.stats()).toMatchObject({ active: 0, completed: 0 });
    expect(sim.stats().completionTokens).toBeLessThanOrEqual(2);

    // The only slot is free again: the next request starts at once instead of after ~10 s of tokens.
    const t0 = performance.now();
    const next = await client.chat.completions.create(
      { model: 'm', messages, max_tokens: 2 },
      { headers: { 'x-sim-itl-ms': '1' } },
    );
    expect(next.choices[0]!.finish_reason).toBe('length');
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it('drops a queued request whose client gives up, without running it', async () => {
    const { client, sim } = await start({
      settings: { ttftMs: 150, itlMs: 0, jitter: 0, maxConcurrency: 1 },
    });
    const first = client.chat.completions.create({ model: 'm', messages, max_tokens: 2 });
    await waitFor(() => sim.stats().active === 1);
    const controller = new AbortController();
    const queued = client.chat.completions.create({ model: 'm', messages }, { signal: controller.signal });
    await waitFor(() => sim.stats().queued === 1);
    controller.abort();
    await expect(queued).rejects.toThrow();
    await waitFor(() => sim.stats().aborted === 1);
    expect(sim.stats().queued).toBe(0);
    await first;
    expect(sim.stats()).toMatchObject({ completed: 1, aborted: 1, active: 0, completionTokens: 2 });
  });

  it('honours the time to first token and the inter-token latency', async () => {
    const { client } = await start({ settings: { ttftMs: 120, itlMs: 15, jitter: 0 } });
    const t0 = performance.now();
    const stream = await client.chat.completions.create({
      model: 'm',
      messages,
      stream: true,
      max_tokens: 6,
    });
    const arrivals: number[] = [];
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) arrivals.push(performance.now() - t0);
    }
    expect(arrivals).toHaveLength(6);
    expect(arrivals[0]).toBeGreaterThanOrEqual(120);
    // Tokens are due at fixed offsets from the start, so the last can never come before ttft + 5 × itl.
    expect(arrivals.at(-1)!).toBeGreaterThanOrEqual(120 + 5 * 15);

    const t1 = performance.now();
    const quick = await client.chat.completions.create(
      { model: 'm', messages, stream: true, max_tokens: 2 },
      { headers: { 'x-sim-ttft-ms': '40', 'x-sim-itl-ms': '0' } },
    );
    let first = 0;
    for await (const chunk of quick) {
      if (!first && chunk.choices[0]?.delta.content) first = performance.now() - t1;
    }
    expect(first).toBeGreaterThanOrEqual(40);
    expect(first).toBeLessThan(120);
  });

  it('rejects a bad body with an OpenAI-shaped 400', async () => {
    const { client, baseURL, sim } = await start();
    const bad = await client.chat.completions
      .create({ model: 'm', messages: [{ role: 'robot', content: 'hi' }] as never })
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(BadRequestError);
    expect((bad as BadRequestError).error).toMatchObject({
      type: 'invalid_request_error',
      param: 'messages.[0].role',
      message: expect.any(String),
    });

    const raw = await fetch(`${baseURL}/chat/completions`, { method: 'POST', body: '{not json' });
    expect(raw.status).toBe(400);
    expect(await raw.json()).toEqual({
      error: { message: expect.any(String), type: 'invalid_request_error', param: null, code: null },
    });
    const unknown = await fetch(`${baseURL}/embeddings`, { method: 'POST', body: '{}' });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 'unknown_url' } });
    expect(sim.stats().badRequests).toBe(2);
  });

  it('checks the bearer token when an API key is configured', async () => {
    const { baseURL } = await start({ settings: fast, apiKey: 'sk-sim' });
    const wrong = new OpenAI({ apiKey: 'sk-wrong', baseURL, maxRetries: 0 });
    await expect(wrong.chat.completions.create({ model: 'm', messages })).rejects.toBeInstanceOf(
      AuthenticationError,
    );
    const right = new OpenAI({ apiKey: 'sk-sim', baseURL, maxRetries: 0 });
    const reply = await right.chat.completions.create({ model: 'm', messages });
    expect(reply.choices[0]!.message.content).toMatch(/^Nova here\./);
  });

  it('lists the default model and every model asked for', async () => {
    const { client } = await start();
    await client.chat.completions.create({ model: 'gpt-4.1-mini', messages, max_tokens: 1 });
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toEqual(['aira-sim', 'gpt-4.1-mini']);
    expect((await client.models.retrieve('anything')).id).toBe('anything');
  });

  it('replies in Korean to Hangul, introducing a Korean persona', async () => {
    const { client } = await start();
    const reply = await client.chat.completions.create({
      model: 'm',
      messages: [
        { role: 'system', content: '당신은 하늘입니다. 다정하게 말해요.' },
        { role: 'user', content: '주말에 뭐 하면 좋을까요?' },
      ],
    });
    expect(reply.choices[0]!.message.content).toMatch(/^하늘입니다\. /);
  });

  it('takes runtime config and reports stats over HTTP', async () => {
    const { url, client } = await start();
    const set = await fetch(`${url}/sim/config`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ttftMs: 60, maxConcurrency: 3 }),
    });
    expect(await set.json()).toMatchObject({ ttftMs: 60, maxConcurrency: 3, itlMs: 1 });
    const bad = await fetch(`${url}/sim/config`, { method: 'POST', body: JSON.stringify({ jitter: 3 }) });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { message: expect.stringContaining('jitter') } });

    const t0 = performance.now();
    await client.chat.completions.create({ model: 'm', messages, max_tokens: 1 });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(60);
    const stats = await (await fetch(`${url}/sim/stats`)).json();
    expect(stats).toMatchObject({ requests: 1, completed: 1, active: 0, queued: 0, faults: { http429: 0 } });
  });

  it('lets running generations finish on close', async () => {
    const { client, sim } = await start({ settings: { ttftMs: 50, itlMs: 5, jitter: 0 } });
    const reply = client.chat.completions.create({ model: 'm', messages, max_tokens: 10 });
    await waitFor(() => sim.stats().active === 1);
    const closed = sim.close();
    expect((await reply).choices[0]!.finish_reason).toBe('length');
    await closed;
  });
});

describe('llm-sim rate limits and /metrics', () => {
  const sample = (text: string, name: string) =>
    Number(
      text
        .split('\n')
        .find((line) => line.startsWith(`${name} `) || line.startsWith(`${name}{`))
        ?.split(' ')
        .at(-1) ?? Number.NaN,
    );

  it("answers past LLM_SIM_RPM with OpenAI's 429, headers on every answer, and counts it all in /metrics", async () => {
    const { client, baseURL, url, sim } = await start({ settings: { ...fast, requestsPerMinute: 3 } });
    const answers = await Promise.all(
      Array.from({ length: 5 }, () =>
        client.chat.completions
          .create({ model: 'm', messages, stream: true, max_tokens: 5 })
          .withResponse()
          .then(async ({ data, response }) => {
            await collect(data);
            return { status: response.status, headers: response.headers };
          })
          .catch((error: unknown) => error),
      ),
    );
    const ok = answers.filter((a) => !(a instanceof Error)) as { headers: Headers }[];
    const refused = answers.filter((a) => a instanceof RateLimitError) as RateLimitError[];
    expect(ok).toHaveLength(3);
    expect(refused).toHaveLength(2);
    expect(ok.map((a) => a.headers.get('x-ratelimit-remaining-requests')).sort()).toEqual(['0', '1', '2']);
    for (const a of ok) {
      expect(a.headers.get('x-ratelimit-limit-requests')).toBe('3');
      expect(a.headers.get('x-ratelimit-reset-requests')).toMatch(/^\d+(\.\d+)?m?s$|^\d+m\d+(\.\d+)?s$/);
    }
    // The client's error carries OpenAI's body and headers: 20 s for one request back of 3 a minute.
    expect(refused[0]!.error).toMatchObject({ type: 'requests', code: 'rate_limit_exceeded' });
    expect(refused[0]!.headers.get('retry-after')).toBe('20');
    expect(refused[0]!.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    expect(sim.stats().rateLimited).toBe(2);

    // Tokens: a limit below what one request may spend refuses it as a tokens limit.
    sim.setConfig({ requestsPerMinute: null, tokensPerMinute: 100 });
    const tokens = await fetch(`${baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', messages, max_tokens: 90 }),
    });
    expect(tokens.status).toBe(200);
    const second = await fetch(`${baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', messages, max_tokens: 90 }),
    });
    expect(second.status).toBe(429);
    expect(((await second.json()) as { error: { type: string } }).error.type).toBe('tokens');
    expect(second.headers.get('x-ratelimit-limit-tokens')).toBe('100');
    expect(second.headers.get('x-ratelimit-limit-requests')).toBeNull();

    const metrics = await (await fetch(`${url}/metrics`)).text();
    const byStatus = (status: number) =>
      metrics
        .split('\n')
        .filter((l) => l.startsWith('llm_sim_responses_total{') && l.includes(`status="${status}"`))
        .reduce((n, l) => n + Number(l.split(' ').at(-1)), 0);
    expect(byStatus(200)).toBe(4);
    expect(byStatus(429)).toBe(3);
    expect(sample(metrics, 'vllm:generation_tokens_total')).toBeGreaterThan(3 * 4);
    expect(sample(metrics, 'vllm:time_to_first_token_seconds_count')).toBe(3);
    expect(sample(metrics, 'vllm:time_per_output_token_seconds_count')).toBeGreaterThan(3 * 3);
    expect(sample(metrics, 'vllm:num_requests_running')).toBe(0);
    expect(sample(metrics, 'vllm:num_requests_waiting')).toBe(0);
  });

  it('shows running and waiting generations while they run', async () => {
    const { client, url } = await start({
      settings: { ttftMs: 300, itlMs: 1, jitter: 0, maxConcurrency: 1 },
    });
    const calls = [1, 2].map(() => client.chat.completions.create({ model: 'm', messages, max_tokens: 2 }));
    await new Promise((r) => setTimeout(r, 100));
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(sample(metrics, 'vllm:num_requests_running')).toBe(1);
    expect(sample(metrics, 'vllm:num_requests_waiting')).toBe(1);
    await Promise.all(calls);
  });
});
