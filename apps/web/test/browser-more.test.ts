import { mkdir, readFile } from 'node:fs/promises';
import type { Browser, Download, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ARTIFACTS,
  ask,
  DESKTOP,
  launchChromium,
  missingForBrowserTests,
  navLink,
  PHONE,
  reportFailure,
  type Session,
  shot,
  sidewaysOverflow,
  signIn,
  signUp,
  unnamedControls,
  watchedPage,
} from './browser-kit';
import { type Platform, startPlatform } from './platform';

/**
 * The rest of the web app in a real browser, against its own platform: conversation history, the
 * keyboard alone, the theme, the studio's other templates, uploads and cancel, the Stripe portal, the
 * admin's plans and users, and every main page's labels and fit on a phone. Each step signs in its own
 * account, so no step depends on another having run; nothing is retried.
 */

const missing = missingForBrowserTests();
if (missing.length) console.warn(`Skipping the browser tests: ${missing.join('; ')}.`);

interface JsonlRecord {
  data: Record<string, unknown>;
  provenance: { synthetic: boolean; seed_ids: string[]; generation_depth: number };
}

async function readJsonl(download: Download): Promise<JsonlRecord[]> {
  const text = await readFile((await download.path()) as string, 'utf8');
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as JsonlRecord);
}

/** Clicks a button that saves a file, and returns the download. */
async function downloadFrom(page: Page, button: Locator): Promise<Download> {
  const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
  return download;
}

/** Starts a studio job with the form as it is filled in, and lands on the job's page. */
async function startJob(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Start job' }).click();
  await page.waitForURL(/\/studio\/job_/);
}

const jobStatus = (page: Page, status: string, timeout = 60_000) =>
  expect.poll(() => page.getByTestId('job-status').textContent(), { timeout }).toBe(status);

/** The focused element, its accessible name as a label gives it, and whether a focus ring is drawn. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const element = document.activeElement as (HTMLElement & { labels?: NodeListOf<HTMLLabelElement> }) | null;
    if (!element || element === document.body) return { name: '', ring: false, tag: 'BODY' };
    const style = getComputedStyle(element);
    const name =
      element.getAttribute('aria-label') ?? element.labels?.[0]?.textContent ?? element.textContent?.trim() ?? '';
    return {
      name: name.trim(),
      tag: element.tagName,
      ring: style.outlineStyle !== 'none' && Number.parseFloat(style.outlineWidth) > 0,
    };
  });

/** Presses Tab until the control called `name` has focus; every stop on the way must show a focus ring. */
async function tabTo(page: Page, name: string, maxStops = 40): Promise<void> {
  for (let stop = 0; stop < maxStops; stop++) {
    await page.keyboard.press('Tab');
    const now = await focused(page);
    expect(now.ring, `no visible focus on ${now.tag} “${now.name}”`).toBe(true);
    if (now.name === name) return;
  }
  throw new Error(`“${name}” was not reached in ${maxStops} presses of Tab`);
}

