import { z } from 'zod';
import { ChangePasswordInput, GatewayToken, SessionView, SignInInput, SignUpInput } from '../../auth/auth.schemas.js';
import { protectedProcedure, publicProcedure, router } from '../trpc.js';

const Ok = z.object({ ok: z.literal(true) });

export const authRouter = router({
  /** Creates an account and signs it in (sets the session cookie). */
  signUp: publicProcedure
    .input(SignUpInput)
    .output(SessionView)
    .mutation(async ({ ctx, input }) => {
      const { user, session } = await ctx.services.auth.signUp(input, ctx.client);
      ctx.cookies.set(session.token, session.expiresAt);
      return { user, csrfToken: session.csrfToken };
    }),

  /** Signs in (sets the session cookie). Throttled: 5 failures per email, 20 per IP, per 15 minutes. */
  signIn: publicProcedure
    .input(SignInInput)
    .output(SessionView)
    .mutation(async ({ ctx, input }) => {
      const { user, session } = await ctx.services.auth.signIn(input, ctx.client);
      ctx.cookies.set(session.token, session.expiresAt);
      return { user, csrfToken: session.csrfToken };
    }),

  signOut: protectedProcedure.output(Ok).mutation(async ({ ctx }) => {
    await ctx.services.auth.signOut(ctx.session);
    ctx.cookies.clear();
    return { ok: true as const };
  }),

  /** Who is signed in, with the CSRF token mutations need; null when nobody is. */
  session: publicProcedure
    .output(SessionView.nullable())
    .query(({ ctx }) => (ctx.session ? { user: ctx.session.user, csrfToken: ctx.session.csrfToken } : null)),

  /** Changes the password and signs out every other session. */
  changePassword: protectedProcedure
    .input(ChangePasswordInput)
    .output(Ok)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.auth.changePassword(ctx.session, input);
      return { ok: true as const };
    }),

  /** A token of at most 15 minutes for the gateway (`Authorization: Bearer swt_…`). */
  sessionToken: protectedProcedure
    .output(GatewayToken)
    .mutation(({ ctx }) => ctx.services.auth.gatewayToken(ctx.session)),
});
