import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FormReader, ParamError, parseStripeForm } from './form.js';
import { stripeId } from './objects.js';
import { checkoutPage, invoiceDocument, invoicePage, portalPage } from './pages.js';
import { STANDIN_API_VERSION, StandinError, StripeStore } from './store.js';
import { type ReleaseOrder, WebhookSender } from './webhooks.js';

/** The API key the stand-in accepts; billing uses it whenever no real STRIPE_SECRET_KEY is set. */
export const STANDIN_SECRET_KEY = 'sk_test_standin';

export interface StandinOptions {
  /** 0 picks a free port. */
  port: number;
  host?: string;
  /** Where webhooks go; can be changed later with `webhookUrl`. */
  webhookUrl: string;
  webhookSecret: string;
  webhookRetryDelaysMs?: number[];
  /** Told about webhooks that failed every attempt. */
  onWebhookFailure?: (eventId: string, type: string, error: string) => void;
}

type Reply =
  | { status: number; body: unknown }
  | { status: number; html: string }
  | { status: number; file: Buffer; contentType: string }
  | { status: 303; location: string };
type Handler = (request: ParsedRequest) => Reply | Promise<Reply>;

interface ParsedRequest {
  method: string;
  params: string[];
  body: FormReader;
  /** The query string, where the SDK puts a GET's parameters (list filters, paging). */
  query: FormReader;
  /** For control endpoints, which take JSON too. */
  json: Record<string, unknown>;
}

interface Route {
  method: string;
  pattern: RegExp;
  /** API routes need the stand-in's secret key; hosted pages and control endpoints do not. */
  api: boolean;
  handler: Handler;
}

const ok = (body: unknown): Reply => ({ status: 200, body });
const html = (page: string): Reply => ({ status: 200, html: page });
const redirect = (location: string): Reply => ({ status: 303, location });

/**
 * A local stand-in for the Stripe API subset Synthwell uses, served over HTTP so the real `stripe` SDK
 * talks to it (`host`/`port`/`protocol`). Hosted Checkout and portal pages, webhook delivery with test
 * knobs, and `/__control/*` endpoints that move subscriptions through time. State lives in memory.
 */
export class StripeStandin {
  readonly store: StripeStore;
  readonly webhooks: WebhookSender;
  webhookUrl: string;
  private readonly idempotent = new Map<string, { fingerprint: string; status: number; body: unknown }>();
  private readonly routes: Route[];

  private constructor(
    private readonly server: Server,
    options: StandinOptions,
  ) {
    this.webhookUrl = options.webhookUrl;
    this.webhooks = new WebhookSender({
      url: () => this.webhookUrl,
      secret: options.webhookSecret,
      ...(options.webhookRetryDelaysMs ? { retryDelaysMs: options.webhookRetryDelaysMs } : {}),
      onFailure: (event, error) => options.onWebhookFailure?.(event.id, event.type, error),
    });
    this.store = new StripeStore(
      (event) => this.webhooks.send(event),
      () => this.url,
    );
    this.routes = this.defineRoutes();
  }

