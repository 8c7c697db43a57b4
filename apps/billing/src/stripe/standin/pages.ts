import { textPdf } from './invoice-pdf.js';
import type {
  StandinCheckoutSession,
  StandinInvoice,
  StandinPortalSession,
  StandinPrice,
  StandinSubscription,
} from './objects.js';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function money(amount: number | null, currency: string): string {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency: currency.toUpperCase() }).format(
    (amount ?? 0) / 100,
  );
}

function date(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 10);
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Stripe stand-in</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; max-width: 32rem; margin: 3rem auto; padding: 0 1rem; color: #1a1a2e; }
  .note { background: #fff7d6; border: 1px solid #e8d48a; padding: .5rem .75rem; border-radius: 6px; font-size: .9rem; }
  .card { border: 1px solid #ddd; border-radius: 8px; padding: 1rem 1.25rem; margin: 1rem 0; }
  button { font: inherit; padding: .6rem 1.2rem; border-radius: 6px; border: 0; background: #635bff; color: #fff; cursor: pointer; }
  button.secondary { background: #eee; color: #1a1a2e; }
  form { display: inline; }
</style>
</head>
<body>
<p class="note">Local Stripe stand-in: no real payment is taken.</p>
${body}
</body>
</html>`;
}

/** The hosted Checkout page: one button that pays with a test card, one link that gives up. */
export function checkoutPage(session: StandinCheckoutSession, price: StandinPrice, productName: string): string {
  const interval = price.recurring ? ` / ${price.recurring.interval}` : '';
  const body =
    session.status === 'open'
      ? `<h1>Subscribe to ${escapeHtml(productName)}</h1>
<div class="card"><strong>${money(price.unit_amount, price.currency)}${interval}</strong></div>
<form method="post" action="/checkout/${escapeHtml(session.id)}/pay"><button type="submit">Pay with test card</button></form>
${session.cancel_url ? `<p><a href="/checkout/${escapeHtml(session.id)}/cancel">Cancel and return</a></p>` : ''}`
      : `<h1>This checkout is ${escapeHtml(session.status ?? 'closed')}</h1>`;
  return page('Checkout', body);
}

/** The hosted billing portal: each subscription with a cancel-at-period-end or resume button. */
export function portalPage(
  session: StandinPortalSession,
  subscriptions: StandinSubscription[],
  productName: (price: StandinPrice) => string,
): string {
  const cards = subscriptions.map((subscription) => {
    const item = subscription.items.data[0];
    if (!item) return '';
    const action = `/portal/${escapeHtml(session.id)}/subscriptions/${escapeHtml(subscription.id)}`;
    let state = `Renews on ${date(item.current_period_end)}`;
    let button = `<form method="post" action="${action}/cancel"><button type="submit">Cancel plan</button></form>`;
    if (subscription.status === 'canceled') {
      state = `Ended on ${date(subscription.ended_at ?? item.current_period_end)}`;
      button = '';
    } else if (subscription.cancel_at_period_end) {
      state = `Cancels on ${date(item.current_period_end)}`;
      button = `<form method="post" action="${action}/resume"><button type="submit">Renew plan</button></form>`;
    } else if (subscription.status === 'past_due') {
      state = 'Payment failed: past due';
    }
    return `<div class="card"><strong>${escapeHtml(productName(item.price))}</strong> — ${money(item.price.unit_amount, item.price.currency)} / ${escapeHtml(item.price.recurring?.interval ?? 'month')}
<p>${state}</p>${button}</div>`;
  });
  const back = session.return_url ? `<p><a href="${escapeHtml(session.return_url)}">Return to Synthwell</a></p>` : '';
  return page('Billing portal', `<h1>Your subscriptions</h1>${cards.join('\n') || '<p>No subscriptions.</p>'}${back}`);
}

/** What an invoice says, line by line, for its hosted page and its PDF. */
function invoiceLines(invoice: StandinInvoice, productName: string): string[] {
  return [
    `Invoice number: ${invoice.number ?? invoice.id}`,
    `Date: ${date(invoice.created)}`,
    `Period: ${date(invoice.period_start)} to ${date(invoice.period_end)}`,
    `${productName}: ${money(invoice.total, invoice.currency)}`,
    `Amount due: ${money(invoice.amount_due, invoice.currency)}`,
    `Amount paid: ${money(invoice.amount_paid, invoice.currency)}`,
    `Status: ${invoice.status ?? 'draft'}`,
  ];
}

/** The hosted invoice page Stripe links as `hosted_invoice_url`. */
export function invoicePage(invoice: StandinInvoice, productName: string): string {
  const lines = invoiceLines(invoice, productName).map((line) => `<p>${escapeHtml(line)}</p>`);
  const pdf = invoice.invoice_pdf ? `<p><a href="${escapeHtml(invoice.invoice_pdf)}">Download PDF</a></p>` : '';
  return page('Invoice', `<h1>Invoice</h1><div class="card">${lines.join('\n')}</div>${pdf}`);
}

/** The PDF Stripe links as `invoice_pdf`. */
export function invoiceDocument(invoice: StandinInvoice, productName: string): Buffer {
  return textPdf('Invoice (Stripe stand-in: no real payment was taken)', invoiceLines(invoice, productName));
}
