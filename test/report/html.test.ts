import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import type { RunResult } from '../../src/engine/types';
import { htmlReport } from '../../src/report/html';
import { fixtureResult, REPORT_OPTIONS } from './fixture';
import { expectGolden } from './golden';
import { at } from '../support/at';
import { launchChromium, type LaunchedBrowser } from '../support/browser';

/**
 * The HTML report in a real browser: the Chromium shipped inside the @sparticuz/chromium npm package, driven
 * by playwright-core (test/support/browser.ts), so `npm ci && npm test` is enough on any machine. The page is
 * opened from a file, as a person opens a CI artifact. Never skipped: a browser that cannot start fails here.
 */
const ARTIFACTS = path.join(__dirname, '..', '..', 'test-artifacts');
// Runs in the page; declared here because the project compiles without the DOM lib.
declare function getComputedStyle(element: unknown): { borderTopColor: string };
const BORDER_COLOR = (element: unknown) => getComputedStyle(element).borderTopColor;

describe('htmlReport', () => {
  test('matches the golden file', () => {
    expectGolden('report.html', htmlReport(fixtureResult(), REPORT_OPTIONS));
  });

  test('escapes every finding text: HTML in the markup, JSON that cannot close its script element in the data', () => {
    const result: RunResult = fixtureResult();
    at(result.findings, 0).message = '<script>alert(1)</script> & "x"';
    result.notices.push({ level: 'error', message: '<img src=x onerror=alert(2)>' });
    const html = htmlReport(result, REPORT_OPTIONS);
    expect(html).not.toContain('<script>alert(1)');
    expect(html).not.toContain('</script> &');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;img src=x onerror=alert(2)&gt;');
    expect(html).toContain(String.raw`"\u003cscript\u003ealert(1)\u003c/script\u003e \u0026 \"x\""`);
    expect(html.match(/<script>/g)).toHaveLength(1);
    expect(html.match(/<\/script>/g)).toHaveLength(2);
  });

  describe('in headless Chromium', () => {
    let launched: LaunchedBrowser | undefined;
    let browser: Browser;
    const file = path.join(ARTIFACTS, 'html-report.html');

    beforeAll(async () => {
      fs.mkdirSync(ARTIFACTS, { recursive: true });
      fs.writeFileSync(file, htmlReport(fixtureResult(), REPORT_OPTIONS));
      launched = await launchChromium();
      browser = launched.browser;
    }, 60_000);

    afterAll(async () => {
      await launched?.close();
    });

    test('loads with no console error and no network request, draws the broken link red, filters passes', async () => {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      const consoleErrors: string[] = [];
      const requests: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error' || message.type() === 'warning') consoleErrors.push(message.text());
      });
      page.on('pageerror', (error) => consoleErrors.push(error.message));
      page.on('request', (request) => requests.push(request.url()));
      const url = `file://${file}`;
      await page.goto(url, { waitUntil: 'load' });

      expect(consoleErrors).toEqual([]);
      expect(requests).toEqual([url]);

      // The overview lists both vaults; the vault's path and findings are drawn when it is opened.
      expect(await page.locator('#vault-rows tr').count()).toBe(2);
      const row = page.locator('#vault-rows tr[data-vault="kv-payments-prod"]');
      expect(await row.locator('td[data-hop="dns-record"]').getAttribute('class')).toBe('cell hop-fail');
      await row.click();
      const brokenHop = page.locator('section[data-vault="kv-payments-prod"] li.hop[data-hop="dns-record"]');
      expect(await brokenHop.getAttribute('class')).toBe('hop hop-fail');
      expect(await brokenHop.evaluate(BORDER_COLOR)).toBe('rgb(207, 34, 46)');
      expect(await brokenHop.innerText()).toContain(
        "A record kv-payments-prod points at 10.1.1.9; the private endpoint's NIC has 10.1.1.4",
      );
      const healthyHop = page.locator('section[data-vault="kv-payments-prod"] li.hop[data-hop="private-endpoint"]');
      expect(await healthyHop.evaluate(BORDER_COLOR)).toBe('rgb(26, 127, 55)');
      const uncheckedHop = page.locator('section[data-vault="kv-payments-prod"] li.hop[data-hop="nic"]');
      expect(await uncheckedHop.evaluate(BORDER_COLOR)).toBe('rgb(140, 149, 159)');
      expect(
        await page.locator('a[href="https://github.com/kvguard/kvguard/blob/main/rules/dns-a-record-ip.md"]').count(),
      ).toBeGreaterThan(0);

      const passRows = page.locator('#detail tr[data-outcome="pass"]');
      expect(await passRows.count()).toBe(5);
      expect(await passRows.first().isVisible()).toBe(true);
      await page.screenshot({ path: path.join(ARTIFACTS, 'html-report.png'), fullPage: true });
      await page.locator('input[data-filter="pass"]').uncheck();
      for (const passRow of await passRows.all()) expect(await passRow.isVisible()).toBe(false);
      expect(await page.locator('#detail tr[data-outcome="fail"]').first().isVisible()).toBe(true);
      // Both vaults have a worse outcome than pass: still listed.
      expect(await page.locator('#vault-rows tr').count()).toBe(2);
      await page.locator('#search').fill('orders');
      expect(await page.locator('#vault-rows tr').count()).toBe(1);
      expect(await page.locator('#match-count').innerText()).toBe('1 of 2 vaults');
      expect(consoleErrors).toEqual([]);
      expect(requests).toEqual([url]);
      await page.close();
    }, 60_000);
  });
});
