// Shared set-up for end-to-end journeys: Debian's Chromium driven by playwright-core,
// as a mid-range Android phone (390×844).
import { chromium } from 'playwright-core';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const BASE_URL = process.env.BASE_URL ?? 'http://127.0.0.1:8080';
const ARTIFACTS = process.env.ARTIFACTS ?? 'test-artifacts/e2e';
/// How late each API answer comes to a `phone` (milliseconds; see there). 0 for none.
const API_LATENCY_MS = Number(process.env.E2E_API_LATENCY_MS ?? 200);

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

/// `options` adds to the context. The service worker is blocked unless asked for
/// (`{ serviceWorkers: 'allow' }`): journeys that check what the server says right after a
/// change must not be answered from the phone's copy (offline.test.mjs tests the worker).
export async function phone(browser, options = {}) {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'id-ID',
    serviceWorkers: 'block',
    ...options,
  });
  // On a page the server drew, the app starts at a buyer's first sign of presence
  // (Trunk.toml): this phone's pointer moves once each page has loaded, as a thumb would
  // touch the screen. Lighthouse, which never touches, measures the page without the app.
  context.on('page', (p) => {
    p.on('domcontentloaded', () => { p.mouse.move(2, 2).catch(() => {}); });
  });
  const page = await context.newPage();
  // The buyers' network: each answer from the API comes a moment late, as on 4G outside
  // Bandar Lampung. The app's hand-over from the server's rendering (which stays until the
  // page's data is here) then takes as long on every run as it can on a busy machine, so a
  // journey that reads the page mid-way fails every time, not now and then. A page whose
  // service worker runs (offline.test.mjs) is left alone: its network is the test's own.
  if (API_LATENCY_MS > 0 && options.serviceWorkers !== 'allow') {
    await context.route(/\/api\/v1\//, async (route) => {
      await new Promise((resolve) => { setTimeout(resolve, API_LATENCY_MS); });
      await route.fallback();
    });
  }
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  return { context, page, errors };
}

/// A phone whose pointer never moves: the server's HTML stays until a real tap, and no app
/// is downloaded before one (see `phone`). `options` adds to the context (e.g. storageState).
export async function untouchedPhone(browser, options = {}) {
  return browser.newContext({
    viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
    locale: 'id-ID', serviceWorkers: 'block', ...options,
  });
}

/// Waits until the app has taken the place of the server's rendering (see Trunk.toml and
/// `app::App`): from then on, what the page shows is the app's.
export async function takenOver(page) {
  await page.locator('#prerender').waitFor({ state: 'detached' });
}

export async function screenshot(page, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: false });
}

/// Runs axe-core on the page and returns its serious and critical violations, readable.
export async function seriousA11yViolations(page) {
  // The page as the app leaves it, not mid-way through taking over the server's rendering.
  await takenOver(page);
  const { createRequire } = await import('node:module');
  const require = createRequire(import.meta.url);
  // Evaluated through the DevTools protocol: our Content-Security-Policy (rightly) refuses
  // an injected <script>, and the page must be tested under the policy it ships with.
  await page.evaluate(readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));
  const result = await page.evaluate(async () =>
    // eslint-disable-next-line no-undef
    axe.run(document, { resultTypes: ['violations'] }));
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact}: ${v.id} — ${v.help} (${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')})`);
}

/// The number in "14 produk" / "14 products".
/// The count once the app has taken over and no newer results are on their way (the server
/// searches until the phone holds the index; the results section is aria-busy meanwhile).
export async function resultCount(page) {
  await takenOver(page);
  await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'));
  const text = await page.locator('.result-count').textContent();
  return Number(text.trim().split(' ')[0]);
}

// The partner's side of ordering, shared by the journeys.

/// Adds a product to the order list from its page, at `quantity` or its minimum.
export async function addToList(page, slug, quantity) {
  await page.goto(`${BASE_URL}/produk/${slug}`);
  const qty = page.getByLabel(/^Jumlah/);
  await qty.waitFor();
  if (quantity) await qty.fill(String(quantity));
  await page.getByRole('button', { name: /Daftar Pesanan/ }).first().click();
  await page.getByText('Tersimpan di Daftar Pesanan.').waitFor();
}

export function inDays(n) {
  const d = new Date(Date.now() + 7 * 3600 * 1000 + n * 86400 * 1000);
  return d.toISOString().slice(0, 10);
}

export async function fillForm(page, neededBy) {
  await page.getByLabel('Nama perusahaan/instansi').fill('PT Perkebunan Nusantara VII');
  await page.getByLabel('Jenis pemesan').selectOption('bumn');
  await page.getByLabel('Nama kontak').fill('Rina Marlina');
  await page.getByLabel('Nomor HP (WhatsApp)').fill('0812 7000 1234');
  await page.getByLabel('Email').fill('rina@contoh.co.id');
  await page.getByLabel('Alamat pengiriman').fill('Jl. Teuku Umar No. 300, Kedaton');
  await page.getByLabel('Kabupaten/kota tujuan').selectOption('bandar-lampung');
  await page.getByLabel('Dibutuhkan tanggal').fill(neededBy);
}

/// The demo accounts the server wrote on first start: { username: password }.
export function demoAccounts() {
  const file = process.env.DEMO_CREDENTIALS ?? 'var/demo-akun.txt';
  const accounts = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const [, user, password] = line.split('\t');
    accounts[user] = password;
  }
  return accounts;
}
