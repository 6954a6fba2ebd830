import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ChatWorkerEnv } from '../../workers/chat/chat.config';
import {
  closeMarginSeconds,
  FARGATE_MAX_STOP_TIMEOUT_SECONDS,
  fleets,
  stopTimeoutSeconds,
} from './fleets.config';

describe('drain deadline and stop timeout', () => {
  it.each(Object.entries(fleets))(
    'leave %s workers time to close after the drain, within Fargate’s limit',
    (_, fleet) => {
      expect(stopTimeoutSeconds(fleet)).toBe(fleet.drainDeadlineSeconds + closeMarginSeconds);
      expect(closeMarginSeconds).toBeGreaterThanOrEqual(10);
      expect(stopTimeoutSeconds(fleet)).toBeLessThanOrEqual(FARGATE_MAX_STOP_TIMEOUT_SECONDS);
    },
  );

  it('let a chat worker finish the longest LLM call it allows before the deadline', () => {
    const llmTimeoutMs = ChatWorkerEnv.properties.LLM_TIMEOUT_MS.default as number;
    expect(fleets.chat.drainDeadlineSeconds * 1000).toBeGreaterThan(llmTimeoutMs);
  });

  it('are what docker compose gives each worker before it kills it', () => {
    const compose = parse(readFileSync(resolve(import.meta.dirname, '../../docker-compose.yml'), 'utf8')) as {
      services: Record<string, { stop_grace_period?: string }>;
    };
    expect(compose.services['chat-worker']?.stop_grace_period).toBe(`${stopTimeoutSeconds(fleets.chat)}s`);
    expect(compose.services['writer-worker']?.stop_grace_period).toBe(
      `${stopTimeoutSeconds(fleets.writer)}s`,
    );
  });
});
