import type Stripe from 'stripe';
import type { FormReader } from './form.js';
import { ParamError } from './form.js';
import {
  periodEnd,
  type StandinCheckoutSession,
  type StandinCustomer,
  type StandinEvent,
  type StandinEventObject,
  type StandinEventType,
  type StandinInvoice,
  type StandinMeterEvent,
  type StandinPortalSession,
  type StandinPrice,
  type StandinProduct,
  type StandinSubscription,
  stripeId,
  unixNow,
} from './objects.js';

/** The API version the stand-in's events claim; the one the installed SDK speaks. */
export const STANDIN_API_VERSION = '2026-10-28.endive';

/** An error the stand-in answers with, in Stripe's `{ error: { type, code, message, param } }` shape. */
export class StandinError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string | null = null,
    readonly param: string | null = null,
    readonly type = 'invalid_request_error',
  ) {
    super(message);
    this.name = 'StandinError';
  }

  static missing(kind: string, id: string, param: string | null = null): StandinError {
    return new StandinError(404, `No such ${kind}: '${id}'`, 'resource_missing', param);
  }
}

/** A Checkout Session with what it was created with but does not show: the price and the subscription's metadata. */
interface CheckoutRecord {
  session: StandinCheckoutSession;
  priceId: string;
  subscriptionMetadata: Record<string, string>;
}

/** Stripe's list envelope. */
export interface StandinList<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
  url: string;
}

function required<T>(value: T | undefined, kind: string, id: string, param: string | null = null): T {
  if (value === undefined) throw StandinError.missing(kind, id, param);
  return value;
}

/**
 * Stripe's state, in memory: the objects Synthwell uses and the state changes that drive a
 * subscription's life (checkout, renewals, failed payments, cancellation). Each change emits the
 * webhook events Stripe would.
 */
export class StripeStore {
  readonly customers = new Map<string, StandinCustomer>();
  readonly products = new Map<string, StandinProduct>();
  readonly prices = new Map<string, StandinPrice>();
  readonly checkoutSessions = new Map<string, CheckoutRecord>();
  readonly subscriptions = new Map<string, StandinSubscription>();
  readonly invoices = new Map<string, StandinInvoice>();
  readonly portalSessions = new Map<string, StandinPortalSession>();
  readonly meterEvents = new Map<string, StandinMeterEvent>();
  readonly events = new Map<string, StandinEvent>();

  constructor(
    /** Called with every event, in the order the changes happened. */
    private readonly publish: (event: StandinEvent) => void,
    /** The stand-in's own base URL, for hosted pages. */
    private readonly baseUrl: () => string,
  ) {}

  // ─── Customers, products, prices ─────────────────────────────────────────

  createCustomer(form: FormReader): StandinCustomer {
    form.only('email', 'name', 'description', 'metadata');
    const customer: StandinCustomer = {
      id: stripeId('cus'),
      object: 'customer',
      created: unixNow(),
      livemode: false,
      email: form.string('email') ?? null,
      name: form.string('name') ?? null,
      description: form.string('description') ?? null,
      metadata: form.metadata(),
    };
    this.customers.set(customer.id, customer);
    return customer;
  }

  customer(id: string, param: string | null = null): StandinCustomer {
    return required(this.customers.get(id), 'customer', id, param);
  }

  createProduct(form: FormReader): StandinProduct {
    form.only('name', 'description', 'metadata', 'active');
    const now = unixNow();
    const product: StandinProduct = {
      id: stripeId('prod'),
      object: 'product',
      active: form.boolean('active') ?? true,
      created: now,
      updated: now,
      livemode: false,
      name: form.requiredString('name'),
      description: form.string('description') ?? null,
      metadata: form.metadata(),
    };
    this.products.set(product.id, product);
    return product;
  }

  product(id: string): StandinProduct {
    return required(this.products.get(id), 'product', id);
  }

  updateProduct(id: string, form: FormReader): StandinProduct {
    form.only('name', 'description', 'metadata', 'active');
    const product = this.product(id);
    product.name = form.string('name') ?? product.name;
    product.description = form.string('description') ?? product.description;
    product.active = form.boolean('active') ?? product.active;
    product.metadata = { ...product.metadata, ...form.metadata() };
    product.updated = unixNow();
    return product;
  }

