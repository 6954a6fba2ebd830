import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createClient, eventually } from './harness/client';
import { type Stack, startStack } from './harness/stack';

// ECS's agent cannot run here; this one answers the task-protection call as the agent does and
// records each change by the path it was sent to (one per worker).
const changes: { worker: string; enabled: boolean; at: number }[] = [];
const agent = createServer(async (req: IncomingMessage, res) => {
  let body = '';
  for await (const chunk of req) body += chunk;
  const { ProtectionEnabled } = JSON.parse(body) as { ProtectionEnabled: boolean };
  changes.push({ worker: req.url!.split('/')[1]!, enabled: ProtectionEnabled, at: Date.now() });
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ protection: { ProtectionEnabled, ExpirationDate: null, TaskArn: 'arn:test' } }));
});
const of = (worker: string) => changes.filter((c) => c.worker === worker).map((c) => c.enabled);

let stack: Stack;
beforeAll(async () => {
  await new Promise<void>((ok) => agent.listen(0, '127.0.0.1', ok));
  const uri = (worker: string) => `http://127.0.0.1:${(agent.address() as AddressInfo).port}/${worker}`;
  stack = await startStack({
    chatWorkers: 0,
    llm: { ttftMs: 300, itlMs: 20 },
    env: { ECS_AGENT_URI: uri('writer'), TASK_PROTECTION_LINGER_MS: '500' },
  });
  await stack.spawnChatWorker({ ECS_AGENT_URI: uri('chat') });
}, 60_000);
afterAll(async () => {
  await stack?.stop();
  agent.close();
});

it('workers protect their task while they hold a job, once per busy spell, and drop it when idle', async () => {
  const user = await createClient(stack.baseUrl).guest();
  const conversationId = await user.conversation();
  await eventually(
    async () => of('writer'),
    (seen) => seen.length >= 2,
  );
  changes.length = 0;

  const sent = await Promise.all(['one', 'two', 'three'].map((text) => user.send(conversationId, text)));
  let ended = false;
  const streaming = Promise.all(sent.map(({ replyId }) => user.stream(replyId))).finally(() => {
    ended = true;
  });
  // Protected while the replies are still being written.
  await eventually(
    async () => of('chat'),
    (seen) => seen.length > 0,
    5000,
  );
  expect(ended).toBe(false);
  const streams = await streaming;
  expect(streams.map((s) => s.events.at(-1)?.event)).toEqual(['done', 'done', 'done']);
  // One enable for three jobs, no flip per job.
  expect(of('chat')).toEqual([true]);

  // Idle for longer than the linger: protection is dropped, once; the writer did the same around
  // the turns it wrote.
  await eventually(
    async () => ({ chat: of('chat'), writer: of('writer') }),
    (seen) => seen.chat.length === 2 && seen.writer.at(-1) === false,
    10_000,
  );
  expect(of('chat')).toEqual([true, false]);
  expect(of('writer')[0]).toBe(true);
});
