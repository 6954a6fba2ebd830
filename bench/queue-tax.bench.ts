import OpenAI from 'openai';
import { createClient } from '../test/harness/client';
import { ms, percentile, writeSection } from './bench.report';
import { startBenchStack } from './bench.stack';

/**
 * The queue tax on the first token: the same LLM simulator settings, 100 concurrent chats through
 * the whole path (POST → BullMQ → chat worker → LLM → Redis stream → SSE) against 100 concurrent
 * streaming calls straight to the simulator, interleaved in one run.
 */
export async function queueTaxBench(opts: { concurrency?: number; rounds?: number } = {}) {
  const concurrency = opts.concurrency ?? 100;
  const rounds = opts.rounds ?? 5;
  const ttftMs = 200;
  const stack = await startBenchStack({
    LLM_SIM_TTFT_MS: String(ttftMs),
    LLM_SIM_ITL_MS: '10',
    LLM_SIM_JITTER: '0',
    LLM_SIM_MAX_TOKENS: '20',
  });
  try {
    const openai = new OpenAI({ apiKey: 'sk-local', baseURL: stack.llmBaseUrl, maxRetries: 0 });
    const api = createClient(stack.baseUrl);
    const users = await Promise.all(
      Array.from({ length: concurrency }, async () => {
        const user = await api.guest();
        return { user, conversationId: await user.conversation() };
      }),
    );

    const direct = async () => {
      const t0 = performance.now();
      const stream = await openai.chat.completions.create({
        model: 'aira-sim',
        stream: true,
        messages: [
          { role: 'system', content: 'You are Aira, a conversation partner.' },
          { role: 'user', content: 'Hello, how is the weather?' },
        ],
      });
      let first = 0;
      for await (const chunk of stream)
        if (!first && chunk.choices[0]?.delta?.content) first = performance.now() - t0;
      return first;
    };
    const viaAira = async (i: number) => {
      const { user, conversationId } = users[i]!;
      const t0 = performance.now();
      const { replyId } = await user.send(conversationId, 'Hello, how is the weather?');
      let first = 0;
      await user.stream(replyId, {
        onEvent: (e) => {
          if (!first && e.event === 'token') first = performance.now() - t0;
        },
      });
      return first;
    };

    // Warm both paths (connections, JIT) before measuring.
    await Promise.all(Array.from({ length: 10 }, (_, i) => Promise.all([direct(), viaAira(i)])));
    const measure = async (width: number, batches: number) => {
      const directSamples: number[] = [];
      const pathSamples: number[] = [];
      for (let round = 1; round <= batches; round++) {
        directSamples.push(...(await Promise.all(Array.from({ length: width }, direct))));
        pathSamples.push(...(await Promise.all(Array.from({ length: width }, (_, i) => viaAira(i)))));
      }
      process.stderr.write(`queue-tax: ${width} concurrent done\n`);
      return { width, directSamples, pathSamples };
    };
    // One at a time shows the path's own cost; 100 at once adds what a 2-core machine shared by
    // the client, the gateway, a worker and the simulator does under a burst.
    const runs = [await measure(1, 50), await measure(concurrency, rounds)];
    const row = (s: number[]) => `${s.length} | ${ms(percentile(s, 50))} | ${ms(percentile(s, 99))}`;
    const lines = runs.flatMap(({ width, directSamples, pathSamples }) => {
      const tax50 = percentile(pathSamples, 50) - percentile(directSamples, 50);
      const tax99 = percentile(pathSamples, 99) - percentile(directSamples, 99);
      return [
        `| ${width} | straight to the LLM simulator | ${row(directSamples)} | |`,
        `| ${width} | through Aira | ${row(pathSamples)} | **${ms(tax50)}** / **${ms(tax99)}** |`,
      ];
    });
    const burst = runs[1]!;
    const tax50 = percentile(burst.pathSamples, 50) - percentile(burst.directSamples, 50);
    const tax99 = percentile(burst.pathSamples, 99) - percentile(burst.directSamples, 99);
    const single = runs[0]!;
    const single50 = percentile(single.pathSamples, 50) - percentile(single.directSamples, 50);
    const body = [
      `POST → first SSE token through the whole path (POST → BullMQ → chat worker → LLM → Redis stream → SSE) against a streaming call straight to the simulator, interleaved in one run; LLM simulator TTFT ${ttftMs} ms, no jitter; one gateway, one chat worker (concurrency ${concurrency + 28}), all on this machine.`,
      '',
      '| concurrent | path | samples | p50 TTFT | p99 TTFT | tax p50 / p99 |',
      '|---|---|---|---|---|---|',
      ...lines,
      '',
      'Why the burst costs so much here: the direct call is one request to one process, while the whole path runs a POST and an SSE request through the gateway, a BullMQ job through the chat worker and the LLM call, with the gateway, the worker, the writer, the simulator and the benchmark client all sharing 2 cores; a burst of 100 is CPU-bound, so requests queue behind each other in every process. One at a time, the path costs two HTTP round trips and about six Redis round trips on top of the LLM call.',
      '',
      `Target: tax p50 ≤ 3 ms, p99 ≤ 15 ms at ${concurrency} concurrent. Reached: p50 ${tax50 <= 3 ? 'met' : `missed by ${ms(tax50 - 3)}`}, p99 ${tax99 <= 15 ? 'met' : `missed by ${ms(tax99 - 15)}`}; one at a time the tax is ${ms(single50)} at p50.`,
    ].join('\n');
    console.log(body);
    writeSection('queue-tax', 'Queue tax on the first token', 'npm run bench -- queue-tax', body);
    return { tax50, tax99, single50 };
  } finally {
    await stack.stop();
  }
}
