import { z } from 'zod';

/** Addresses are compared lower-cased; 254 characters is the longest a mailbox can be. */
export const Email = z
  .string()
  .trim()
  .max(254, 'Email addresses are at most 254 characters.')
  .pipe(z.email('Enter a valid email address.'))
  .transform((email) => email.toLowerCase());

/** Long enough to resist guessing, short enough that hashing it cannot be used to burn CPU. */
export const Password = z
  .string()
  .min(10, 'Passwords need at least 10 characters.')
  .max(200, 'Passwords are at most 200 characters.');

export const SignUpInput = z.object({
  email: Email,
  password: Password,
  name: z.string().trim().min(1, 'Names cannot be empty.').max(100, 'Names are at most 100 characters.').optional(),
});
export type SignUpInput = z.infer<typeof SignUpInput>;

export const SignInInput = z.object({
  email: Email,
  // Not `Password`: a stored password may predate today's rules; only the length cap protects the hasher.
  password: z.string().min(1, 'Enter your password.').max(200, 'Passwords are at most 200 characters.'),
});
export type SignInInput = z.infer<typeof SignInInput>;

export const ChangePasswordInput = z.object({
  currentPassword: z.string().min(1, 'Enter your current password.').max(200),
  newPassword: Password,
});
export type ChangePasswordInput = z.infer<typeof ChangePasswordInput>;

export const Role = z.enum(['user', 'admin']);

export const Me = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string().nullable(),
  role: Role,
});
export type Me = z.infer<typeof Me>;

/** What the web app learns at sign-in and from `auth.session`: who it is and the CSRF token for mutations. */
export const SessionView = z.object({ user: Me, csrfToken: z.string() });
export type SessionView = z.infer<typeof SessionView>;

export const GatewayToken = z.object({
  token: z.string(),
  /** Seconds since the epoch. */
  expiresAt: z.number().int(),
});
export type GatewayToken = z.infer<typeof GatewayToken>;