  static async start(options: StandinOptions): Promise<StripeStandin> {
    const server = createServer();
    const standin = new StripeStandin(server, options);
    server.on('request', (request, response) => void standin.handle(request, response));
    server.listen(options.port, options.host ?? '127.0.0.1');
    await once(server, 'listening');
    return standin;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get url(): string {
    return `http://localhost:${this.port}`;
  }

  async close(): Promise<void> {
    this.webhooks.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private defineRoutes(): Route[] {
    const { store } = this;
    const api = (method: string, path: string, handler: Handler): Route => ({
      method,
      pattern: new RegExp(`^${path}$`),
      api: true,
      handler,
    });
    const open = (method: string, path: string, handler: Handler): Route => ({
      ...api(method, path, handler),
      api: false,
    });
    const id = '([A-Za-z0-9_]+)';
    const subscriptionParam = (request: ParsedRequest) => {
      const value = request.json.subscription;
      if (typeof value !== 'string') throw new ParamError('subscription', 'Missing required param: subscription.');
      return value;
    };
    const productName = (productId: string) => store.products.get(productId)?.name ?? 'Subscription';
    const invoiceProduct = (subscriptionId: string) => {
      const price = store.subscriptions.get(subscriptionId)?.items.data[0]?.price;
      return price ? productName(price.product as string) : 'Subscription';
    };

    return [
      api('POST', '/v1/customers', ({ body }) => ok(store.createCustomer(body))),
      api('GET', `/v1/customers/${id}`, ({ params }) => ok(store.customer(params[0] as string))),
      api('POST', '/v1/products', ({ body }) => ok(store.createProduct(body))),
      api('GET', `/v1/products/${id}`, ({ params }) => ok(store.product(params[0] as string))),
      api('POST', `/v1/products/${id}`, ({ params, body }) => ok(store.updateProduct(params[0] as string, body))),
      api('POST', '/v1/prices', ({ body }) => ok(store.createPrice(body))),
      api('GET', `/v1/prices/${id}`, ({ params }) => ok(store.price(params[0] as string))),
      api('POST', `/v1/prices/${id}`, ({ params, body }) => ok(store.updatePrice(params[0] as string, body))),
      api('POST', '/v1/checkout/sessions', ({ body }) => ok(store.createCheckoutSession(body))),
      api('GET', `/v1/checkout/sessions/${id}`, ({ params }) => ok(store.checkoutSession(params[0] as string))),
      api('GET', `/v1/subscriptions/${id}`, ({ params }) => ok(store.subscription(params[0] as string))),
      api('POST', `/v1/subscriptions/${id}`, ({ params, body }) =>
        ok(store.updateSubscription(params[0] as string, body)),
      ),
      api('DELETE', `/v1/subscriptions/${id}`, ({ params }) => ok(store.cancelSubscription(params[0] as string))),
      api('GET', '/v1/invoices', ({ query }) => ok(store.listInvoices(query))),
      api('GET', `/v1/invoices/${id}`, ({ params }) => ok(store.invoice(params[0] as string))),
      api('POST', '/v1/billing_portal/sessions', ({ body }) => ok(store.createPortalSession(body))),
      api('POST', '/v1/billing/meter_events', ({ body }) => ok(store.createMeterEvent(body))),

      open('GET', `/checkout/${id}`, ({ params }) => {
        const session = store.checkoutSession(params[0] as string);
        const record = store.checkoutSessions.get(session.id);
        const price = store.price(record?.priceId ?? '');
        return html(checkoutPage(session, price, productName(price.product as string)));
      }),
      open('POST', `/checkout/${id}/pay`, ({ params }) => {
        const session = store.completeCheckout(params[0] as string);
        return redirect((session.success_url ?? '/').replace('{CHECKOUT_SESSION_ID}', session.id));
      }),
      open('GET', `/checkout/${id}/cancel`, ({ params }) => {
        const session = store.checkoutSession(params[0] as string);
        return redirect(session.cancel_url ?? '/');
      }),
      open('GET', `/invoice/${id}`, ({ params }) => {
        const invoice = store.invoice(params[0] as string);
        return html(invoicePage(invoice, invoiceProduct(invoice.parent.subscription_details.subscription)));
      }),
      open('GET', `/invoice/${id}/pdf`, ({ params }) => {
        const invoice = store.invoice(params[0] as string);
        const product = invoiceProduct(invoice.parent.subscription_details.subscription);
        return { status: 200, file: invoiceDocument(invoice, product), contentType: 'application/pdf' };
      }),
      open('GET', `/portal/${id}`, ({ params }) => {
        const session = store.portalSession(params[0] as string);
        return html(
          portalPage(session, store.subscriptionsOf(session.customer), (price) => productName(price.product as string)),
        );
      }),
      open('POST', `/portal/${id}/subscriptions/${id}/(cancel|resume)`, ({ params }) => {
        const [sessionId, subscriptionId, action] = params as [string, string, string];
        const session = store.portalSession(sessionId);
        if (store.subscription(subscriptionId).customer !== session.customer) {
          throw StandinError.missing('subscription', subscriptionId);
        }
        const form = new FormReader({ cancel_at_period_end: action === 'cancel' ? 'true' : 'false' });
        store.updateSubscription(subscriptionId, form);
        return redirect(`/portal/${sessionId}`);
      }),

      open('POST', '/__control/advance', (request) => ok(store.advance(subscriptionParam(request)))),
      open('POST', '/__control/fail_payment', (request) =>
        ok(store.advance(subscriptionParam(request), { failPayment: true })),
      ),
      open('POST', '/__control/pay', (request) => ok(store.payOpenInvoice(subscriptionParam(request)))),
      open('POST', '/__control/webhooks', ({ json }) => {
        if (typeof json.hold === 'boolean') this.webhooks.settings.hold = json.hold;
        if (typeof json.duplicate === 'boolean') this.webhooks.settings.duplicate = json.duplicate;
        return ok(this.webhooks.settings);
      }),
      open('POST', '/__control/webhooks/release', ({ json }) => {
        const order = (['fifo', 'reverse', 'shuffle'] as const).find((value) => value === json.order) ?? 'fifo';
        return ok({ released: this.webhooks.release(order as ReleaseOrder) });
      }),
      open('POST', '/__control/resend', ({ json }) => {
        const event = typeof json.event === 'string' ? json.event : '';
        if (!this.webhooks.resend(event, store.events)) throw StandinError.missing('event', event);
        return ok({ resent: event });
      }),
      open('POST', '/__control/flush', async () => {
        await this.webhooks.flush();
        return ok({ deliveries: this.webhooks.deliveries() });
      }),
      open('GET', '/__control/events', () =>
        ok({ events: [...store.events.values()], deliveries: this.webhooks.deliveries() }),
      ),
    ];
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const requestId = stripeId('req');
    const method = request.method ?? 'GET';
    const url = new URL(request.url ?? '/', 'http://standin');
    const path = url.pathname;
    try {
      const raw = await readBody(request);
      let route: Route | undefined;
      let params: string[] = [];
      for (const candidate of this.routes) {
        const match = candidate.method === method ? candidate.pattern.exec(path) : null;
        if (match) {
          route = candidate;
          params = match.slice(1);
          break;
        }
      }
      if (!route) throw new StandinError(404, `Unrecognized request URL (${method}: ${path}).`);
      if (route.api) this.authenticate(request.headers.authorization);
      const parsed: ParsedRequest = {
        method,
        params,
        body: new FormReader(parseStripeForm(isJson(request) ? '' : raw)),
        query: new FormReader(parseStripeForm(url.search.slice(1))),
        json: isJson(request) && raw ? (JSON.parse(raw) as Record<string, unknown>) : parseStripeForm(raw),
      };
      const key = route.api && method === 'POST' ? header(request, 'idempotency-key') : undefined;
      const reply = key
        ? await this.idempotently(key, `${method} ${path} ${raw}`, route, parsed)
        : await route.handler(parsed);
      send(response, reply, requestId);
    } catch (error) {
      send(response, errorReply(error), requestId);
    }
  }

  /** Replays the saved response for a repeated Idempotency-Key; a different request with it is an error. */
  private async idempotently(key: string, fingerprint: string, route: Route, request: ParsedRequest): Promise<Reply> {
    const previous = this.idempotent.get(key);
    if (previous) {
      if (previous.fingerprint !== fingerprint) {
        throw new StandinError(
          400,
          `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
          null,
          null,
          'idempotency_error',
        );
      }
      return { status: previous.status, body: previous.body };
    }
    let reply: Reply;
    try {
      reply = await route.handler(request);
    } catch (error) {
      reply = errorReply(error);
    }
    // Like Stripe, a request refused before it ran (4xx) saves nothing: the key can be used again.
    if ('body' in reply && (reply.status < 400 || reply.status >= 500)) {
      this.idempotent.set(key, { fingerprint, status: reply.status, body: reply.body });
    }
    return reply;
  }

  private authenticate(authorization: string | undefined): void {
    const key = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
    if (key !== STANDIN_SECRET_KEY) {
      throw new StandinError(401, `Invalid API Key provided: ${key ? `${key.slice(0, 8)}***` : '(none)'}`);
    }
  }
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function isJson(request: IncomingMessage): boolean {
  return (header(request, 'content-type') ?? '').includes('application/json');
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > 1024 * 1024) throw new StandinError(413, 'Request body too large.');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function errorReply(error: unknown): Reply {
  if (error instanceof StandinError) {
    return {
      status: error.status,
      body: { error: { type: error.type, code: error.code, message: error.message, param: error.param } },
    };
  }
  if (error instanceof ParamError) {
    return {
      status: 400,
      body: {
        error: { type: 'invalid_request_error', code: 'parameter_invalid', message: error.message, param: error.param },
      },
    };
  }
  if (error instanceof SyntaxError) {
    return { status: 400, body: { error: { type: 'invalid_request_error', message: 'Invalid JSON body.' } } };
  }
  return { status: 500, body: { error: { type: 'api_error', message: 'The stand-in failed to handle the request.' } } };
}

function send(response: ServerResponse, reply: Reply, requestId: string): void {
  response.setHeader('request-id', requestId);
  response.setHeader('stripe-version', STANDIN_API_VERSION);
  if ('location' in reply) {
    response.writeHead(303, { location: reply.location }).end();
  } else if ('file' in reply) {
    response.writeHead(reply.status, { 'content-type': reply.contentType }).end(reply.file);
  } else if ('html' in reply) {
    response.writeHead(reply.status, { 'content-type': 'text/html; charset=utf-8' }).end(reply.html);
  } else {
    response.writeHead(reply.status, { 'content-type': 'application/json' }).end(JSON.stringify(reply.body));
  }
}
