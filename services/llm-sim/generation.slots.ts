/**
 * Caps concurrent generations like a model server with fixed capacity: requests over the cap
 * wait in arrival order, and the queue itself is bounded so overload turns into fast 429s.
 */
export interface SlotLimits {
  maxConcurrency: number;
  maxQueue: number;
}

export interface SlotTicket {
  /** Frees the slot, or leaves the queue if still waiting. Safe to call more than once. */
  release(): void;
}

export interface GenerationSlots {
  /**
   * Runs `onGranted` with the ticket as soon as a slot is free (synchronously when one is free
   * now). Returns undefined, without queueing, when the waiting queue is full.
   */
  acquire(onGranted: (ticket: SlotTicket) => void): SlotTicket | undefined;
  /** Grants waiting requests after the limits were raised. */
  refill(): void;
  active(): number;
  queued(): number;
}

interface Waiter {
  onGranted: (ticket: SlotTicket) => void;
  state: 'waiting' | 'running' | 'done';
  ticket: SlotTicket;
}

export function createGenerationSlots(limits: () => SlotLimits): GenerationSlots {
  let active = 0;
  let queued = 0;
  // Array plus head index: O(1) dequeue without shifting; cancelled waiters are skipped lazily.
  let queue: Waiter[] = [];
  let head = 0;

  const createWaiter = (onGranted: Waiter['onGranted'], state: Waiter['state']): Waiter => {
    const waiter: Waiter = {
      onGranted,
      state,
      ticket: {
        release() {
          const was = waiter.state;
          waiter.state = 'done';
          if (was === 'waiting') queued--;
          else if (was === 'running') {
            active--;
            refill();
          }
        },
      },
    };
    return waiter;
  };

  function refill(): void {
    while (active < limits().maxConcurrency && head < queue.length) {
      const next = queue[head++]!;
      if (next.state !== 'waiting') continue;
      queued--;
      active++;
      next.state = 'running';
      next.onGranted(next.ticket);
    }
    if (head === queue.length) {
      queue = [];
      head = 0;
    } else if (head > 1024 && head * 2 > queue.length) {
      queue = queue.slice(head);
      head = 0;
    }
  }

  return {
    acquire(onGranted) {
      const { maxConcurrency, maxQueue } = limits();
      if (active < maxConcurrency && queued === 0) {
        const waiter = createWaiter(onGranted, 'running');
        active++;
        onGranted(waiter.ticket);
        return waiter.ticket;
      }
      if (queued >= maxQueue) return undefined;
      const waiter = createWaiter(onGranted, 'waiting');
      queue.push(waiter);
      queued++;
      return waiter.ticket;
    },
    refill,
    active: () => active,
    queued: () => queued,
  };
}
