import { mkdir, readFile } from 'node:fs/promises';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ARTIFACTS,
  launchChromium,
  missingForBrowserTests,
  navLink,
  reportFailure,
  shot,
  watchedPage,
} from './browser-kit';
import { type Platform, startPlatform, waitFor } from './platform';

/**
 * The journey in a real browser against the real services: sign up, stream and stop a chat,
 * an admin lowers the Free plan's limit and the user is held to it, upgrade through Checkout on the
 * Stripe stand-in, the premium model unlocks, images, a synthetic job to 100% and its JSONL, the lab,
 * revoking a key, and the error pages. Steps share one platform and run in order; nothing is retried.
 * browser-more.test.ts covers the rest of the app on a platform of its own.
 */

const missing = missingForBrowserTests();
if (missing.length) console.warn(`Skipping the browser tests: ${missing.join('; ')}.`);

describe.skipIf(missing.length > 0)('the web app in Chromium', () => {
  let platform: Platform;
  let browser: Browser;
  let user: BrowserContext;
  let page: Page;
  let apiKey = '';
  let syntheticApi = false;
  const email = `e2e-${Date.now()}@example.com`;
  const password = 'correct horse battery';

  const nav = (name: string) => navLink(page, name);
  const gatewayGet = (path: string, key: string) =>
    fetch(`${platform.gatewayUrl}/v1${path}`, { headers: { authorization: `Bearer ${key}` } });

  /** Types a question, sends it and waits until its answer is complete (or refused). */
  const ask = async (question: string) => {
    const answers = await page.locator('.turn-assistant').count();
    await page.getByLabel('Message').fill(question);
    await page.getByRole('button', { name: 'Send' }).click();
    await page.waitForFunction(
      (before) => {
        const turns = document.querySelectorAll('.turn-assistant');
        const settled = !document.querySelector('.turn[data-status="streaming"]');
        return settled && (turns.length > before || document.querySelector('[data-problem]') !== null);
      },
      answers,
      { timeout: 45_000 },
    );
  };

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    platform = await startPlatform();
    browser = await launchChromium();
    user = await browser.newContext({ viewport: { width: 1280, height: 860 }, acceptDownloads: true });
    page = await watchedPage(user);
    const probe = await gatewayGet('/synthetic/jobs', platform.admin.apiKey);
    syntheticApi = probe.status === 200;
  }, 150_000);

  afterEach(async (context) => {
    if (context.task.result?.state === 'fail') await reportFailure(context.task.name, [user]);
  });

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it('shows a clear error for a wrong password, then signs a new user up into chat', async () => {
    await page.goto(`${platform.webUrl}/signin`);
    await page.getByLabel('Email').fill(platform.free.email);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Incorrect email or password.');
    await shot(page, '01-signin-error');

    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('short');
    await page.getByRole('button', { name: 'Create account' }).click();
    await expect.poll(() => page.locator('.field-error').textContent()).toContain('at least 10 characters');
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL('**/chat');
    expect(await page.getByTestId('signed-in-as').textContent()).toBe(email);
  });

  it('streams an answer progressively, and Stop cancels the stream', async () => {
    await page.getByLabel('Model').selectOption('sw-ngram-mini');
    expect(await page.getByTestId('locked-models').textContent()).toContain('premium models are locked');
    // Throttle the page's network so the offline model's stream arrives over seconds, as a real one does.
    const cdp = await user.newCDPSession(page);
    await cdp.send('Network.enable');
    const throttle = (bytesPerSecond: number) =>
      cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: 0,
        downloadThroughput: bytesPerSecond,
        uploadThroughput: -1,
      });
    /** Presses `button`, then waits for the new answer's first words (or for it to end, if it came whole). */
    const pressAndWaitForWords = async (button: string) => {
      await page.evaluate(() => {
        for (const turn of document.querySelectorAll('.turn-assistant')) turn.setAttribute('data-old', '');
      });
      await page.getByRole('button', { name: button }).click();
      await page.waitForFunction(
        () => {
          const turn = document.querySelector<HTMLElement>('.turn-assistant:not([data-old]):last-child');
          const words = turn?.querySelector('.markdown')?.textContent?.length ?? 0;
          return turn !== null && (turn.dataset.status !== 'streaming' || words > 0);
        },
        undefined,
        { timeout: 45_000 },
      );
    };
    /** The newest answer's status and how much of it is on screen. */
    const newest = () =>
      page.evaluate(() => {
        const turn = document.querySelector<HTMLElement>('.turn-assistant:last-child');
        return {
          status: turn?.dataset.status ?? '',
          words: turn?.querySelector('.markdown')?.textContent?.length ?? 0,
        };
      });
    try {
      // A short answer can arrive whole in one delivery; Regenerate asks for another, at most three times.
      await throttle(1_000);
      await page.getByLabel('Message').fill('Tell me about the jury and the election.');
      let midStream = { status: '', words: 0 };
      for (let attempt = 0; attempt < 3 && midStream.status !== 'streaming'; attempt++) {
        await pressAndWaitForWords(attempt === 0 ? 'Send' : 'Regenerate');
        midStream = await newest();
      }
      // Words were on screen while the answer was still streaming, and the finished answer kept them.
      expect(midStream.status).toBe('streaming');
      expect(midStream.words).toBeGreaterThan(0);
      await throttle(-1);
      await page.locator('.turn-assistant:last-child[data-status="done"]').waitFor();
      expect((await newest()).words).toBeGreaterThanOrEqual(midStream.words);
      await shot(page, '02-chat-answer');

      // Stop needs an answer still streaming when it is pressed. A short answer can arrive whole with its
      // first words; then a fresh one is asked for (Regenerate), at most three times.
      await page.getByLabel('Message').fill('And what did the grand jury say?');
      await throttle(1_000);
      for (let attempt = 0; ; attempt++) {
        await pressAndWaitForWords(attempt === 0 ? 'Send' : 'Regenerate');
        const stopped = await page
          .getByRole('button', { name: 'Stop' })
          .click({ timeout: 1_000 })
          .then(() => true)
          .catch(() => false);
        if (stopped) break;
        expect(attempt, 'three answers in a row arrived whole before Stop could be pressed').toBeLessThan(2);
      }
      await page.locator('.turn-assistant[data-status="stopped"]').waitFor();
      await page.getByRole('button', { name: 'Regenerate' }).waitFor();
    } finally {
      await throttle(-1);
    }

    // Both answers were saved to the history, titled after the first question.
    await page.waitForURL(/\/chat\/.+/);
    await expect
      .poll(() => page.locator('.conversation-list a').first().textContent())
      .toBe('Tell me about the jury and the election.');
  });

  it('creates an API key that is shown once', async () => {
    await nav('API keys').click();
    await page.getByLabel('New key name').fill('e2e');
    await page.getByRole('button', { name: 'Create key' }).click();
    apiKey = (await page.getByTestId('new-key').textContent()) ?? '';
    expect(apiKey).toMatch(/^sk-sw-/);
    await shot(page, '03-key-created');
    await page.getByRole('button', { name: 'I have copied it' }).click();
    await page.getByTestId('new-key').waitFor({ state: 'detached' });
    await expect.poll(() => page.getByTestId('key-e2e').textContent()).toContain('Active');
    expect(await page.locator('body').textContent()).not.toContain(apiKey);
    expect((await gatewayGet('/models', apiKey)).status).toBe(200);
  });

  it('an admin lowers the Free plan’s chat limit and the user is held to it, with a friendly message', async () => {
    const admin = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const adminPage = await admin.newPage();
    await adminPage.goto(`${platform.webUrl}/signin?next=/admin`);
    await adminPage.getByLabel('Email').fill(platform.admin.email);
    await adminPage.getByLabel('Password').fill(platform.admin.password);
    await adminPage.getByRole('button', { name: 'Sign in' }).click();
    await adminPage.getByTestId('plan-free').waitFor();
    await shot(adminPage, '04-admin-plans');
    await adminPage.getByRole('button', { name: 'Edit Free' }).click();
    await adminPage.getByLabel('Chat requests per day').fill('4');
    await adminPage.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => adminPage.getByTestId('plan-free').textContent()).toContain('4');
    for (const tab of ['Users', 'Subscriptions', 'Usage', 'Audit log']) {
      await adminPage.getByRole('tab', { name: tab }).click();
      await adminPage.locator('[role="tabpanel"] table, [role="tabpanel"] figure').first().waitFor();
      expect(await adminPage.locator('[role="tabpanel"] [role="alert"]').count()).toBe(0);
      await shot(adminPage, `05-admin-${tab.toLowerCase().replace(' ', '-')}`);
    }
    expect(await adminPage.locator('[role="tabpanel"]').textContent()).toContain('plan.update');
    await admin.close();

    // The gateway picks the change up within seconds; the user's key reads what it enforces.
    const remaining = await waitFor(
      'the gateway to apply the new limit',
      async () => {
        const usage = (await (await gatewayGet('/usage', apiKey)).json()) as {
          daily: { chat_requests: { limit: number; remaining: number } };
        };
        return usage.daily.chat_requests.limit === 4 ? usage.daily.chat_requests.remaining : undefined;
      },
      15_000,
    );
    await nav('Chat').click();
    await page.getByRole('button', { name: 'New chat' }).click();
    for (let sent = 0; sent < remaining; sent++) await ask(`Question ${sent + 1}`);
    expect(await page.locator('[data-problem]').count()).toBe(0);
    await ask('One more, over the limit');
    const notice = page.locator('[data-problem="quota"]');
    expect(await notice.textContent()).toContain('Daily quota reached');
    expect(await notice.textContent()).toContain('resets');
    expect(await notice.getByRole('link', { name: 'See plans and upgrade' }).count()).toBe(1);
    await shot(page, '06-chat-quota');
  });

  it('shows usage against the plan’s quotas', async () => {
    await nav('Usage').click();
    await expect.poll(() => page.getByTestId('meter-chat_requests').textContent()).toContain('4 of 4');
    await page.locator('figure.chart').first().waitFor();
    await shot(page, '07-usage');
  });

  it('upgrades through Checkout on the Stripe stand-in, and the premium model unlocks', async () => {
    await nav('Billing').click();
    await expect.poll(() => page.getByTestId('current-plan-name').textContent()).toBe('Free');
    await shot(page, '08-billing-free');
    await page.getByRole('button', { name: 'Upgrade to Premium' }).click();
    await page.getByRole('button', { name: 'Pay with test card' }).waitFor();
    await shot(page, '09-checkout');
    await page.getByRole('button', { name: 'Pay with test card' }).click();
    await page.waitForURL(/\/billing\?checkout=success/);
    await expect
      .poll(() => page.getByTestId('upgrade-confirmed').textContent(), { timeout: 30_000 })
      .toContain('You are now on Premium');
    expect(await page.getByTestId('current-plan').textContent()).toContain('Renews on');
    await shot(page, '10-billing-premium');

    await nav('Chat').click();
    await page.getByRole('button', { name: 'New chat' }).click();
    await page.getByLabel('Model').selectOption('sw-ngram-pro');
    expect(await page.getByTestId('locked-models').count()).toBe(0);
    await ask('Now with the premium model.');
    expect(await page.locator('.turn-assistant[data-status="done"]').last().textContent()).toContain('sw-ngram-pro');
    expect(await page.locator('[data-problem]').count()).toBe(0);
  });

  it('generates an image into the gallery and downloads it', async () => {
    await nav('Images').click();
    await page.getByLabel('Prompt').fill('a lighthouse at dusk');
    await page.getByLabel('Size').selectOption('256x256');
    await page.getByRole('button', { name: 'Generate' }).click();
    const item = page.locator('.gallery-item').first();
    await item.locator('img').waitFor();
    await page.waitForFunction(
      () => (document.querySelector<HTMLImageElement>('.gallery-item img')?.naturalWidth ?? 0) > 0,
    );
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      item.getByRole('button', { name: /Download/ }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^img_.+\.png$/);
    const png = await readFile((await download.path()) as string);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    await shot(page, '11-images');
  });

  it('runs a synthetic job to 100% from its event stream and downloads its JSONL', async (context) => {
    if (!syntheticApi) {
      console.warn('Skipping the studio steps: the gateway has no /v1/synthetic API yet.');
      context.skip();
    }
    await nav('Studio').click();
    await page.getByLabel('Records to keep').fill('5');
    await shot(page, '12-studio');
    await page.getByRole('button', { name: 'Start job' }).click();
    await page.waitForURL(/\/studio\/job_/);
    await expect.poll(() => page.getByTestId('job-status').textContent(), { timeout: 45_000 }).toBe('succeeded');
    expect(await page.getByTestId('job-progress').textContent()).toMatch(/^100%/);
    expect(await page.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('100');
    await page.locator('table.records tbody tr').first().waitFor();
    await page.getByTestId('verdict').waitFor();
    await shot(page, '13-job');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download JSONL' }).click(),
    ]);
    const lines = (await readFile((await download.path()) as string, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(5);
    for (const line of lines)
      expect(JSON.parse(line)).toMatchObject({ provenance: { synthetic: true, generation_depth: 1 } });
  });

  it('plots the collapse lab’s curves', async (context) => {
    if (!syntheticApi) context.skip();
    await nav('Lab').click();
    await page.getByLabel('Experiment').selectOption('regression');
    await page.getByRole('button', { name: 'Run experiment' }).click();
    await page.getByTestId('lab-chart').first().waitFor({ timeout: 20_000 });
    expect(await page.locator('[data-testid="lab-chart"] polyline').count()).toBeGreaterThanOrEqual(2);
    await shot(page, '14-lab');
  });

  it('revokes the key, which then stops working on the gateway', async () => {
    await nav('API keys').click();
    await page.getByRole('button', { name: 'Revoke e2e' }).click();
    await page.getByRole('button', { name: 'Revoke key' }).click();
    await expect.poll(() => page.getByTestId('key-e2e').textContent()).toContain('Revoked');
    await shot(page, '15-keys-revoked');
    await waitFor(
      'the gateway to refuse the revoked key',
      async () => ((await gatewayGet('/models', apiKey)).status === 401 ? true : undefined),
      15_000,
    );
  });

  it('fits a phone screen in dark mode', async () => {
    const phone = await browser.newContext({
      viewport: { width: 390, height: 844 },
      colorScheme: 'dark',
      storageState: await user.storageState(),
    });
    const phonePage = await phone.newPage();
    await phonePage.goto(`${platform.webUrl}/chat`);
    await phonePage.getByLabel('Message').waitFor();
    const overflow = await phonePage.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    const background = await phonePage.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    expect(background).toBe('rgb(17, 17, 24)');
    await shot(phonePage, '16-chat-phone-dark');
    await phone.close();
  });

  it('says when a session expired, and when sign-in is throttled', async () => {
    await user.clearCookies();
    await nav('Usage').click();
    await page.waitForURL(/\/signin/);
    expect(await page.getByRole('alert').textContent()).toContain('Your session expired');
    await shot(page, '17-session-expired');

    for (let attempt = 0; attempt < 6; attempt++) {
      await page.getByLabel('Email').fill(platform.free.email);
      await page.getByLabel('Password').fill(`wrong-${attempt}`);
      await Promise.all([
        page.waitForResponse((response) => response.url().includes('auth.signIn')),
        page.getByRole('button', { name: 'Sign in' }).click(),
      ]);
    }
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Try again in');
    expect(await page.locator('[data-problem="throttled"]').count()).toBe(1);
    await shot(page, '18-signin-throttled');
  });
});
