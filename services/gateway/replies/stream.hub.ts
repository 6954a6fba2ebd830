import type { Redis } from 'ioredis';
import { onReconnect } from '../../../shared/redis/connection';
import type { RedisKeys } from '../../../shared/redis/keys';
import { decodeEntry, type ReplyEventType, type StoredEvent } from '../../../shared/replies/reply.events';
import type { Logger } from '../../../shared/telemetry/logger';

/** Hears a stream's events; `live` when they came as they were written (not read back from the stream). */
export type StreamListener = (events: StoredEvent[], live: boolean) => void;

/** Compares Redis stream ids (`ms-seq`). */
export function compareIds(a: string, b: string): number {
  const [am = '0', as = '0'] = a.split('-');
  const [bm = '0', bs = '0'] = b.split('-');
  return am.length - bm.length || (am < bm ? -1 : am > bm ? 1 : 0) || Number(as) - Number(bs);
}

/** What the stream held when a subscriber caught up: nothing more will come once it is gone. */
export interface CatchUp {
  /** The stream key no longer exists (expired, or removed once the reply was stored). */
  gone: boolean;
}

interface Subscriber {
  lastId: string;
  listener: StreamListener;
  /** Live events held back while the subscriber reads what it missed; null once it is live. */
  held: StoredEvent[] | null;
  onCaughtUp?: (state: CatchUp) => void;
}

interface Relay {
  key: string;
  channel: string;
  subscribers: Set<Subscriber>;
}

/** A live-channel message (lua/includes/publishEvent.lua): `<id>\n<type>\n<data>`. */
export function decodeLive(message: string): StoredEvent | undefined {
  const first = message.indexOf('\n');
  const second = message.indexOf('\n', first + 1);
  if (first < 0 || second < 0) return undefined;
  return {
    id: message.slice(0, first),
    type: message.slice(first + 1, second) as ReplyEventType,
    data: message.slice(second + 1),
  };
}

/**
 * Relays many reply streams over a fixed number of Redis connections. Each entry a worker adds to a
 * reply's stream is also published on the reply's live channel; the hub subscribes to the channels
 * of the streams it relays, all on one connection, and hands each message straight to its SSE
 * clients. A client joining (or resuming with Last-Event-ID) subscribes first, then reads what it
 * missed with XRANGE, holding live messages back meanwhile, so it sees every event once and in
 * order. When the subscriber connection comes back after a loss, every client catches up again from
 * its last event. Thousands of SSE clients cost two connections: the subscriber and the command
 * connection it shares with the rest of the gateway.
 */
export function createStreamHub(deps: { subscriber: Redis; redis: Redis; keys: RedisKeys; log: Logger }) {
  const { subscriber, redis, keys, log } = deps;
  const relays = new Map<string, Relay>();
  let closed = false;

  const deliver = (sub: Subscriber, events: StoredEvent[], live = false) => {
    const fresh = events.filter((e) => compareIds(e.id, sub.lastId) > 0);
    if (fresh.length === 0) return;
    sub.lastId = fresh[fresh.length - 1]!.id;
    try {
      sub.listener(fresh, live);
    } catch (error) {
      log.error({ err: error }, 'stream listener failed');
    }
  };

  /** Reads what `sub` missed, then lets the events held meanwhile through. */
  const catchUp = async (relay: Relay, sub: Subscriber) => {
    sub.held ??= [];
    let state: CatchUp = { gone: false };
    for (let attempt = 0; !closed && relay.subscribers.has(sub); attempt++) {
      try {
        const from = sub.lastId === '0-0' ? '-' : `(${sub.lastId}`;
        // Two commands, in order on one connection (a transaction costs more here, and a stream
        // that expires in between is then read as it was and reported gone, which is true).
        const [entries, exists] = await Promise.all([
          redis.xrange(relay.key, from, '+') as Promise<[string, string[]][]>,
          redis.exists(relay.key),
        ]);
        deliver(sub, entries.map(decodeEntry));
        state = { gone: exists === 0 };
        break;
      } catch (error) {
        log.warn({ err: error, attempt }, 'reply stream catch-up failed; retrying');
        await new Promise((r) => setTimeout(r, Math.min(2000, 50 * 2 ** attempt)));
      }
    }
    const held = sub.held ?? [];
    sub.held = null;
    deliver(sub, held);
    sub.onCaughtUp?.(state);
  };

  subscriber.on('message', (channel: string, message: string) => {
    const relay = relays.get(channel);
    const event = relay && decodeLive(message);
    if (!relay || !event) return;
    for (const sub of relay.subscribers) {
      if (sub.held) sub.held.push(event);
      else deliver(sub, [event], true);
    }
  });

  // Messages published while the connection was away are lost: everyone reads them from the streams.
  onReconnect(subscriber, () => {
    const channels = [...relays.keys()];
    if (channels.length === 0) return;
    void subscriber
      .subscribe(...channels)
      .then(() => {
        for (const relay of relays.values()) for (const sub of relay.subscribers) void catchUp(relay, sub);
      })
      .catch((error) => log.warn({ err: error }, 'stream hub could not subscribe again'));
  });

  return {
    /**
     * Relays a reply's stream from after `fromId` ('0-0' for the start) to `listener`; `onCaughtUp`
     * hears whether the stream was still there once the events missed were read. Returns the
     * unsubscribe.
     */
    subscribe(
      replyId: string,
      fromId: string,
      listener: StreamListener,
      onCaughtUp?: (state: CatchUp) => void,
    ): () => void {
      const channel = keys.replyLive(replyId);
      let relay = relays.get(channel);
      const isNew = !relay;
      if (!relay) {
        relay = { key: keys.replyEvents(replyId), channel, subscribers: new Set() };
        relays.set(channel, relay);
      }
      const sub: Subscriber = { lastId: fromId, listener, held: [], onCaughtUp };
      relay.subscribers.add(sub);
      const joined = relay;
      // Subscribed before the catch-up read, so nothing published in between is missed.
      void (isNew ? subscriber.subscribe(channel) : Promise.resolve())
        .catch((error) => log.warn({ err: error, channel }, 'stream hub subscribe failed'))
        .then(() => catchUp(joined, sub));
      return () => {
        joined.subscribers.delete(sub);
        if (joined.subscribers.size > 0 || relays.get(channel) !== joined) return;
        relays.delete(channel);
        if (!closed)
          subscriber.unsubscribe(channel).catch((error) => log.debug({ err: error }, 'unsubscribe failed'));
      };
    },
    /** Reply streams being relayed. */
    get size() {
      return relays.size;
    },
    async close() {
      closed = true;
      relays.clear();
    },
  };
}

export type StreamHub = ReturnType<typeof createStreamHub>;
