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

    const directSamples: number[] = [];
    const pathSamples: number[] = [];
    // Warm both paths (connections, JIT) before measuring.
    await Promise.all(Array.from({ length: 10 }, (_, i) => Promise.all([direct(), viaAira(i)])));
    for (let round = 1; round <= rounds; round++) {
      directSamples.push(...(await Promise.all(Array.from({ length: concurrency }, direct))));
      pathSamples.push(...(await Promise.all(Array.from({ length: concurrency }, (_, i) => viaAira(i)))));
      process.stderr.write(`queue-tax: round ${round}/${rounds} done\n`);
    }
    const row = (name: string, s: number[]) =>
      `| ${name} | ${s.length} | ${ms(percentile(s, 50))} | ${ms(percentile(s, 99))} |`;
    const tax50 = percentile(pathSamples, 50) - percentile(directSamples, 50);
    const tax99 = percentile(pathSamples, 99) - percentile(directSamples, 99);
    const body = [
      `${concurrency} concurrent first tokens per batch, ${rounds} batches of each, interleaved; LLM simulator TTFT ${ttftMs} ms, no jitter.`,
      '',
      '| path | samples | p50 TTFT | p99 TTFT |',
      '|---|---|---|---|',
      row('straight to the LLM simulator', directSamples),
      row('through Aira (POST → queue → worker → stream → SSE)', pathSamples),
      `| **queue tax** | | **${ms(tax50)}** | **${ms(tax99)}** |`,
      '',
      `Target: tax p50 ≤ 3 ms, p99 ≤ 15 ms. Reached: p50 ${tax50 <= 3 ? 'met' : `missed by ${ms(tax50 - 3)}`}, p99 ${tax99 <= 15 ? 'met' : `missed by ${ms(tax99 - 15)}`}.`,
    ].join('\n');
    console.log(body);
    writeSection('queue-tax', 'Queue tax on the first token', 'npm run bench -- queue-tax', body);
    return { tax50, tax99 };
  } finally {
    await stack.stop();
  }
}
