import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomSecret } from '@synthwell/db';
import { type DevCredentials, newDevCredentials } from '@synthwell/db/seed';

/** Secrets the embedded platform generates once and keeps, so sessions and links survive a restart. */
export interface LocalSecrets {
  sessionTokenSecret: string;
  imageUrlSecret: string;
  stripeWebhookSecret: string;
}

async function readJson<T>(path: string): Promise<T | null> {
  if (!existsSync(path)) return null;
  return JSON.parse(await readFile(path, 'utf8')) as T;
}

async function writePrivate(path: string, value: unknown): Promise<void> {
  await writeFile(path, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
}

export async function loadOrCreateSecrets(home: string): Promise<LocalSecrets> {
  await mkdir(home, { recursive: true });
  const path = join(home, 'secrets.json');
  const existing = await readJson<LocalSecrets>(path);
  if (existing) return existing;
  const secrets: LocalSecrets = {
    sessionTokenSecret: randomSecret(32),
    imageUrlSecret: randomSecret(32),
    stripeWebhookSecret: `whsec_${randomSecret(24)}`,
  };
  await writePrivate(path, secrets);
  return secrets;
}

export interface DevCredentialsFile {
  gatewayUrl: string;
  billingUrl: string;
  webUrl: string;
  admin: DevCredentials['admin'];
  free: DevCredentials['free'];
  premium: DevCredentials['premium'];
}

/** The dev accounts' credentials from the last start, or new ones on the first. */
export async function loadOrCreateDevCredentials(home: string): Promise<DevCredentials> {
  const existing = await readJson<DevCredentialsFile>(join(home, 'dev-credentials.json'));
  if (existing?.admin && existing.free && existing.premium) {
    return { admin: existing.admin, free: existing.free, premium: existing.premium };
  }
  return newDevCredentials();
}

export async function writeDevCredentials(home: string, file: DevCredentialsFile): Promise<string> {
  const path = join(home, 'dev-credentials.json');
  await writePrivate(path, file);
  return path;
}