  createPrice(form: FormReader): StandinPrice {
    form.only('product', 'currency', 'unit_amount', 'recurring', 'metadata', 'nickname', 'lookup_key', 'active');
    const productId = form.requiredString('product');
    this.product(productId);
    const recurring = form.object('recurring');
    const interval = recurring?.requiredString('interval');
    if (interval !== undefined && !['day', 'week', 'month', 'year'].includes(interval)) {
      throw new ParamError(
        'recurring[interval]',
        `Invalid recurring[interval]: must be one of day, week, month, or year`,
      );
    }
    const unitAmount = form.integer('unit_amount');
    if (unitAmount === undefined || unitAmount < 0) {
      throw new ParamError('unit_amount', 'Missing required param: unit_amount.');
    }
    const price: StandinPrice = {
      id: stripeId('price'),
      object: 'price',
      active: form.boolean('active') ?? true,
      created: unixNow(),
      livemode: false,
      currency: form.requiredString('currency').toLowerCase(),
      unit_amount: unitAmount,
      product: productId,
      type: interval ? 'recurring' : 'one_time',
      billing_scheme: 'per_unit',
      metadata: form.metadata(),
      lookup_key: form.string('lookup_key') ?? null,
      nickname: form.string('nickname') ?? null,
      recurring: interval
        ? {
            interval: interval as Stripe.Price.Recurring.Interval,
            interval_count: 1,
            usage_type: 'licensed',
            meter: null,
          }
        : null,
    };
    this.prices.set(price.id, price);
    return price;
  }

  price(id: string, param: string | null = null): StandinPrice {
    return required(this.prices.get(id), 'price', id, param);
  }

  updatePrice(id: string, form: FormReader): StandinPrice {
    form.only('active', 'metadata', 'nickname');
    const price = this.price(id);
    price.active = form.boolean('active') ?? price.active;
    price.nickname = form.string('nickname') ?? price.nickname;
    price.metadata = { ...price.metadata, ...form.metadata() };
    return price;
  }

  // ─── Checkout ─────────────────────────────────────────────────────────────

  createCheckoutSession(form: FormReader): StandinCheckoutSession {
    form.only(
      'mode',
      'customer',
      'client_reference_id',
      'line_items',
      'success_url',
      'cancel_url',
      'metadata',
      'subscription_data',
      'allow_promotion_codes',
    );
    const mode = form.requiredString('mode');
    if (mode !== 'subscription') {
      throw new ParamError('mode', `The stand-in implements Checkout in subscription mode only (got ${mode}).`);
    }
    const customerId = form.requiredString('customer');
    this.customer(customerId, 'customer');
    const [line, ...extra] = form.list('line_items');
    if (!line || extra.length > 0) {
      throw new ParamError('line_items', 'The stand-in expects exactly one line item.');
    }
    const priceId = line.requiredString('price');
    const price = this.price(priceId, 'line_items[0][price]');
    if (!price.active)
      throw new StandinError(400, `The price ${priceId} is not active.`, 'price_inactive', 'line_items[0][price]');
    if (!price.recurring) {
      throw new StandinError(
        400,
        'Subscription mode needs a recurring price.',
        'parameter_invalid',
        'line_items[0][price]',
      );
    }
    const now = unixNow();
    const id = stripeId('cs_test');
    const session: StandinCheckoutSession = {
      id,
      object: 'checkout.session',
      created: now,
      livemode: false,
      mode: 'subscription',
      status: 'open',
      payment_status: 'unpaid',
      client_reference_id: form.string('client_reference_id') ?? null,
      customer: customerId,
      success_url: form.requiredString('success_url'),
      cancel_url: form.string('cancel_url') ?? null,
      url: `${this.baseUrl()}/checkout/${id}`,
      metadata: form.metadata(),
      expires_at: now + 24 * 3600,
      currency: price.currency,
      amount_total: price.unit_amount,
      subscription: null,
    };
    const subscriptionMetadata = form.object('subscription_data')?.metadata() ?? {};
    this.checkoutSessions.set(id, { session, priceId, subscriptionMetadata });
    return session;
  }

