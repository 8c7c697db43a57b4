import { mkdir, readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, launchChromium, missingForBrowserTests, navLink, shot, signIn, signUp } from './browser-kit';
import { type Platform, startPlatform, waitFor } from './platform';

/**
 * The gallery kept by the gateway (list, reload, delete, download), the model picker naming locked
 * models, an admin switching a model off in the Models tab, and invoices after Checkout: in a real
 * browser against the real services. Steps share one platform and run in order; nothing is retried.
 */

const missing = missingForBrowserTests();
if (missing.length) console.warn(`Skipping the catalog and gallery browser tests: ${missing.join('; ')}.`);

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe.skipIf(missing.length > 0)('the gallery, the model catalog and invoices in Chromium', () => {
  let platform: Platform;
  let browser: Browser;
  let page: Page;

  const nav = (name: string) => navLink(page, name);
  const galleryItems = () => page.locator('.gallery-item');
  /** The gateway's answer to the dev Free account's API key. */
  const freeModels = async (): Promise<string[]> => {
    const response = await fetch(`${platform.gatewayUrl}/v1/models`, {
      headers: { authorization: `Bearer ${platform.free.apiKey}` },
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { data: { id: string }[] }).data.map((model) => model.id);
  };
  /** Every loaded gallery image has decoded pixels. */
  const imagesLoaded = () =>
    page.waitForFunction(() => {
      const images = [...document.querySelectorAll<HTMLImageElement>('.gallery-item img')];
      return images.length > 0 && images.every((image) => image.complete && image.naturalWidth > 0);
    });

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    platform = await startPlatform();
    browser = await launchChromium();
    page = (await signUp(browser, platform, 'gallery')).page;
  }, 150_000);

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it('lists generated images from the gateway, still there after a reload; deletes one and downloads the other', async () => {
    await nav('Images').click();
    await page.getByLabel('Prompt').fill('two lighthouses at dusk');
    await page.getByLabel('Size').selectOption('256x256');
    await page.getByLabel('Count').selectOption('2');
    await page.getByRole('button', { name: 'Generate' }).click();
    await expect.poll(() => galleryItems().count(), { timeout: 30_000 }).toBe(2);
    await imagesLoaded();

    // A reload starts from nothing in the page: the gallery comes back from GET /v1/images.
    const [listing] = await Promise.all([
      page.waitForResponse(
        (response) => response.request().method() === 'GET' && /\/v1\/images(\?|$)/.test(response.url()),
      ),
      page.reload(),
    ]);
    expect(listing.status()).toBe(200);
    const listed = ((await listing.json()) as { data: { id: string }[] }).data.map((image) => image.id);
    expect(listed).toHaveLength(2);
    await expect.poll(() => galleryItems().count()).toBe(2);
    await imagesLoaded();
    expect(
      await galleryItems().evaluateAll((items) => items.map((item) => item.getAttribute('data-image-id'))),
    ).toEqual(listed);
    await shot(page, '21-gallery');

    const [doomed, kept] = listed as [string, string];
    const doomedLink = (await page.locator(`[data-image-id="${doomed}"] img`).getAttribute('src')) ?? '';
    await page
      .locator(`[data-image-id="${doomed}"]`)
      .getByRole('button', { name: /^Delete / })
      .click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete image' }).click();
    await expect.poll(() => galleryItems().count()).toBe(1);
    expect(await galleryItems().first().getAttribute('data-image-id')).toBe(kept);
    expect((await fetch(doomedLink)).status).toBe(404);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page
        .locator(`[data-image-id="${kept}"]`)
        .getByRole('button', { name: /^Download / })
        .click(),
    ]);
    expect(download.suggestedFilename()).toBe(`${kept}.png`);
    const png = await readFile((await download.path()) as string);
    expect(png.subarray(0, 8)).toEqual(PNG_SIGNATURE);

    await page.reload();
    await imagesLoaded();
    expect(await galleryItems().count()).toBe(1);
    await shot(page, '22-gallery-after-delete');
  });

  it('shows a Free user the premium chat model by name, locked, with an upgrade link', async () => {
    await nav('Chat').click();
    const picker = page.getByLabel('Model');
    const locked = picker.locator('option[data-locked-model="sw-ngram-pro"]');
    await locked.waitFor({ state: 'attached' });
    expect(await locked.isDisabled()).toBe(true);
    expect(await locked.textContent()).toContain('Synthwell n-gram pro (offline)');
    expect(await locked.textContent()).toContain('Premium plan');
    const values = await picker
      .locator('option:not([disabled])')
      .evaluateAll((options) => options.map((option) => (option as HTMLOptionElement).value));
    expect(values).toEqual(['sw-ngram-mini']);
    const upsell = page.getByTestId('locked-models');
    expect(await upsell.textContent()).toContain('premium models are locked on your plan: Synthwell n-gram pro');
    expect(await upsell.getByRole('link', { name: 'Upgrade to Premium' }).getAttribute('href')).toBe('/billing');
    await shot(page, '23-chat-locked-model');
  });

  it('an admin disables a model in Models, and it leaves the Free user’s /v1/models and picker', async () => {
    expect(await freeModels()).toContain('sw-canvas');
    const { context: admin, page: adminPage } = await signIn(browser, platform, platform.admin, '/admin');
    await adminPage.getByRole('tab', { name: 'Models' }).click();
    const row = adminPage.getByTestId('model-sw-canvas');
    expect(await row.textContent()).toContain('enabled');
    expect(await row.textContent()).toContain('local/canvas');
    await row.getByRole('button', { name: 'Disable sw-canvas' }).click();
    await adminPage.getByRole('dialog').getByRole('button', { name: 'Disable model' }).click();
    await expect.poll(() => row.locator('.badge').first().textContent()).toBe('disabled');
    await shot(adminPage, '24-admin-models');

    await adminPage.getByRole('tab', { name: 'Subscriptions' }).click();
    await adminPage.locator('[role="tabpanel"] table').waitFor();
    expect(await adminPage.locator('[role="tabpanel"] [role="alert"]').count()).toBe(0);
    await adminPage.getByRole('tab', { name: 'Audit log' }).click();
    await expect.poll(() => adminPage.locator('[role="tabpanel"]').textContent()).toContain('model.disable');
    await admin.close();

    // Without Redis the gateway reloads its catalog every few seconds; with it, at once.
    await waitFor(
      'the gateway to stop listing sw-canvas',
      async () => ((await freeModels()).includes('sw-canvas') ? undefined : true),
      15_000,
    );
    await nav('Images').click();
    await page.reload();
    await page.getByLabel('Model').waitFor();
    await page.getByLabel('Prompt').waitFor();
    const offered = await page
      .getByLabel('Model')
      .locator('option')
      .evaluateAll((options) => options.map((option) => (option as HTMLOptionElement).value));
    expect(offered).not.toContain('sw-canvas');
    expect(offered).toContain('locked:sw-canvas-pro');
  });

  it('shows the invoice Stripe bills when the user upgrades through Checkout', async () => {
    await nav('Billing').click();
    await expect.poll(() => page.getByTestId('current-plan-name').textContent()).toBe('Free');
    await page.getByText('No invoices yet').waitFor();
    await page.getByRole('button', { name: 'Upgrade to Premium' }).click();
    await page.getByRole('button', { name: 'Pay with test card' }).click();
    await page.waitForURL(/\/billing\?checkout=success/);
    await expect
      .poll(() => page.getByTestId('upgrade-confirmed').textContent(), { timeout: 30_000 })
      .toContain('You are now on Premium');
    const invoice = page.locator('[data-testid="invoices"] tbody tr');
    await expect.poll(() => invoice.count()).toBe(1);
    expect(await invoice.textContent()).toContain('$8.00');
    expect(await invoice.textContent()).toContain('paid');
    const number = (await invoice.locator('code').textContent()) ?? '';
    expect(number).toMatch(/-0001$/);
    await shot(page, '25-billing-invoices');

    const hosted = (await invoice.getByRole('link', { name: /^View/ }).getAttribute('href')) ?? '';
    const hostedPage = await fetch(hosted);
    expect(await hostedPage.text()).toContain(number);
    const pdf = await fetch((await invoice.getByRole('link', { name: /^PDF/ }).getAttribute('href')) ?? '');
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
  });
});
