import { Redis } from 'ioredis';
import { redisKeys } from '../shared/redis/keys';
import { appendEventArgs } from '../shared/replies/reply.events';
import { createClient } from '../test/harness/client';
import { inBatches } from './bench.pool';
import { connectionsTo, fileLimit, findChild, raiseFileLimit, rssKib } from './bench.proc';
import { ms, percentile, writeSection } from './bench.report';
import { startBenchStack } from './bench.stack';
import { type HeldStream, openStream } from './sse.client';

interface Step {
  streams: number;
  openSeconds: number;
  rssMib: number;
  redisConnections: number;
}

/**
 * Concurrent SSE streams one gateway process holds: N replies that stay open (no chat worker takes
 * them), N streams opened from here in steps, then the gateway's Redis connections, its memory per
 * stream, and a token appended straight to a sample of reply streams that must reach every one.
 */
export async function sseStreamsBench(opts: { streams?: number; step?: number; sample?: number } = {}) {
  const target = opts.streams ?? 10_000;
  const stepSize = opts.step ?? 1000;
  const sampleSize = opts.sample ?? 1000;
  // Both this process and the gateway hold one descriptor per stream; the gateway inherits ours.
  const limit = raiseFileLimit(target + 2000);
  const stack = await startBenchStack({ AUTOSCALE: 'false', CHAT_WORKERS: '0', WRITER_WORKERS: '0' });
  const redis = new Redis(stack.redisUrl);
  const held: HeldStream[] = [];
  try {
    const gateway = findChild(stack.pid, 'services/gateway/main');
    const port = Number(new URL(stack.baseUrl).port);
    const redisPort = Number(new URL(stack.redisUrl).port || 6379);
    const api = createClient(stack.baseUrl);

    process.stderr.write(`sse-streams: creating ${target} queued replies\n`);
    const users = await inBatches(Array.from({ length: 100 }), 20, async () => {
      const user = await api.guest();
      return { user, conversationId: await user.conversation() };
    });
    const replies = await inBatches(Array.from({ length: target }), 64, async (_, i) => {
      const { user, conversationId } = users[i % users.length]!;
      const { replyId } = await user.send(conversationId, `Message ${i}`);
      return { replyId, token: user.token! };
    });

    /** The gateway's Redis connections: its sockets to the Redis port, named by CLIENT LIST. */
    const redisConnections = async () => {
      const ports = new Set(connectionsTo(gateway, redisPort));
      const list = (await redis.client('LIST')) as string;
      const names = list
        .split('\n')
        .filter((line) => {
          const addr = /\baddr=\S+:(\d+)\b/.exec(line);
          return addr && ports.has(Number(addr[1]));
        })
        .map((line) => /\bname=(\S*)/.exec(line)?.[1] || '(unnamed)');
      return { count: ports.size, names: names.sort() };
    };

    await new Promise((r) => setTimeout(r, 2000));
    const rss0 = rssKib(gateway);
    const conns0 = await redisConnections();
    const steps: Step[] = [
      { streams: 0, openSeconds: 0, rssMib: rss0 / 1024, redisConnections: conns0.count },
    ];
    let failure: string | undefined;
    while (held.length < target && !failure) {
      const from = held.length;
      const to = Math.min(target, from + stepSize);
      const t0 = performance.now();
      const opened = await inBatches(replies.slice(from, to), 100, ({ replyId, token }) =>
        openStream(port, `/api/replies/${replyId}/stream`, token).catch((error: Error) => error),
      );
      for (const s of opened) {
        if (s instanceof Error) failure ??= s.message;
        else held.push(s);
      }
      const openSeconds = (performance.now() - t0) / 1000;
      await new Promise((r) => setTimeout(r, 500));
      const conns = await redisConnections();
      steps.push({
        streams: held.length,
        openSeconds,
        rssMib: rssKib(gateway) / 1024,
        redisConnections: conns.count,
      });
      process.stderr.write(
        `sse-streams: ${held.length} open (+${to - from} in ${openSeconds.toFixed(1)} s), gateway RSS ${(rssKib(gateway) / 1024).toFixed(0)} MiB, Redis connections ${conns.count}${failure ? `; failed: ${failure}` : ''}\n`,
      );
    }
    const streams = held.length;
    await new Promise((r) => setTimeout(r, 2000));
    const rssN = rssKib(gateway);
    const connsN = await redisConnections();
    const perStreamKib = (rssN - rss0) / streams;

    // A token appended straight to a sample of reply streams must reach each of those SSE clients
    // (and no other): the relay, not only the connection count, is what is measured.
    const keys = redisKeys(stack.prefix);
    const sample = new Set<number>();
    while (sample.size < Math.min(sampleSize, streams)) sample.add(Math.floor(Math.random() * streams));
    const arrivals = new Map<number, number>();
    const allArrived = new Promise<void>((resolve) => {
      for (const i of sample) {
        const s = held[i]!;
        s.onData = () => {
          if (!arrivals.has(i) && s.text.includes(`probe-${i}"`)) {
            arrivals.set(i, performance.now());
            if (arrivals.size === sample.size) resolve();
          }
        };
      }
    });
    const pipeline = redis.pipeline();
    for (const i of sample) {
      const [key, ...rest] = appendEventArgs(keys.replyEvents(replies[i]!.replyId), {
        type: 'token',
        data: { text: `probe-${i}` },
      });
      pipeline.xadd(key as string, ...(rest as [string]));
    }
    const sent = performance.now();
    await pipeline.exec();
    await Promise.race([allArrived, new Promise((r) => setTimeout(r, 30_000))]);
    const latencies = [...arrivals.values()].map((t) => t - sent);
    const strays = held.filter((s, i) => !sample.has(i) && s.text.includes('event: token')).length;

    const gwLimit = fileLimit(gateway);
    const table = steps
      .filter((s, i) => i === 0 || s.streams % 2000 === 0 || i === steps.length - 1)
      .map(
        (s) =>
          `| ${s.streams} | ${s.openSeconds ? `${s.openSeconds.toFixed(1)} s` : ''} | ${s.rssMib.toFixed(0)} MiB | ${s.redisConnections} |`,
      );
    const met = {
      streams: streams >= 10_000,
      redis: connsN.count <= 4,
      memory: perStreamKib <= 30,
      relay: arrivals.size === sample.size && strays === 0,
    };
    const body = [
      `One gateway process (started as \`npm start\` starts it, no chat workers, so every reply stays open) and ${streams} SSE streams opened from the benchmark process on raw sockets without keep-alive, ${stepSize} per step, 100 connecting at a time. Open-file limit: ${limit.soft} here, ${gwLimit.soft} in the gateway (raised with \`prlimit\` when lower).`,
      '',
      '| streams open | time to open the step | gateway RSS | gateway Redis connections |',
      '|---|---|---|---|',
      ...table,
      '',
      `- Streams held: **${streams}**${failure ? ` (the ramp stopped: ${failure})` : ''}.`,
      `- Gateway Redis connections at ${streams} streams: **${connsN.count}** (${connsN.names.join(', ')}), the same as at 0 (${conns0.count}).`,
      `- Gateway memory: RSS ${(rss0 / 1024).toFixed(0)} MiB at 0 streams, ${(rssN / 1024).toFixed(0)} MiB at ${streams}: **${perStreamKib.toFixed(1)} KiB per stream**.`,
      `- Relay: a token appended (XADD) to ${sample.size} of the reply streams reached **${arrivals.size}/${sample.size}** of their SSE clients (p50 ${ms(percentile(latencies, 50))}, p99 ${ms(percentile(latencies, 99))}, last ${ms(Math.max(...latencies, 0))} after the pipeline was sent); ${strays} of the other streams received a token.`,
      '',
      `Targets: ≥ 10,000 streams ${met.streams ? 'met' : `missed (${streams})`}; ≤ 4 Redis connections ${met.redis ? 'met' : `missed (${connsN.count})`}; ≤ 30 KB per stream ${met.memory ? 'met' : `missed by ${(perStreamKib - 30).toFixed(1)} KiB`}; every sampled token delivered ${met.relay ? 'met' : 'missed'}. RSS is whatever the heap and allocator hold at that moment (garbage not yet collected included), so the per-stream figure is an upper bound.`,
    ].join('\n');
    console.log(body);
    writeSection('sse-streams', 'Concurrent SSE streams per gateway', 'npm run bench -- sse-streams', body);
    return { streams, perStreamKib, redisConnections: connsN.count, delivered: arrivals.size };
  } finally {
    for (const s of held) s.socket.destroy();
    redis.disconnect();
    await stack.stop();
  }
}