  checkoutSession(id: string): StandinCheckoutSession {
    return this.checkoutRecord(id).session;
  }

  /** The "Pay with test card" button: starts the subscription and emits what Stripe emits. */
  completeCheckout(id: string): StandinCheckoutSession {
    const { session, priceId, subscriptionMetadata } = this.checkoutRecord(id);
    if (session.status !== 'open') throw new StandinError(400, `This Checkout Session is ${session.status}.`);
    const price = this.price(priceId);
    const now = unixNow();
    const subscriptionId = stripeId('sub');
    const subscription: StandinSubscription = {
      id: subscriptionId,
      object: 'subscription',
      created: now,
      livemode: false,
      status: 'active',
      cancel_at: null,
      cancel_at_period_end: false,
      canceled_at: null,
      ended_at: null,
      start_date: now,
      currency: price.currency,
      collection_method: 'charge_automatically',
      metadata: subscriptionMetadata,
      customer: session.customer,
      latest_invoice: null,
      items: {
        object: 'list',
        data: [
          {
            id: stripeId('si'),
            object: 'subscription_item',
            created: now,
            current_period_start: now,
            current_period_end: periodEnd(now, price.recurring?.interval ?? 'month'),
            metadata: {},
            quantity: 1,
            subscription: subscriptionId,
            price,
          },
        ],
        has_more: false,
        url: `/v1/subscription_items?subscription=${subscriptionId}`,
      },
    };
    this.subscriptions.set(subscriptionId, subscription);
    const invoice = this.createInvoice(subscription, 'subscription_create', true);
    session.status = 'complete';
    session.payment_status = 'paid';
    session.subscription = subscriptionId;
    this.emit('customer.subscription.created', subscription);
    this.emit('invoice.paid', invoice);
    this.emit('checkout.session.completed', session);
    return session;
  }

  // ─── Subscriptions ────────────────────────────────────────────────────────

  subscription(id: string): StandinSubscription {
    return required(this.subscriptions.get(id), 'subscription', id);
  }

  updateSubscription(id: string, form: FormReader): StandinSubscription {
    form.only('cancel_at_period_end', 'metadata');
    const subscription = this.subscription(id);
    if (subscription.status === 'canceled') {
      throw new StandinError(400, 'A canceled subscription can only update its metadata.');
    }
    const previous: Record<string, unknown> = {};
    const cancelAtPeriodEnd = form.boolean('cancel_at_period_end');
    if (cancelAtPeriodEnd !== undefined && cancelAtPeriodEnd !== subscription.cancel_at_period_end) {
      previous.cancel_at_period_end = subscription.cancel_at_period_end;
      previous.cancel_at = subscription.cancel_at;
      subscription.cancel_at_period_end = cancelAtPeriodEnd;
      subscription.cancel_at = cancelAtPeriodEnd ? this.item(subscription).current_period_end : null;
    }
    const metadata = form.metadata();
    if (Object.keys(metadata).length > 0) {
      previous.metadata = subscription.metadata;
      subscription.metadata = { ...subscription.metadata, ...metadata };
    }
    if (Object.keys(previous).length > 0) this.emit('customer.subscription.updated', subscription, previous);
    return subscription;
  }

  /** Cancels at once (`DELETE /v1/subscriptions/:id`). */
  cancelSubscription(id: string): StandinSubscription {
    const subscription = this.subscription(id);
    if (subscription.status === 'canceled') return subscription;
    const now = unixNow();
    subscription.status = 'canceled';
    subscription.canceled_at = now;
    subscription.ended_at = now;
    this.emit('customer.subscription.deleted', subscription);
    return subscription;
  }

