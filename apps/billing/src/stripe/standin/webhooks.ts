import { createHmac } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { StandinEvent } from './objects.js';

/** Test knobs: hold events until released (to reorder them), and deliver every event twice. */
export interface WebhookSettings {
  hold: boolean;
  duplicate: boolean;
}

export type ReleaseOrder = 'fifo' | 'reverse' | 'shuffle';

export interface DeliveryLog {
  id: string;
  type: string;
  attempts: number;
  /** HTTP status of the last attempt, or null when it could not connect (or none was made yet). */
  lastStatus: number | null;
  state: 'held' | 'pending' | 'delivered' | 'failed';
}

export interface WebhookSenderOptions {
  /** Where events are POSTed; read at each delivery so it can be set after the receiver listens. */
  url: () => string;
  secret: string;
  /** Waits between attempts; one more attempt than entries. */
  retryDelaysMs?: number[];
  onFailure?: (event: StandinEvent, error: string) => void;
}

/** Stripe's `Stripe-Signature` header: `t=<seconds>,v1=<hex HMAC-SHA256 of "t.payload" keyed by the secret>`. */
export function signatureHeader(payload: string, secret: string, timestamp: number): string {
  const signature = createHmac('sha256', secret).update(`${timestamp}.${payload}`).digest('hex');
  return `t=${timestamp},v1=${signature}`;
}

/**
 * Delivers events to the webhook endpoint as Stripe does: signed, independently of each other (so
 * in no guaranteed order), retried with backoff until a 2xx answer.
 */
export class WebhookSender {
  readonly settings: WebhookSettings = { hold: false, duplicate: false };
  private readonly held: StandinEvent[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly log = new Map<string, DeliveryLog>();
  private readonly stopping = new AbortController();

  constructor(private readonly options: WebhookSenderOptions) {}

  send(event: StandinEvent): void {
    this.log.set(event.id, { id: event.id, type: event.type, attempts: 0, lastStatus: null, state: 'pending' });
    if (this.settings.hold) {
      this.held.push(event);
      this.entry(event.id).state = 'held';
      return;
    }
    this.dispatch(event);
  }

  /** Sends an event again, as Stripe sometimes does. */
  resend(eventId: string, events: ReadonlyMap<string, StandinEvent>): boolean {
    const event = events.get(eventId);
    if (!event) return false;
    this.dispatch(event);
    return true;
  }

  /** Delivers the held events in the given order and stops holding. */
  release(order: ReleaseOrder = 'fifo'): number {
    const events = this.held.splice(0);
    if (order === 'reverse') events.reverse();
    if (order === 'shuffle') {
      for (let i = events.length - 1; i > 0; i--) {
        const j = Math.floor(Math.random() * (i + 1));
        [events[i], events[j]] = [events[j] as StandinEvent, events[i] as StandinEvent];
      }
    }
    this.settings.hold = false;
    for (const event of events) this.dispatch(event);
    return events.length;
  }

  /** Resolves once no delivery is in flight or waiting to retry (held events stay held). */
  async flush(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  deliveries(): DeliveryLog[] {
    return [...this.log.values()];
  }

  close(): void {
    this.stopping.abort();
    this.held.length = 0;
  }

  private dispatch(event: StandinEvent): void {
    const copies = this.settings.duplicate ? 2 : 1;
    for (let copy = 0; copy < copies; copy++) {
      const delivery = this.deliver(event).finally(() => this.inFlight.delete(delivery));
      this.inFlight.add(delivery);
    }
  }

  private async deliver(event: StandinEvent): Promise<void> {
    const delays = this.options.retryDelaysMs ?? [500, 2_000, 10_000];
    const entry = this.entry(event.id);
    entry.state = 'pending';
    const payload = JSON.stringify(event, null, 2);
    let lastError = '';
    for (let attempt = 0; attempt <= delays.length; attempt++) {
      if (this.stopping.signal.aborted) return;
      entry.attempts++;
      try {
        const response = await fetch(this.options.url(), {
          method: 'POST',
          headers: {
            'content-type': 'application/json; charset=utf-8',
            'stripe-signature': signatureHeader(payload, this.options.secret, Math.floor(Date.now() / 1000)),
            'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks; synthwell stand-in)',
          },
          body: payload,
          signal: AbortSignal.any([this.stopping.signal, AbortSignal.timeout(10_000)]),
        });
        entry.lastStatus = response.status;
        await response.arrayBuffer();
        if (response.ok) {
          entry.state = 'delivered';
          return;
        }
        lastError = `HTTP ${response.status}`;
      } catch (error) {
        entry.lastStatus = null;
        lastError = error instanceof Error ? error.message : String(error);
      }
      const delay = delays[attempt];
      if (delay === undefined) break;
      try {
        await sleep(delay, undefined, { signal: this.stopping.signal });
      } catch {
        return;
      }
    }
    entry.state = 'failed';
    this.options.onFailure?.(event, lastError);
  }

  private entry(id: string): DeliveryLog {
    const entry = this.log.get(id);
    if (!entry) throw new Error(`No delivery log for ${id}`);
    return entry;
  }
}
