import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { type Platform, RUNNER } from './platform';

/** What the browser suites share: Debian's Chromium, where screenshots go, and the few steps every suite repeats. */

export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = resolve(import.meta.dirname, '..', 'test-artifacts');
export const DESKTOP = { width: 1280, height: 860 };
export const PHONE = { width: 390, height: 844 };

/**
 * Why the browser suites cannot run here, if they cannot: they are skipped with that reason on a
 * developer's machine, but under CI a missing browser is an install step gone missing, and fails.
 */
export function missingForBrowserTests(): string[] {
  const missing = [
    existsSync(CHROMIUM) ? null : `${CHROMIUM} is missing (apt-get install chromium; CI installs it)`,
    existsSync(RUNNER) ? null : `${RUNNER} is missing (run: npx turbo run build --filter=@synthwell/runner...)`,
  ].filter((reason): reason is string => reason !== null);
  if (missing.length > 0 && process.env.CI) throw new Error(`browser tests cannot run under CI: ${missing.join('; ')}`);
  return missing;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

/** The main navigation's link called `name`. */
export const navLink = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });

export interface Session {
  context: BrowserContext;
  page: Page;
  email: string;
}

let accounts = 0;

/** Page errors (uncaught exceptions in the app) per page, reported when a step fails. */
const pageErrors = new WeakMap<Page, string[]>();

/** A new page that remembers its uncaught errors for `reportFailure`. */
export async function watchedPage(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  const errors: string[] = [];
  pageErrors.set(page, errors);
  page.on('pageerror', (error) => errors.push(error.message));
  return page;
}

/** After a failed step: a screenshot of every page still open, and what each page was showing and threw. */
export async function reportFailure(step: string, contexts: BrowserContext[]): Promise<void> {
  const slug = step.replace(/[^a-z0-9]+/gi, '-').slice(0, 40);
  let index = 0;
  for (const context of contexts) {
    for (const page of context.pages()) {
      index += 1;
      await shot(page, `failed-${slug}-${index}`).catch(() => undefined);
      const errors = pageErrors.get(page) ?? [];
      console.warn(
        `[${step}] page ${index} at ${page.url()}${errors.length ? `, page errors: ${errors.join(' | ')}` : ''}`,
      );
    }
  }
}

/** A new account, signed up through the form, in its own browser context, landed on the chat page. */
export async function signUp(
  browser: Browser,
  platform: Platform,
  label: string,
  viewport = DESKTOP,
): Promise<Session> {
  accounts += 1;
  const email = `${label}-${accounts}-${Date.now()}@example.com`;
  const context = await browser.newContext({ viewport, acceptDownloads: true, colorScheme: 'light' });
  const page = await watchedPage(context);
  await page.goto(`${platform.webUrl}/signup`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL('**/chat');
  return { context, page, email };
}

/** An existing account (the dev admin, say) signed in through the form, landed on `next`. */
export async function signIn(
  browser: Browser,
  platform: Platform,
  account: { email: string; password: string },
  next: string,
  viewport = DESKTOP,
): Promise<Session> {
  const context = await browser.newContext({ viewport, acceptDownloads: true, colorScheme: 'light' });
  const page = await watchedPage(context);
  await page.goto(`${platform.webUrl}/signin?next=${encodeURIComponent(next)}`);
  await page.getByLabel('Email').fill(account.email);
  await page.getByLabel('Password').fill(account.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.pathname === next);
  return { context, page, email: account.email };
}

/** Types a question into the composer, sends it and waits until its answer is complete. */
/**
 * Sends a question and waits until the thread ends with that question and a finished answer to it.
 * It does not count answers beforehand: just after a navigation the previous thread may still be on
 * screen for a frame, and an index counted then would wait for an answer that never comes.
 */
export async function ask(page: Page, question: string): Promise<void> {
  await page.getByLabel('Message').fill(question);
  await page.getByRole('button', { name: 'Send' }).click();
  await page.waitForFunction(
    (asked) => {
      const turns = [...document.querySelectorAll('.thread .turn')];
      const last = turns.at(-1);
      const before = turns.at(-2);
      return (
        last?.classList.contains('turn-assistant') === true &&
        last.getAttribute('data-status') === 'done' &&
        before?.querySelector('.turn-text')?.textContent === asked
      );
    },
    question,
    { timeout: 45_000 },
  );
}

const INTERACTIVE_ROLES = new Set([
  'button',
  'checkbox',
  'combobox',
  'link',
  'listbox',
  'menuitem',
  'radio',
  'searchbox',
  'slider',
  'spinbutton',
  'switch',
  'tab',
  'textbox',
]);

/**
 * The controls on the page that assistive technology announces without a name, as Chromium's own
 * accessibility tree computes names (labels, aria-label, aria-labelledby, text content).
 */
export async function unnamedControls(page: Page): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as {
      nodes: {
        ignored: boolean;
        role?: { value?: string };
        name?: { value?: string };
        backendDOMNodeId?: number;
      }[];
    };
    const unnamed: string[] = [];
    for (const node of nodes) {
      const role = String(node.role?.value ?? '');
      if (node.ignored || !INTERACTIVE_ROLES.has(role) || String(node.name?.value ?? '').trim()) continue;
      const html = node.backendDOMNodeId
        ? ((await cdp.send('DOM.getOuterHTML', { backendNodeId: node.backendDOMNodeId })) as { outerHTML: string })
            .outerHTML
        : '';
      unnamed.push(`${role}: ${html.slice(0, 160)}`);
    }
    return unnamed;
  } finally {
    await cdp.detach();
  }
}

/** How many pixels the page is wider than the window: anything above 0 scrolls sideways. */
export const sidewaysOverflow = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
