import { describe, expect, it } from 'vitest';
import { parseLoadArgs, UsageError } from './args.parse';

const parse = (args: string) => {
  const config = parseLoadArgs(args.split(' ').filter(Boolean));
  if (config === 'help') throw new Error('help');
  return config;
};

describe('parseLoadArgs', () => {
  it('builds an open model from --stages with defaults for the rest', () => {
    const c = parse('--stages 30s:50,60s:200,30s:0');
    expect(c.target).toBe('http://127.0.0.1:3000');
    expect(c.scenario).toBe('chat');
    expect(c.model).toMatchObject({ kind: 'open', maxInflight: 1000, lateThresholdMs: 50 });
    expect(c.plannedMs).toBe(120_000);
    expect(c.hardTimeoutMs).toBe(120_000 + 30_000 + 30_000);
    expect(c.chat).toMatchObject({ turns: 3, thinkMs: 1000, jitter: 0.5 });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('builds a constant open model, a closed model and the max-rate mode', () => {
    expect(parse('--rate 20 --duration 1m').model).toMatchObject({
      kind: 'open',
      stages: [{ durationMs: 60_000, from: 20, to: 20 }],
    });
    expect(parse('--vus 50 --spawn-rate 10 --duration 60s').model).toEqual({
      kind: 'closed',
      vus: 50,
      spawnRate: 10,
      durationMs: 60_000,
    });
    const http = parse('--scenario http --path /healthz --connections 32');
    expect(http.model).toEqual({ kind: 'max-rate', connections: 32, pipelining: 1, durationMs: 10_000 });
    expect(http.http).toEqual({ path: '/healthz', method: 'GET' });
  });

  it("floods the stack's own BullMQ prefix unless told another", () => {
    const flood = ['--scenario', 'flood', '--rate', '1', '--duration', '1s'];
    const prefixOf = (argv: string[], env: Record<string, string | undefined>) => {
      const config = parseLoadArgs(argv, env);
      if (config === 'help' || config.flood?.transport !== 'bullmq')
        throw new Error('expected a bullmq flood');
      return config.flood.prefix;
    };
    expect(prefixOf(flood, {})).toBe('aira');
    expect(prefixOf(flood, { AIRA_PREFIX: 'staging' })).toBe('staging');
    expect(prefixOf([...flood, '--bullmq-prefix', 'bull'], { AIRA_PREFIX: 'staging' })).toBe('bull');
  });

  it('reads weights, repeated thresholds and the flood targets', () => {
    const c = parse(
      '--scenario mixed --weights chat=3,survey=1 --rate 5 --duration 5s --threshold ttft.p99<800 --threshold errors.rate<0.01',
    );
    expect([...c.weights]).toEqual([
      ['chat', 3],
      ['survey', 1],
    ]);
    expect(c.thresholds.map((t) => t.expr)).toEqual(['ttft.p99<800', 'errors.rate<0.01']);
    const flood = parse(
      '--scenario flood --flood-target bullmq --queue chat-x --batch 10 --rate 100 --duration 5s',
    );
    expect(flood.flood).toMatchObject({ transport: 'bullmq', queue: 'chat-x', batch: 10 });
    // 100 messages/s in batches of 10 is 10 batches/s.
    expect(flood.model).toMatchObject({ kind: 'open', stages: [{ from: 10, to: 10 }] });
    const sqs = parse(
      '--scenario flood --flood-target sqs --sqs-queue-url http://127.0.0.1:9324/000/aira-writes.fifo --rate 5 --duration 1s',
    );
    expect(sqs.flood).toMatchObject({ transport: 'sqs', region: 'us-east-1' });
  });

  it('refuses bad or ambiguous input with a message naming the flag', () => {
    const bad = (args: string, message: RegExp) => expect(() => parse(args)).toThrow(message);
    bad('', /choose a load model/);
    bad('--stages 10s:5 --vus 3 --duration 1s', /not --stages and --vus/);
    bad('--rate 5', /--rate needs --duration/);
    bad('--vus 0 --duration 1s', /--vus: "0"/);
    bad('--rate 5 --duration soon', /--duration: "soon"/);
    bad('--scenario chaos --rate 1 --duration 1s', /--scenario/);
    bad('--scenario http --rate 5 --duration 1s', /max rate/);
    bad('--rate 1 --duration 1s --threshold ttft<5', /--threshold/);
    bad('--rate 1 --duration 1s --weights chat=1,poll=2', /unknown scenario "poll"/);
    bad('--rate 1 --duration 1s --bogus', /bogus/);
    bad('--scenario flood --flood-target sqs --rate 1 --duration 1s', /--sqs-queue-url/);
    bad('--rate 1 --duration 10s --hard-timeout 5s', /--hard-timeout/);
    expect(() => parse('--rate 1 --duration 1s --turns x')).toThrow(UsageError);
  });

  it('only loads loopback unless told otherwise', () => {
    expect(() => parse('--target https://example.com --rate 1 --duration 1s')).toThrow(/not loopback/);
    expect(parse('--target https://example.com --rate 1 --duration 1s --allow-remote').target).toBe(
      'https://example.com',
    );
    expect(() => parse('--target http://127.0.0.1:3000/api --rate 1 --duration 1s')).toThrow(/origin only/);
    expect(() => parse('--scenario flood --redis-url redis://10.0.0.5:6379 --rate 1 --duration 1s')).toThrow(
      /--redis-url: 10.0.0.5 is not loopback/,
    );
  });

  it('answers --help', () => {
    expect(parseLoadArgs(['--help'])).toBe('help');
  });
});