  /**
   * The current period ends: a subscription set to cancel (or past due with retries exhausted) ends;
   * any other renews, and its renewal invoice is paid or, with `failPayment`, fails (past_due).
   */
  advance(id: string, options: { failPayment?: boolean } = {}): StandinSubscription {
    const subscription = this.subscription(id);
    if (subscription.status === 'canceled') throw new StandinError(400, `Subscription ${id} has already ended.`);
    const item = this.item(subscription);
    if (subscription.cancel_at_period_end || subscription.status === 'past_due') {
      subscription.status = 'canceled';
      subscription.ended_at = subscription.cancel_at_period_end ? item.current_period_end : unixNow();
      subscription.canceled_at = unixNow();
      this.emit('customer.subscription.deleted', subscription);
      return subscription;
    }
    const previous = {
      status: subscription.status,
      items: structuredClone(subscription.items),
      latest_invoice: subscription.latest_invoice,
    };
    item.current_period_start = item.current_period_end;
    item.current_period_end = periodEnd(item.current_period_start, item.price.recurring?.interval ?? 'month');
    const invoice = this.createInvoice(subscription, 'subscription_cycle', !options.failPayment);
    subscription.status = options.failPayment ? 'past_due' : 'active';
    this.emit(options.failPayment ? 'invoice.payment_failed' : 'invoice.paid', invoice);
    this.emit('customer.subscription.updated', subscription, previous);
    return subscription;
  }

  /** A retry of a past-due subscription's open invoice succeeds. */
  payOpenInvoice(id: string): StandinSubscription {
    const subscription = this.subscription(id);
    const invoice = subscription.latest_invoice ? this.invoices.get(subscription.latest_invoice) : undefined;
    if (subscription.status !== 'past_due' || !invoice || invoice.status !== 'open') {
      throw new StandinError(400, `Subscription ${id} has no open invoice to pay.`);
    }
    invoice.status = 'paid';
    invoice.amount_paid = invoice.amount_due;
    invoice.amount_remaining = 0;
    invoice.attempt_count += 1;
    subscription.status = 'active';
    this.emit('invoice.paid', invoice);
    this.emit('customer.subscription.updated', subscription, { status: 'past_due' });
    return subscription;
  }

  // ─── Invoices ─────────────────────────────────────────────────────────────

  invoice(id: string): StandinInvoice {
    return required(this.invoices.get(id), 'invoice', id);
  }

  /** `GET /v1/invoices`: newest first, filtered like Stripe's list, paged with `limit` and `starting_after`. */
  listInvoices(query: FormReader): StandinList<StandinInvoice> {
    query.only('customer', 'subscription', 'status', 'limit', 'starting_after');
    const limit = query.integer('limit') ?? 10;
    if (limit < 1 || limit > 100) throw new ParamError('limit', 'Invalid limit: must be between 1 and 100.');
    const customer = query.string('customer');
    const subscription = query.string('subscription');
    const status = query.string('status');
    // Invoices are kept in the order they were made; Stripe lists newest first.
    let matching = [...this.invoices.values()]
      .reverse()
      .filter(
        (invoice) =>
          (!customer || invoice.customer === customer) &&
          (!subscription || invoice.parent.subscription_details.subscription === subscription) &&
          (!status || invoice.status === status),
      );
    const after = query.string('starting_after');
    if (after) {
      const index = matching.findIndex((invoice) => invoice.id === after);
      if (index < 0) throw StandinError.missing('invoice', after, 'starting_after');
      matching = matching.slice(index + 1);
    }
    return { object: 'list', data: matching.slice(0, limit), has_more: matching.length > limit, url: '/v1/invoices' };
  }

  // ─── Billing portal and meters ────────────────────────────────────────────

  createPortalSession(form: FormReader): StandinPortalSession {
    form.only('customer', 'return_url');
    const customer = form.requiredString('customer');
    this.customer(customer, 'customer');
    const id = stripeId('bps');
    const session: StandinPortalSession = {
      id,
      object: 'billing_portal.session',
      created: unixNow(),
      livemode: false,
      customer,
      configuration: 'bpc_standin_default',
      return_url: form.string('return_url') ?? null,
      url: `${this.baseUrl()}/portal/${id}`,
      locale: null,
      on_behalf_of: null,
      flow: null,
    };
    this.portalSessions.set(id, session);
    return session;
  }

