import { createParser } from 'eventsource-parser';
import OpenAI from 'openai';
import { createHttpClient } from '../loadtest/http/http.client';
import { hopMeans, scrape } from './bench.metrics';
import { loadAverage, ms, percentile, writeSection } from './bench.report';
import { startBenchStack } from './bench.stack';

interface FleetStatus {
  name: string;
  workers: { id: string; state: string; metricsUrl: string | null }[];
}

const question = 'Hello, how is the weather?';

/**
 * Time to the first token, as a person feels it, against the LLM alone: N new guests each send a
 * message at once and read its SSE stream (POST → BullMQ → chat worker → LLM → Redis stream →
 * SSE), and in the same run N streaming calls go straight to the same LLM simulator, round by
 * round, alternating. The stack is `npm start` with its defaults (the autoscaler runs the fleets);
 * only the simulator's jitter is off, so the difference is the path's own.
 */
export async function firstTokenBench(opts: { burst?: number; rounds?: number; singles?: number } = {}) {
  const burst = opts.burst ?? 100;
  const rounds = opts.rounds ?? 5;
  const singles = opts.singles ?? 100;
  const stack = await startBenchStack({ LLM_SIM_JITTER: '0' });
  const closers: (() => Promise<void>)[] = [];
  try {
    const openai = new OpenAI({ apiKey: 'sk-local', baseURL: stack.llmBaseUrl, maxRetries: 0 });

    const direct = async () => {
      const t0 = performance.now();
      const stream = await openai.chat.completions.create({
        model: 'aira-sim',
        stream: true,
        messages: [
          { role: 'system', content: 'You are Aira, a conversation partner.' },
          { role: 'user', content: question },
        ],
      });
      let first = 0;
      for await (const chunk of stream)
        if (!first && chunk.choices[0]?.delta?.content) first = performance.now() - t0;
      return first;
    };
    // Aira through the load tool's HTTP client (keep-alive connections, a plain SSE parser), as a
    // tester floods it; the simulator through the official OpenAI client, as the chat worker calls it.
    const http = createHttpClient({ origin: stack.baseUrl, connections: 512, requestTimeoutMs: 60_000 });
    const signal = new AbortController().signal;
    closers.push(() => http.close());
    // A new guest each time, as in a real burst of new people: sign-in and the first message.
    const newGuests = (n: number) =>
      Promise.all(
        Array.from({ length: n }, async () => {
          const guest = await http.json({ method: 'POST', path: '/api/auth/guest', expect: [201], signal });
          const token = (guest.json as { token: string }).token;
          const conversation = await http.json({
            method: 'POST',
            path: '/api/conversations',
            token,
            expect: [201],
            signal,
          });
          return { token, conversationId: (conversation.json as { id: string }).id };
        }),
      );
    const viaAira = async ({ token, conversationId }: { token: string; conversationId: string }) => {
      const t0 = performance.now();
      const sent = await http.json({
        method: 'POST',
        path: `/api/conversations/${conversationId}/messages`,
        token,
        body: { content: question },
        expect: [202],
        signal,
      });
      const { streamUrl } = sent.json as { streamUrl: string };
      const res = await http.stream(streamUrl, token, undefined, signal);
      let first = 0;
      let last = '';
      const parser = createParser({
        onEvent: (e) => {
          if (!first && e.event === 'token') first = performance.now() - t0;
          last = e.event ?? '';
        },
      });
      const decoder = new TextDecoder();
      for await (const chunk of res.body) parser.feed(decoder.decode(chunk, { stream: true }));
      if (last !== 'done') throw new Error(`reply ended with ${last}`);
      return first;
    };

    const fleets = async () =>
      ((await (await fetch(`${stack.autoscalerUrl}/status`)).json()) as { fleets: FleetStatus[] }).fleets;
    const chatWorkers = async () => (await fleets()).find((f) => f.name === 'chat')?.workers ?? [];
    const workersStarted = new Set<string>();

    // Warm both paths (connections, JIT) before measuring.
    for (const guest of await newGuests(10)) await Promise.all([direct(), viaAira(guest)]);
    const before = new Set((await chatWorkers()).map((w) => w.id));

    const measure = async (width: number, batches: number) => {
      const directSamples: number[] = [];
      const pathSamples: number[] = [];
      const load: number[] = [];
      for (let round = 1; round <= batches; round++) {
        const guests = await newGuests(width);
        load.push(loadAverage());
        directSamples.push(...(await Promise.all(Array.from({ length: width }, direct))));
        pathSamples.push(...(await Promise.all(guests.map(viaAira))));
        for (const w of await chatWorkers()) if (!before.has(w.id)) workersStarted.add(w.id);
        if (width > 1 || round % 25 === 0)
          process.stderr.write(`first-token: ${width} at once, round ${round}/${batches}\n`);
      }
      return { width, directSamples, pathSamples, load };
    };
    const single = await measure(1, singles);
    const gatewayBefore = await scrape(`${stack.baseUrl}/metrics`);
    const workersBefore = await Promise.all(
      (await chatWorkers()).filter((w) => w.metricsUrl).map((w) => scrape(w.metricsUrl!)),
    );
    const many = await measure(burst, rounds);
    const relay = hopMeans(gatewayBefore, await scrape(`${stack.baseUrl}/metrics`)).relay ?? Number.NaN;
    const workersAfter = await Promise.all(
      (await chatWorkers()).filter((w) => w.metricsUrl).map((w) => scrape(w.metricsUrl!)),
    );
    const queueWait = hopMeans(workersBefore.join('\n'), workersAfter.join('\n')).queue_wait ?? Number.NaN;

    const p = (s: number[], q: number) => percentile(s, q);
    const row = (label: string, s: number[]) =>
      `| ${label} | ${s.length} | ${ms(p(s, 50))} | ${ms(p(s, 99))} |`;
    const ratio50 = p(many.pathSamples, 50) / p(many.directSamples, 50);
    const ratio99 = p(many.pathSamples, 99) / p(many.directSamples, 99);
    const extra50 = p(single.pathSamples, 50) - p(single.directSamples, 50);
    const extra99 = p(single.pathSamples, 99) - p(single.directSamples, 99);
    const verdict = (ok: boolean, text: string) => `${text} ${ok ? 'met' : '**missed**'}`;
    const body = [
      `${burst} new guests each send a message at once and read the reply's SSE stream until its first \`token\` (the load tool's HTTP client) (POST → BullMQ → chat worker → LLM → Redis stream → SSE), against ${burst} streaming calls made at once straight to the same LLM simulator (the official OpenAI client), ${rounds} rounds each, alternating; then one at a time, ${singles} of each. The stack is \`npm start\` with its defaults (compiled processes, the autoscaler running the fleets, its standby); the simulator's own defaults (first token after 150 ms) without jitter; rate limits raised, since one address makes every request. Everything, the client included, shares this machine.`,
      '',
      '| path | samples | p50 first token | p99 first token |',
      '|---|---|---|---|',
      row(`${burst} at once, straight to the LLM simulator`, many.directSamples),
      row(`${burst} at once, through Aira`, many.pathSamples),
      row('one at a time, straight to the LLM simulator', single.directSamples),
      row('one at a time, through Aira', single.pathSamples),
      '',
      `- ${burst} at once: Aira ÷ simulator **${ratio50.toFixed(2)}×** at p50, **${ratio99.toFixed(2)}×** at p99.`,
      `- One at a time: Aira − simulator **${ms(extra50)}** at p50, **${ms(extra99)}** at p99.`,
      `- During the bursts: gateway relay hop (token appended → written to the SSE socket) mean ${ms(relay * 1000)}; chat queue wait mean ${ms(queueWait * 1000)}; chat workers started by the autoscaler during the run: ${workersStarted.size}; load average ${Math.min(...many.load).toFixed(1)}–${Math.max(...many.load).toFixed(1)}.`,
      '',
      `Targets: ${verdict(ratio50 <= 1.15, 'burst p50 ≤ 1.15×')}, ${verdict(ratio99 <= 1.5, 'burst p99 ≤ 1.5×')}, ${verdict(extra50 <= 3, 'single p50 ≤ +3 ms')}, ${verdict(extra99 <= 15, 'single p99 ≤ +15 ms')}.`,
    ].join('\n');
    console.log(body);
    writeSection('first-token', 'First token under a burst', 'npm run bench -- first-token', body);
    return { ratio50, ratio99, extra50, extra99 };
  } finally {
    for (const close of closers) await close();
    await stack.stop();
  }
}
