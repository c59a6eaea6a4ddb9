import fs from 'fs';
import path from 'path';
import type { AddressInfo } from 'net';
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';
import { createTestApp, TestApp } from '../setup/app';
import { randomIp } from '../support/farmer-app';

/** Debian's chromium: playwright's own browser download cannot work on these machines. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
export const ARTIFACTS = path.join(__dirname, '..', '..', 'test-artifacts', 'web');

export type WebHarness = TestApp & { baseUrl: string; browser: Browser; shutdown: () => Promise<void> };

/** The real API (with the built app under /app) listening on a free port, and a headless Chromium. */
export async function startWebHarness(): Promise<WebHarness> {
  const t = await createTestApp();
  await t.app.listen(0, '127.0.0.1');
  const { port } = t.app.getHttpServer().address() as AddressInfo;
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true }).catch(async (err: Error) => {
    await t.close();
    throw new Error(`Chromium did not start (${CHROMIUM_PATH}; apt-get install -y chromium): ${err.message}`);
  });
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  return {
    ...t, baseUrl: `http://127.0.0.1:${port}`, browser,
    shutdown: async () => {
      await browser.close();
      await t.close();
    },
  };
}

/** A phone-sized context. Each context has its own storage (IndexedDB, localStorage) and client IP. */
export async function phone(h: WebHarness): Promise<{ context: BrowserContext; page: Page }> {
  const context = await h.browser.newContext({
    baseURL: h.baseUrl, viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true, locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    // Login and SMS-code limits count per client IP in Redis across runs.
    extraHTTPHeaders: { 'X-Forwarded-For': randomIp() },
  });
  context.setDefaultTimeout(20_000);
  const page = await context.newPage();
  return { context, page };
}

export async function shot(page: Page, name: string): Promise<void> {
  // A toast over the screen hides what the picture is for: wait until it has gone (they last 2–2.5 s;
  // one may just be opening when the screen has updated).
  await page.waitForTimeout(300);
  await page.locator('.van-toast').last().waitFor({ state: 'hidden', timeout: 6000 }).catch(() => undefined);
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** Types into the input inside a Vant field marked data-test=<name>. */
export const fill = (page: Page, name: string, value: string) => page.locator(`[data-test="${name}"] input`).fill(value);

export async function staffLogin(page: Page, username: string, password: string): Promise<void> {
  await page.goto('/app/login');
  await page.locator('input[name="username"]').fill(username);
  await page.locator('input[name="password"]').fill(password);
  await page.locator('[data-test="login"]').click();
}