  portalSession(id: string): StandinPortalSession {
    return required(this.portalSessions.get(id), 'billing portal session', id);
  }

  subscriptionsOf(customerId: string): StandinSubscription[] {
    return [...this.subscriptions.values()].filter((subscription) => subscription.customer === customerId);
  }

  createMeterEvent(form: FormReader): StandinMeterEvent {
    form.only('event_name', 'payload', 'identifier', 'timestamp');
    const payload = form.object('payload');
    const customer = payload?.requiredString('stripe_customer_id');
    const value = payload?.requiredString('value');
    if (!customer || !value) throw new ParamError('payload', 'Missing required param: payload.');
    this.customer(customer, 'payload[stripe_customer_id]');
    if (!/^\d+$/.test(value)) throw new ParamError('payload[value]', 'payload[value] must be a whole number.');
    const identifier = form.string('identifier') ?? stripeId('mev');
    if (this.meterEvents.has(identifier)) {
      throw new StandinError(
        400,
        `An event already exists with identifier ${identifier}.`,
        'meter_event_duplicate_identifier',
        'identifier',
      );
    }
    const now = unixNow();
    const event: StandinMeterEvent = {
      object: 'billing.meter_event',
      created: now,
      livemode: false,
      event_name: form.requiredString('event_name'),
      identifier,
      payload: { stripe_customer_id: customer, value },
      timestamp: form.integer('timestamp') ?? now,
    };
    this.meterEvents.set(identifier, event);
    return event;
  }

  // ─── Internals ────────────────────────────────────────────────────────────

  private item(subscription: StandinSubscription) {
    const item = subscription.items.data[0];
    if (!item) throw new Error(`Subscription ${subscription.id} has no items`);
    return item;
  }

  /** Like Stripe, every subscription start and renewal bills an invoice, numbered per customer. */
  private createInvoice(
    subscription: StandinSubscription,
    reason: 'subscription_create' | 'subscription_cycle',
    paid: boolean,
  ) {
    const item = this.item(subscription);
    const amount = item.price.unit_amount ?? 0;
    const id = stripeId('in');
    const invoice: StandinInvoice = {
      id,
      object: 'invoice',
      number: this.nextInvoiceNumber(subscription.customer),
      total: amount,
      hosted_invoice_url: `${this.baseUrl()}/invoice/${id}`,
      invoice_pdf: `${this.baseUrl()}/invoice/${id}/pdf`,
      created: unixNow(),
      livemode: false,
      status: paid ? 'paid' : 'open',
      currency: item.price.currency,
      amount_due: amount,
      amount_paid: paid ? amount : 0,
      amount_remaining: paid ? 0 : amount,
      attempt_count: 1,
      billing_reason: reason,
      period_start: item.current_period_start,
      period_end: item.current_period_end,
      customer: subscription.customer,
      parent: {
        type: 'subscription_details',
        quote_details: null,
        subscription_details: { subscription: subscription.id, metadata: subscription.metadata },
      },
    };
    this.invoices.set(invoice.id, invoice);
    subscription.latest_invoice = invoice.id;
    return invoice;
  }

  /** `<customer prefix>-0001`, `-0002`, …: Stripe's default numbering, a prefix per customer and a sequence. */
  private nextInvoiceNumber(customerId: string): string {
    const sequence = [...this.invoices.values()].filter((invoice) => invoice.customer === customerId).length + 1;
    const prefix = customerId.slice(4, 12).toUpperCase();
    return `${prefix}-${String(sequence).padStart(4, '0')}`;
  }

  private checkoutRecord(id: string): CheckoutRecord {
    return required(this.checkoutSessions.get(id), 'checkout session', id);
  }

  private emit(type: StandinEventType, object: StandinEventObject, previous?: Record<string, unknown>): void {
    const event: StandinEvent = {
      id: stripeId('evt'),
      object: 'event',
      api_version: STANDIN_API_VERSION,
      created: unixNow(),
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type,
      data: {
        object: structuredClone(object),
        ...(previous ? { previous_attributes: structuredClone(previous) } : {}),
      },
    };
    this.events.set(event.id, event);
    this.publish(event);
  }
}
