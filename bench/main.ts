import { chatCapacityBench } from './chat-capacity.bench';
import { chatEnqueueBench } from './chat-enqueue.bench';
import { firstTokenBench } from './first-token.bench';
import { loadtoolRateBench } from './loadtool-rate.bench';
import { providerLimitBench } from './provider-limit.bench';
import { redisMemoryBench } from './redis-memory.bench';
import { scaleOutBench } from './scale-out.bench';
import { sseStreamsBench } from './sse-streams.bench';
import { startupBench } from './startup.bench';
import { surveyThroughputBench } from './survey-throughput.bench';

/** `npm run bench [-- name ...]`: runs the named benchmarks (all when none is named). */
const benches: Record<string, () => Promise<unknown>> = {
  'chat-capacity': () => chatCapacityBench(),
  'chat-enqueue': () => chatEnqueueBench(),
  'first-token': () => firstTokenBench(),
  'loadtool-rate': () => loadtoolRateBench(),
  'provider-limit': () => providerLimitBench(),
  'redis-memory': () => redisMemoryBench(),
  'scale-out': () => scaleOutBench(),
  'survey-throughput': () => surveyThroughputBench(),
  'sse-streams': () => sseStreamsBench(),
  startup: () => startupBench(),
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
for (const name of wanted.length ? wanted : Object.keys(benches)) {
  const run = benches[name];
  if (!run) {
    console.error(`unknown benchmark ${name}; known: ${Object.keys(benches).join(', ')}`);
    process.exit(2);
  }
  console.error(`== ${name}`);
  await run();
}
