import { z } from 'zod';
import { Timestamp } from '../core/timestamp.js';

export const InvoiceListInput = z
  .object({
    limit: z.number().int().min(1).max(50).default(12),
    /** The last invoice id of the previous page. */
    startingAfter: z.string().min(1).max(255).optional(),
  })
  .default({ limit: 12 });

export const InvoiceView = z.object({
  id: z.string(),
  /** Stripe's invoice number, e.g. "ABCD1234-0001"; null while a draft. */
  number: z.string().nullable(),
  created: Timestamp,
  periodStart: Timestamp,
  periodEnd: Timestamp,
  status: z.enum(['draft', 'open', 'paid', 'uncollectible', 'void']).nullable(),
  /** In the currency's minor unit (cents). */
  total: z.number().int(),
  amountPaid: z.number().int(),
  amountDue: z.number().int(),
  currency: z.string(),
  /** Stripe's page for the invoice (and for paying it while it is open). */
  hostedInvoiceUrl: z.url().nullable(),
  pdfUrl: z.url().nullable(),
});
/** As services return it (dates as `Date`); clients receive ISO strings. */
export type InvoiceView = z.input<typeof InvoiceView>;

export const InvoicePage = z.object({ invoices: z.array(InvoiceView), hasMore: z.boolean() });
export type InvoicePage = z.input<typeof InvoicePage>;
