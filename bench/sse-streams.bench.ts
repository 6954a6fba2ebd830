import { createRedis } from '../shared/redis/connection';
import { redisKeys } from '../shared/redis/keys';
import { createClient, eventually } from '../test/harness/client';
import { histogramQuantile, scrape } from './bench.metrics';
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
 * stream, and the relay of tokens appended to 1,000 of the streams, round after round.
 */
export async function sseStreamsBench(
  opts: { streams?: number; step?: number; sample?: number; rounds?: number; gapMs?: number } = {},
) {
  const target = opts.streams ?? 10_000;
  const stepSize = opts.step ?? 1000;
  const sampleSize = opts.sample ?? 1000;
  const relayRounds = opts.rounds ?? 50;
  const relayGapMs = opts.gapMs ?? 40;
  // Both this process and the gateway hold one descriptor per stream; the gateway inherits ours.
  const limit = raiseFileLimit(target + 2000);
  const stack = await startBenchStack({ AUTOSCALE: 'false', CHAT_WORKERS: '0', WRITER_WORKERS: '0' });
  const redis = createRedis(stack.redisUrl, { name: 'bench' });
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

    // Relay under load: in each round one token is appended to each of `relayCount` reply streams,
    // through the append script a chat worker uses (so it is published live), and every one of
    // those SSE clients must receive each of its tokens once; no other stream may receive any.
    const keys = redisKeys(stack.prefix);
    const relayCount = Math.min(sampleSize, streams);
    const sample = held.slice(0, relayCount);
    const latencies: number[] = [];
    const seen = new Set<string>();
    let duplicates = 0;
    sample.forEach((s, i) => {
      let carry = '';
      s.onData = (chunk) => {
        const now = Date.now();
        const text = carry + chunk;
        // Each frame's id is the stream entry's id, whose first part is when Redis appended it.
        for (const m of text.matchAll(/id: (\d+)-\d+\nevent: token\ndata: \{"text":"p(\d+)\.(\d+)"\}/g)) {
          const id = `${m[2]}.${m[3]}`;
          if (Number(m[3]) !== i || seen.has(id)) {
            duplicates += 1;
            continue;
          }
          seen.add(id);
          latencies.push(now - Number(m[1]));
        }
        carry = text.slice(text.lastIndexOf('\n\n') + 2);
      };
    });
    const gatewayBefore = await scrape(`${stack.baseUrl}/metrics`);
    // Streams of replies being written at once are not in step: each round's appends are spread
    // over the round in ten slices, a tenth of the streams each.
    const slices = 10;
    const relayStarted = performance.now();
    for (let round = 0; round < relayRounds; round++) {
      for (let slice = 0; slice < slices; slice++) {
        const pipeline = redis.pipeline();
        for (let i = slice; i < relayCount; i += slices) {
          const { replyId } = replies[i]!;
          const text = JSON.stringify({ text: `p${round}.${i}` });
          const events = keys.replyEvents(replyId);
          pipeline.appendEvent(
            events,
            events,
            `probe-${round}-${i}`,
            'token',
            text,
            '',
            keys.replyLive(replyId),
          );
        }
        await pipeline.exec();
        await new Promise((r) => setTimeout(r, relayGapMs / slices));
      }
    }
    const relaySeconds = (performance.now() - relayStarted) / 1000;
    await eventually(
      async () => latencies.length,
      (n) => n >= relayCount * relayRounds,
      30_000,
    ).catch(() => undefined);
    // The gateway's own measure of the hop: appended → written to the SSE socket, every token.
    const hopP99 =
      histogramQuantile(
        gatewayBefore,
        await scrape(`${stack.baseUrl}/metrics`),
        'aira_sse_relay_seconds',
        0.99,
      ) * 1000;
    const strays = held.slice(relayCount).filter((s) => s.text.includes('event: token')).length;
    const expected = relayCount * relayRounds;

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
      relay: latencies.length === expected && duplicates === 0 && strays === 0,
      relayP99: hopP99 <= 25,
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
      `- Relay with ${relayCount} streams receiving tokens: ${relayRounds} rounds of ${relayGapMs} ms, each appending one token to each of those streams through the chat worker's append script, spread over the round (${Math.round((relayCount * relayRounds) / relaySeconds)} tokens a second in all, as measured), while all ${streams} streams stay open. Delivered **${latencies.length}/${expected}** tokens, ${duplicates} duplicated, ${strays} of the other streams received a token; token appended (its stream entry's time) → read by the client: p50 ${ms(percentile(latencies, 50))}, **p99 ${ms(percentile(latencies, 99))}**, max ${ms(Math.max(...latencies, 0))} (the client's own reading of ${relayCount} sockets included). The gateway's relay hop (token appended → written to the SSE socket, its \`aira_sse_relay_seconds\` histogram): **p99 ≤ ${ms(hopP99)}** (histogram bucket bound).`,
      '',
      `Targets: ≥ 10,000 streams ${met.streams ? 'met' : `missed (${streams})`}; ≤ 4 Redis connections ${met.redis ? 'met' : `missed (${connsN.count})`}; ≤ 30 KB per stream ${met.memory ? 'met' : `missed by ${(perStreamKib - 30).toFixed(1)} KiB`}; every token delivered once ${met.relay ? 'met' : '**missed**'}; relay p99 ≤ 25 ms ${met.relayP99 ? 'met' : '**missed**'}. RSS is whatever the heap and allocator hold at that moment (garbage not yet collected included), so the per-stream figure is an upper bound.`,
    ].join('\n');
    console.log(body);
    writeSection('sse-streams', 'Concurrent SSE streams per gateway', 'npm run bench -- sse-streams', body);
    return { streams, perStreamKib, redisConnections: connsN.count, delivered: latencies.length };
  } finally {
    for (const s of held) s.socket.destroy();
    redis.disconnect();
    await stack.stop();
  }
}
