import { Inject, Injectable } from '@nestjs/common';
import type { Db } from '@synthwell/db';
import Stripe from 'stripe';
import { BillingError } from '../core/errors.js';
import { DB, STRIPE } from '../core/tokens.js';
import type { InvoicePage, InvoiceView } from './invoices.schemas.js';

const STATUSES = ['draft', 'open', 'paid', 'uncollectible', 'void'] as const;
const fromUnix = (seconds: number) => new Date(seconds * 1000);

export function toInvoiceView(invoice: Stripe.Invoice): InvoiceView {
  return {
    id: invoice.id as string,
    number: invoice.number,
    created: fromUnix(invoice.created),
    periodStart: fromUnix(invoice.period_start),
    periodEnd: fromUnix(invoice.period_end),
    status: STATUSES.find((status) => status === invoice.status) ?? null,
    total: invoice.total,
    amountPaid: invoice.amount_paid,
    amountDue: invoice.amount_due,
    currency: invoice.currency,
    hostedInvoiceUrl: invoice.hosted_invoice_url ?? null,
    pdfUrl: invoice.invoice_pdf ?? null,
  };
}

/** The signed-in user's invoices, read from Stripe (which keeps them) whenever they are asked for. */
@Injectable()
export class InvoicesService {
  constructor(
    @Inject(DB) private readonly db: Db,
    @Inject(STRIPE) private readonly stripe: Stripe,
  ) {}

  /** Newest first. A user who never checked out has no Stripe customer, and so no invoices. */
  async list(userId: string, page: { limit: number; startingAfter?: string | undefined }): Promise<InvoicePage> {
    const user = await this.db.user.findUniqueOrThrow({ where: { id: userId }, select: { stripeCustomerId: true } });
    if (!user.stripeCustomerId) return { invoices: [], hasMore: false };
    try {
      const list = await this.stripe.invoices.list({
        customer: user.stripeCustomerId,
        limit: page.limit,
        ...(page.startingAfter ? { starting_after: page.startingAfter } : {}),
      });
      return { invoices: list.data.map(toInvoiceView), hasMore: list.has_more };
    } catch (error) {
      if (error instanceof Stripe.errors.StripeInvalidRequestError && error.code === 'resource_missing') {
        if (error.param === 'starting_after') throw BillingError.badRequest('startingAfter: no such invoice.');
        // Stripe no longer knows the customer (a restarted stand-in): nothing was billed to it there.
        return { invoices: [], hasMore: false };
      }
      throw error;
    }
  }
}
