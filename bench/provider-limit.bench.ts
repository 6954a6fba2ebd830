import { runProviderScenario } from '../test/harness/provider.scenario';
import { loadAverage, writeSection } from './bench.report';

/**
 * The provider as the limit at its smallest: the LLM simulator allows 20 requests a minute and 40
 * chats arrive at once, against `npm start` compiled. The budget holds a minute's worth and
 * refills one request every 3 s, so the last of the 40 can start about a minute after the first 20.
 */
export async function providerLimitBench(opts: { rpm?: number; chats?: number } = {}) {
  const rpm = opts.rpm ?? 20;
  const chats = opts.chats ?? 40;
  const load = loadAverage();
  const r = await runProviderScenario({ rpm, chats });
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const ended = Object.entries(r.ended)
    .map(([event, n]) => `${n} \`${event}\``)
    .join(', ');
  const statuses = Object.entries(r.simByStatus)
    .map(([status, n]) => `${n} × ${status}`)
    .join(', ');
  const body = `${chats} new guests each send one message at once and read the reply's stream to its end, against \`npm start\` compiled (the autoscaler runs the fleets) with the LLM simulator at \`LLM_SIM_RPM=${rpm}\` (first token after 100 ms, then one every 10 ms, 40 tokens), /api/ops/status read every 250 ms. Load average ${load.toFixed(1)} at the start.

| figure | value |
| --- | --- |
| replies ended | ${ended} |
| first message to last reply ended | ${r.seconds.toFixed(1)} s |
| simulator answers (its /metrics, \`llm_sim_responses_total\`) | ${statuses} |
| 429s against replies | ${r.sim429} of at most ${chats} |
| \`done.timings.providerWaitMs\`: mean / largest | ${s(r.providerWait.meanMs)} / ${s(r.providerWait.maxMs)} |
| \`done.timings.queueWaitMs\`: mean / largest | ${s(r.queueWait.meanMs)} / ${s(r.queueWait.maxMs)} |
| /api/ops/status samples with the provider as the limit | ${r.opsLimiting} of ${r.opsSamples} |
| most chat workers running at once | ${r.maxChatWorkers} |

What the ops status said while the provider was the limit: “${r.limitingReason ?? '(never)'}”${r.decisionWhileLimited ? `; the autoscaler's decision then: “${r.decisionWhileLimited}”` : ''}`;
  writeSection(
    'provider-limit',
    'Provider as the limit (20 requests/min, 40 chats)',
    'npm run bench -- provider-limit',
    body,
  );
  return r;
}
