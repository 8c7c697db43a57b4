import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SignedInClient, startTestBilling, type TestBilling } from './harness.js';

interface Invoice {
  id: string;
  number: string | null;
  created: string;
  periodStart: string;
  periodEnd: string;
  status: string | null;
  total: number;
  amountPaid: number;
  amountDue: number;
  currency: string;
  hostedInvoiceUrl: string | null;
  pdfUrl: string | null;
}
interface InvoicePage {
  invoices: Invoice[];
  hasMore: boolean;
}

describe('invoices.list: the user’s invoices from Stripe', () => {
  let t: TestBilling;

  beforeAll(async () => {
    t = await startTestBilling();
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Checkout on the stand-in, paid, with its webhooks delivered: the subscription's first invoice exists. */
  async function subscribe(user: SignedInClient): Promise<string> {
    const { sessionId } = await user.client.mutation<{ sessionId: string }>('subscription.checkout', {
      planId: 'pln_premium',
    });
    const session = t.standin.store.completeCheckout(sessionId);
    await t.standin.webhooks.flush();
    return session.subscription as string;
  }

  it('has none before a paid plan, then lists the first invoice and each renewal, newest first', async () => {
    const user = await t.user();
    expect(await user.client.query<InvoicePage>('invoices.list')).toEqual({ invoices: [], hasMore: false });

    const subscriptionId = await subscribe(user);
    const first = await user.client.query<InvoicePage>('invoices.list');
    expect(first.invoices).toHaveLength(1);
    expect(first.invoices[0]).toMatchObject({
      status: 'paid',
      total: 800,
      amountPaid: 800,
      amountDue: 800,
      currency: 'usd',
      number: expect.stringMatching(/-0001$/),
    });
    const hosted = await fetch(first.invoices[0]?.hostedInvoiceUrl ?? '');
    expect(await hosted.text()).toContain('$8.00');
    const pdf = await fetch(first.invoices[0]?.pdfUrl ?? '');
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');

    t.standin.store.advance(subscriptionId);
    await t.standin.webhooks.flush();
    const both = await user.client.query<InvoicePage>('invoices.list');
    expect(both.invoices.map((invoice) => invoice.number)).toEqual([
      expect.stringMatching(/-0002$/),
      first.invoices[0]?.number,
    ]);
    expect(both.invoices[0]?.periodStart).toBe(first.invoices[0]?.periodEnd);

    const page = await user.client.query<InvoicePage>('invoices.list', { limit: 1 });
    expect(page).toMatchObject({ hasMore: true, invoices: [{ id: both.invoices[0]?.id }] });
    const next = await user.client.query<InvoicePage>('invoices.list', {
      limit: 1,
      startingAfter: page.invoices[0]?.id,
    });
    expect(next).toMatchObject({ hasMore: false, invoices: [{ id: first.invoices[0]?.id }] });
  });

  it('shows a failed renewal as open, with what is still due', async () => {
    const user = await t.user();
    const subscriptionId = await subscribe(user);
    t.standin.store.advance(subscriptionId, { failPayment: true });
    await t.standin.webhooks.flush();
    const [latest] = (await user.client.query<InvoicePage>('invoices.list')).invoices;
    expect(latest).toMatchObject({ status: 'open', amountPaid: 0, amountDue: 800 });
  });

  it('lists only the caller’s own invoices, and none without a session', async () => {
    const owner = await t.user();
    await subscribe(owner);
    const other = await t.user();
    await subscribe(other);
    const mine = await owner.client.query<InvoicePage>('invoices.list');
    const theirs = await other.client.query<InvoicePage>('invoices.list');
    expect(mine.invoices).toHaveLength(1);
    expect(theirs.invoices).toHaveLength(1);
    expect(mine.invoices[0]?.id).not.toBe(theirs.invoices[0]?.id);

    // Paging from someone else's invoice finds nothing of theirs: Stripe lists only this customer's.
    const foreignCursor = await owner.client.failure(
      owner.client.query('invoices.list', { startingAfter: theirs.invoices[0]?.id }),
    );
    expect(foreignCursor).toMatchObject({ status: 400, code: 'BAD_REQUEST' });

    const anonymous = await t.client().failure(t.client().query('invoices.list'));
    expect(anonymous).toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
  });
});
