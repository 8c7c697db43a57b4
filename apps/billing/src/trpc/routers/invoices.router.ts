import { InvoiceListInput, InvoicePage } from '../../invoices/invoices.schemas.js';
import { protectedProcedure, router } from '../trpc.js';

export const invoicesRouter = router({
  /** The user's invoices from Stripe, newest first, with links to each hosted invoice and its PDF. */
  list: protectedProcedure
    .input(InvoiceListInput)
    .output(InvoicePage)
    .query(({ ctx, input }) => ctx.services.invoices.list(ctx.session.user.id, input)),
});
