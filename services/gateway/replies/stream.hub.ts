import type { Redis } from 'ioredis';
import { decodeEntry, type StoredEvent } from '../../../shared/replies/reply.events';
import type { Logger } from '../../../shared/telemetry/logger';

export type StreamListener = (events: StoredEvent[]) => void;

interface Subscriber {
  lastId: string;
  listener: StreamListener;
}

/** Compares Redis stream ids (`ms-seq`). */
export function compareIds(a: string, b: string): number {
  const [am = '0', as = '0'] = a.split('-');
  const [bm = '0', bs = '0'] = b.split('-');
  return am.length - bm.length || (am < bm ? -1 : am > bm ? 1 : 0) || Number(as) - Number(bs);
}

/**
 * Relays many reply streams over a fixed number of Redis connections: one blocking XREAD over
 * every stream with a listener, and one command connection that wakes it (CLIENT UNBLOCK) when the
 * set of streams changes. Thousands of SSE clients cost two connections, not one each.
 */
export function createStreamHub(deps: {
  reader: Redis;
  control: Redis;
  log: Logger;
  blockMs?: number;
  count?: number;
}) {
  const { reader, control, log } = deps;
  const streams = new Map<string, Set<Subscriber>>();
  let readerId: number | undefined;
  let blocked = false;
  let waking = false;
  let closed = false;
  let idle: (() => void) | undefined;
  let loop: Promise<void> | undefined;

  // The key set a blocked XREAD was issued with; a subscriber added later bumps `generation`.
  let generation = 0;
  let readGeneration = 0;

  /**
   * Wakes the blocked XREAD so it is re-issued with the new key set. The UNBLOCK can overtake the
   * XREAD it is meant for (two connections), so it is repeated until one lands or the loop moves on.
   */
  const wake = () => {
    idle?.();
    if (waking) return;
    waking = true;
    void (async () => {
      try {
        while (!closed && blocked && readGeneration < generation && readerId !== undefined) {
          if (Number(await control.client('UNBLOCK', readerId)) === 1) break;
          await new Promise((r) => setTimeout(r, 1));
        }
      } catch (error) {
        log.warn({ err: error }, 'stream hub wake failed');
      } finally {
        waking = false;
      }
    })();
  };

  const deliver = (key: string, entries: [string, string[]][]) => {
    const subscribers = streams.get(key);
    if (!subscribers) return;
    const events = entries.map(decodeEntry);
    for (const sub of subscribers) {
      const fresh = events.filter((e) => compareIds(e.id, sub.lastId) > 0);
      if (fresh.length === 0) continue;
      sub.lastId = fresh[fresh.length - 1]!.id;
      try {
        sub.listener(fresh);
      } catch (error) {
        log.error({ err: error }, 'stream listener failed');
      }
    }
  };

  const run = async () => {
    let failures = 0;
    while (!closed) {
      if (streams.size === 0) {
        await new Promise<void>((resolve) => {
          idle = resolve;
        });
        idle = undefined;
        continue;
      }
      const gen = generation;
      const keys: string[] = [];
      const ids: string[] = [];
      for (const [key, subs] of streams) {
        let min: string | undefined;
        for (const sub of subs) if (!min || compareIds(sub.lastId, min) < 0) min = sub.lastId;
        keys.push(key);
        ids.push(min ?? '0-0');
      }
      try {
        readerId ??= Number(await reader.client('ID'));
        readGeneration = gen;
        blocked = true;
        const result = (await reader.xread(
          'COUNT',
          deps.count ?? 1000,
          'BLOCK',
          deps.blockMs ?? 5000,
          'STREAMS',
          ...keys,
          ...ids,
        )) as [string, [string, string[]][]][] | null;
        blocked = false;
        failures = 0;
        for (const [key, entries] of result ?? []) deliver(key, entries);
      } catch (error) {
        blocked = false;
        readerId = undefined;
        if (closed) break;
        failures += 1;
        log.warn({ err: error, failures }, 'stream hub read failed');
        await new Promise((r) => setTimeout(r, Math.min(2000, 50 * 2 ** failures)));
      }
    }
  };

  reader.on('ready', () => {
    readerId = undefined;
  });

  return {
    /** Listens to a stream from after `fromId` ('0-0' for the start); returns the unsubscribe. */
    subscribe(key: string, fromId: string, listener: StreamListener): () => void {
      const sub: Subscriber = { lastId: fromId, listener };
      let subs = streams.get(key);
      if (!subs) {
        subs = new Set();
        streams.set(key, subs);
      }
      subs.add(sub);
      generation += 1;
      loop ??= run();
      wake();
      return () => {
        const set = streams.get(key);
        if (!set) return;
        set.delete(sub);
        if (set.size === 0) streams.delete(key);
      };
    },
    get size() {
      return streams.size;
    },
    async close() {
      closed = true;
      streams.clear();
      idle?.();
      wake();
      await loop?.catch(() => undefined);
    },
  };
}

export type StreamHub = ReturnType<typeof createStreamHub>;