describe.skipIf(missing.length > 0)('more of the web app in Chromium', () => {
  let platform: Platform;
  let browser: Browser;
  const sessions: Session[] = [];

  const user = async (label: string, viewport = DESKTOP) => {
    const session = await signUp(browser, platform, label, viewport);
    sessions.push(session);
    return session;
  };
  const admin = async (next: string, viewport = DESKTOP) => {
    const session = await signIn(browser, platform, platform.admin, next, viewport);
    sessions.push(session);
    return session;
  };

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    platform = await startPlatform();
    browser = await launchChromium();
  }, 150_000);

  let firstOfStep = 0;
  beforeEach(() => {
    firstOfStep = sessions.length;
  });
  afterEach(async (context) => {
    if (context.task.result?.state === 'fail')
      await reportFailure(
        context.task.name,
        sessions.slice(firstOfStep).map((session) => session.context),
      );
  });

  afterAll(async () => {
    for (const session of sessions) await session.context.close();
    await browser?.close();
    await platform?.stop();
  });

  it('works from the keyboard alone: sign up, reach the message box, Enter sends, focus always visible', async () => {
    const context = await browser.newContext({ viewport: DESKTOP, colorScheme: 'light' });
    const page = await watchedPage(context);
    sessions.push({ context, page, email: '' });
    const email = `keyboard-${Date.now()}@example.com`;
    await page.goto(`${platform.webUrl}/signup`);

    // The first stop is the skip link, on screen when focused; it jumps past the navigation to the form.
    await page.getByLabel('Email').waitFor();
    await page.keyboard.press('Tab');
    expect((await focused(page)).name).toBe('Skip to content');
    expect((await page.getByRole('link', { name: 'Skip to content' }).boundingBox())?.x).toBeGreaterThanOrEqual(0);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    expect((await focused(page)).name).toBe('Name (optional)');

    await tabTo(page, 'Email');
    await page.keyboard.type(email);
    await tabTo(page, 'Password');
    await page.keyboard.type('correct horse battery');
    await page.keyboard.press('Enter');
    await page.waitForURL('**/chat');
    // Until the plan's models have loaded there is nothing to send to: the page says so.
    await page.getByLabel('Model').waitFor();
    await tabTo(page, 'Message');

    // Shift+Enter starts a new line; Enter sends the whole message.
    await page.keyboard.type('First line');
    await page.keyboard.press('Shift+Enter');
    await page.keyboard.type('second line');
    expect(await page.getByLabel('Message').inputValue()).toBe('First line\nsecond line');
    expect(await page.locator('.turn-user').count()).toBe(0);
    await page.keyboard.press('Enter');
    await page.locator('.turn-assistant[data-status="done"]').waitFor({ timeout: 45_000 });
    expect(await page.locator('.turn-user .turn-text').textContent()).toBe('First line\nsecond line');
    expect(await page.getByLabel('Message').inputValue()).toBe('');
    expect((await focused(page)).name).toBe('Message');
    await shot(page, 'more-01-keyboard-chat');
  });

  it('keeps conversation history: search, rename (by keyboard) and delete, saved across reloads', async () => {
    const { page } = await user('history');
    await ask(page, 'Plan the garden party for Saturday');
    await page.waitForURL(/\/chat\/.+/);
    await page.getByRole('button', { name: 'New chat' }).click();
    await page.waitForURL((url) => url.pathname === '/chat');
    await expect.poll(() => page.locator('.thread .turn').count()).toBe(0);
    await ask(page, 'Recipe for a lemon drizzle cake');
    const titles = page.locator('.conversation-list li a');
    await expect
      .poll(() => titles.allTextContents())
      .toEqual(['Recipe for a lemon drizzle cake', 'Plan the garden party for Saturday']);

    const search = page.getByLabel('Search conversations');
    await search.fill('LEMON');
    await expect.poll(() => titles.allTextContents()).toEqual(['Recipe for a lemon drizzle cake']);
    await search.fill('tax return');
    await expect.poll(() => page.locator('.conversation-list').textContent()).toBe('No conversation matches.');
    await shot(page, 'more-02-history-search');
    await search.fill('');

    // Rename with the keyboard: the dialog focuses its field, Enter saves, focus returns to the list.
    await page.getByRole('button', { name: 'Rename Recipe for a lemon drizzle cake' }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Rename conversation' });
    await dialog.waitFor();
    expect((await focused(page)).name).toBe('Title');
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('Baking notes');
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => titles.allTextContents()).toContain('Baking notes');

    await page.reload();
    await expect.poll(() => titles.allTextContents()).toEqual(['Baking notes', 'Plan the garden party for Saturday']);
    await page.getByRole('link', { name: 'Baking notes' }).click();
    await expect
      .poll(() => page.locator('.turn-user .turn-text').first().textContent())
      .toBe('Recipe for a lemon drizzle cake');
    expect(await page.locator('.turn-assistant').count()).toBe(1);

    // Deleting another conversation keeps this one open; deleting the open one starts a new chat.
    await page.getByRole('button', { name: 'Delete Plan the garden party for Saturday' }).click();
    await page.getByRole('dialog', { name: 'Delete conversation?' }).getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => titles.allTextContents()).toEqual(['Baking notes']);
    expect(await page.locator('.turn-user').count()).toBe(1);
    await page.getByRole('button', { name: 'Delete Baking notes' }).click();
    await page.getByRole('dialog', { name: 'Delete conversation?' }).getByRole('button', { name: 'Delete' }).click();
    await page.waitForURL((url) => url.pathname === '/chat');
    await expect.poll(() => page.locator('.conversation-list').textContent()).toBe('No conversations yet.');
    // The list may refresh before React Router's transition to /chat has cleared the thread.
    await expect.poll(() => page.locator('.turn').count()).toBe(0);
    await page.reload();
    await expect.poll(() => page.locator('.conversation-list').textContent()).toBe('No conversations yet.');
  });

  it('switches between light, dark and the system theme, and remembers the choice across reloads', async () => {
    const { page } = await user('theme');
    const toggle = page.getByRole('button', { name: /^Theme:/ });
    const background = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    const LIGHT = 'rgb(251, 251, 253)';
    const DARK = 'rgb(17, 17, 24)';

    await expect.poll(() => toggle.getAttribute('aria-label')).toBe('Theme: system. Switch to light.');
    expect(await background()).toBe(LIGHT);
    await toggle.click();
    await expect.poll(() => toggle.getAttribute('aria-label')).toBe('Theme: light. Switch to dark.');
    await toggle.click();
    await expect.poll(() => toggle.getAttribute('aria-label')).toBe('Theme: dark. Switch to system.');
    expect(await background()).toBe(DARK);

    await page.reload();
    await page.getByLabel('Message').waitFor();
    expect(await background()).toBe(DARK);
    await expect.poll(() => toggle.getAttribute('aria-label')).toBe('Theme: dark. Switch to system.');
    await shot(page, 'more-03-theme-dark');

    // Back to the system's choice: light here, and dark when the system turns dark.
    await toggle.click();
    await page.reload();
    await page.getByLabel('Message').waitFor();
    await expect.poll(() => toggle.getAttribute('aria-label')).toBe('Theme: system. Switch to light.');
    expect(await background()).toBe(LIGHT);
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await background()).toBe(DARK);
  });

  it('runs a classification job from seeds uploaded as a file', async () => {
    const { page } = await user('upload');
    await navLink(page, 'Studio').click();
    await page.getByLabel('Template').selectOption('classification');
    const seeds = [
      { id: 'review-1', data: { text: 'Arrived early and works perfectly.', label: 'positive' } },
      { id: 'review-2', data: { text: 'The handle snapped on the first day.', label: 'negative' } },
      { id: 'review-3', data: { text: 'Quiet, quick and easy to clean.', label: 'positive' } },
    ];
    const file = seeds.map((seed) => JSON.stringify(seed)).join('\n');
    await page
      .getByLabel('upload a seed file')
      .setInputFiles({ name: 'reviews.jsonl', mimeType: 'application/x-ndjson', buffer: Buffer.from(file) });
    await expect.poll(() => page.getByLabel('Seed examples (JSON Lines or a JSON array)').inputValue()).toBe(file);
    await page.getByLabel('Records to keep').fill('4');
    await shot(page, 'more-04-studio-upload');
    await startJob(page);
    await jobStatus(page, 'succeeded');

    await page.locator('table.records tbody tr').first().waitFor();
    for (const text of await page.locator('table.records .record-text').allTextContents())
      expect(text).toMatch(/^\[(positive|negative)\] /);
    const records = await readJsonl(await downloadFrom(page, page.getByRole('button', { name: 'Download JSONL' })));
    expect(records).toHaveLength(4);
    for (const record of records) {
      expect(['positive', 'negative']).toContain(record.data.label);
      expect(record.data.text).toEqual(expect.any(String));
      // The records were written after the uploaded seeds, not the template's own.
      expect(record.provenance.seed_ids.length).toBeGreaterThan(0);
      for (const id of record.provenance.seed_ids) expect(['review-1', 'review-2', 'review-3']).toContain(id);
    }
  });

  it('builds a JSON Schema job from its template, and the offline model fills it with valid records', async () => {
    const { page } = await user('schema');
    await navLink(page, 'Studio').click();
    await page.getByLabel('Template').selectOption('json_schema');
    expect(await page.getByLabel('JSON Schema').inputValue()).toContain('"age"');
    expect(await page.getByLabel('What one record is').inputValue()).toBe('customer profile');
    await page.getByLabel('Records to keep').fill('3');
    await startJob(page);
    expect(await page.getByTestId('job-status').locator('..').textContent()).toContain('json_schema');
    // The built-in n-gram models answer with schema-guided JSON when the engine asks for structured output.
    await jobStatus(page, 'succeeded', 45_000);
    const records = await readJsonl(await downloadFrom(page, page.getByRole('button', { name: 'Download JSONL' })));
    expect(records).toHaveLength(3);
    for (const record of records) {
      expect(Object.keys(record.data).sort()).toEqual(['age', 'city', 'name']);
      expect(record.data.name).toEqual(expect.any(String));
      expect(record.data.city).toEqual(expect.any(String));
      const age = record.data.age as number;
      expect(Number.isInteger(age) && age >= 18 && age <= 90).toBe(true);
    }
    await shot(page, 'more-05-job-json-schema');
  });

  it('cancels a running job', async () => {
    const { page } = await user('cancel');
    await navLink(page, 'Studio').click();
    // A large job with a strict judge runs long enough to be cancelled.
    await page.getByLabel('Records to keep').fill('200');
    await page.getByLabel('Judge threshold (1–10)').fill('10');
    await startJob(page);
    await page.getByRole('button', { name: 'Cancel job' }).click();
    await jobStatus(page, 'canceled', 30_000);
    expect(await page.getByRole('button', { name: 'Cancel job' }).count()).toBe(0);
    expect(Number(await page.getByRole('progressbar').getAttribute('aria-valuenow'))).toBeLessThan(100);
    await shot(page, 'more-06-job-canceled');
    await page.getByRole('link', { name: '← All jobs' }).click();
    await expect
      .poll(() => page.locator('.table tbody tr').first().textContent(), { timeout: 3_000 })
      .toContain('canceled');
  });

  it('manages the subscription in the Stripe portal: cancel at period end, then renew', async () => {
    const { page } = await user('portal');
    await navLink(page, 'Billing').click();
    await page.getByRole('button', { name: 'Upgrade to Premium' }).click();
    await page.getByRole('button', { name: 'Pay with test card' }).click();
    await expect
      .poll(() => page.getByTestId('upgrade-confirmed').textContent(), { timeout: 30_000 })
      .toContain('You are now on Premium');

    await page.getByRole('button', { name: 'Manage or cancel subscription' }).click();
    await page.getByRole('heading', { name: 'Your subscriptions' }).waitFor();
    await page.getByRole('button', { name: 'Cancel plan' }).click();
    await page.getByText(/^Cancels on /).waitFor();
    await shot(page, 'more-07-portal-canceled');
    await page.getByRole('link', { name: 'Return to Synthwell' }).click();
    await page.waitForURL((url) => url.pathname === '/billing');
    const current = page.getByTestId('current-plan');
    await expect.poll(() => current.textContent(), { timeout: 15_000 }).toContain('Cancelled: the plan ends on');
    expect(await page.getByTestId('current-plan-name').textContent()).toBe('Premium');
    await shot(page, 'more-08-billing-canceled');

    await page.getByRole('button', { name: 'Manage or cancel subscription' }).click();
    await page.getByRole('button', { name: 'Renew plan' }).click();
    await page.getByText(/^Renews on /).waitFor();
    await page.getByRole('link', { name: 'Return to Synthwell' }).click();
    await page.waitForURL((url) => url.pathname === '/billing');
    await expect.poll(() => current.textContent(), { timeout: 15_000 }).toContain('Renews on');
  });

  it('an admin creates a plan and archives it; users see it come and go', async () => {
    const member = await user('plans');
    const { page } = await admin('/admin');
    await page.getByRole('button', { name: 'New plan' }).click();
    const dialog = page.getByRole('dialog', { name: 'New plan' });
    await dialog.getByLabel('Name').fill('Team');
    await dialog.getByLabel('Slug').fill('team');
    await dialog.getByLabel('Description').fill('For small teams');
    await dialog.getByLabel('Price').fill('20');
    const limits: [string, string][] = [
      ['Requests per minute', '60'],
      ['Tokens per minute', '100000'],
      ['Chat requests per day', '500'],
      ['Images per day', '50'],
      ['Synthetic records per day', '5000'],
      ['Synthetic jobs at once', '2'],
      ['Queue priority', '5'],
    ];
    for (const [label, value] of limits) await dialog.getByLabel(label).fill(value);
    await dialog.getByLabel('premium models').check();
    await shot(page, 'more-09-admin-new-plan');
    await dialog.getByRole('button', { name: 'Create plan' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const row = page.getByTestId('plan-team');
    await expect.poll(() => row.textContent()).toContain('Team');
    expect(await row.textContent()).toContain('$20.00');
    expect(await row.textContent()).toContain('standard, premium');

    // The member's page loads afresh (it keeps the plans it read at sign-up for a few seconds).
    await member.page.goto(`${platform.webUrl}/billing`);
    const teamCard = member.page.getByRole('article', { name: 'Team' });
    await teamCard.waitFor();
    expect(await teamCard.textContent()).toContain('500 chat requests a day');

    await page.getByRole('button', { name: 'Archive Team' }).click();
    await page.getByRole('dialog', { name: 'Archive Team?' }).getByRole('button', { name: 'Archive plan' }).click();
    await expect.poll(() => row.textContent()).toContain('archived');
    expect(await page.getByRole('button', { name: 'Archive Team' }).count()).toBe(0);
    await member.page.reload();
    await member.page.getByRole('article', { name: 'Premium' }).waitFor();
    expect(await teamCard.count()).toBe(0);
  });

  it('an admin promotes a user and comps them a plan; the user sees both', async () => {
    const member = await user('promoted');
    const { page } = await admin('/admin');
    await page.getByRole('tab', { name: 'Users' }).click();
    await page.getByLabel('Search users').fill(member.email);
    const row = page.getByRole('row').filter({ hasText: member.email });
    await row.waitFor();
    // The unfiltered list may show the row too, before the search's answer replaces it.
    await expect.poll(() => page.locator('[role="tabpanel"] tbody tr').count()).toBe(1);

    await row.getByRole('button', { name: `Promote ${member.email} to admin` }).click();
    await row.getByRole('button', { name: `Make ${member.email} a user` }).waitFor();
    await row.getByLabel(`Comp plan for ${member.email}`).selectOption({ label: 'Premium' });
    await expect.poll(() => row.textContent()).toContain('Premium');
    await shot(page, 'more-10-admin-user-comped');

    await member.page.reload();
    await navLink(member.page, 'Admin').waitFor();
    await navLink(member.page, 'Billing').click();
    await expect.poll(() => member.page.getByTestId('current-plan-name').textContent()).toBe('Premium');
    expect(await member.page.getByTestId('current-plan').textContent()).toContain('Granted by an administrator.');
    await navLink(member.page, 'Admin').click();
    await member.page.getByTestId('plan-free').waitFor();
  });

  /** Each main page, how to reach it from the navigation, and what shows it has loaded. */
  const PAGES: { name: string; link: string; ready: (page: Page) => Locator }[] = [
    { name: 'chat', link: 'Chat', ready: (page) => page.getByLabel('Message') },
    { name: 'images', link: 'Images', ready: (page) => page.getByLabel('Prompt') },
    { name: 'studio', link: 'Studio', ready: (page) => page.getByLabel('Generator model') },
    { name: 'lab', link: 'Lab', ready: (page) => page.getByLabel('Experiment') },
    { name: 'keys', link: 'API keys', ready: (page) => page.locator('table') },
    { name: 'usage', link: 'Usage', ready: (page) => page.locator('figure.chart').first() },
    { name: 'billing', link: 'Billing', ready: (page) => page.locator('.plan-card').first() },
    { name: 'admin', link: 'Admin', ready: (page) => page.getByTestId('plan-free') },
  ];

  for (const [width, viewport] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    it(`at ${width} width, every main page names its controls and fits the screen`, async () => {
      const signedOut = await browser.newContext({ viewport, colorScheme: 'light' });
      const visitor = await watchedPage(signedOut);
      sessions.push({ context: signedOut, page: visitor, email: '' });
      for (const path of ['/', '/signin', '/signup', '/status']) {
        await visitor.goto(`${platform.webUrl}${path}`);
        await visitor.getByRole('heading', { level: 1 }).waitFor();
        expect(await unnamedControls(visitor), `unnamed controls on ${path}`).toEqual([]);
        expect(await sidewaysOverflow(visitor), `${path} scrolls sideways`).toBeLessThanOrEqual(0);
        await shot(visitor, `page-${path.slice(1) || 'home'}-${width}`);
      }

      const { page } = await admin('/chat', viewport);
      for (const { name, link, ready } of PAGES) {
        // Every link of the navigation is on screen, not hidden past the edge.
        for (const entry of PAGES) {
          const box = await navLink(page, entry.link).boundingBox();
          expect(box, `the ${entry.link} link is not shown`).not.toBeNull();
          expect((box?.x ?? -1) >= 0 && (box?.x ?? 0) + (box?.width ?? 0) <= viewport.width, entry.link).toBe(true);
        }
        await navLink(page, link).click();
        await ready(page).waitFor();
        expect(await unnamedControls(page), `unnamed controls on ${name}`).toEqual([]);
        expect(await sidewaysOverflow(page), `${name} scrolls sideways`).toBeLessThanOrEqual(0);
        await shot(page, `page-${name}-${width}`);
      }
    });
  }
});
