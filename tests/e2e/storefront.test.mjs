// Journeys through the storefront on a phone, against the real server and database.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, launch, phone, screenshot } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('open home, tap a product, see name and price, reload the deep link', async () => {
  const { context, page, errors } = await phone(browser);
  await page.goto(`${BASE_URL}/`);
  await page.getByRole('heading', { name: 'Produk pilihan' }).waitFor();
  await screenshot(page, '01-home');

  // The first featured product, as a buyer sees it.
  const card = page.locator('.product-card').first();
  const name = (await card.getByRole('heading').textContent()).trim();
  await card.getByRole('link').click();

  await page.waitForURL(/\/produk\//);
  const heading = page.getByRole('heading', { level: 1 });
  await heading.waitFor();
  assert.equal((await heading.textContent()).trim(), name);
  const price = (await page.locator('.product-price .price').textContent()).trim();
  assert.match(price, /^Rp \d{1,3}(\.\d{3})*$/);
  assert.match(await page.title(), new RegExp(name));
  await screenshot(page, '02-product');

  // A reload of the deep link comes back to the same product.
  const url = page.url();
  await page.reload();
  await page.getByRole('heading', { level: 1 }).waitFor();
  assert.equal(page.url(), url);
  assert.equal((await page.getByRole('heading', { level: 1 }).textContent()).trim(), name);
  assert.equal((await page.locator('.product-price .price').textContent()).trim(), price);
  await screenshot(page, '03-product-reloaded');

  assert.deepEqual(errors, []);
  await context.close();
});

test('product leads to its IKM, whose page lists it and links WhatsApp', async () => {
  const { context, page, errors } = await phone(browser);
  await page.goto(`${BASE_URL}/produk/kopi-robusta-bubuk-250-g`);
  await page.getByRole('heading', { level: 1, name: 'Kopi Robusta Bubuk 250 g' }).waitFor();
  await page.locator('.maker-link').click();
  await page.waitForURL(/\/ikm\//);
  const wa = page.getByRole('link', { name: 'Hubungi lewat WhatsApp' });
  assert.match(await wa.getAttribute('href'), /^https:\/\/wa\.me\/628\d+\?text=/);
  assert.ok(await page.getByRole('link', { name: /Kopi Robusta Bubuk 250 g/ }).count() >= 1);
  await screenshot(page, '04-ikm');
  assert.deepEqual(errors, []);
  await context.close();
});

test('search from the header narrows results and lives in the URL', async () => {
  const { context, page } = await phone(browser);
  await page.goto(`${BASE_URL}/`);
  const box = page.getByRole('searchbox', { name: 'Cari produk' });
  await box.fill('tapis');
  await box.press('Enter');
  await page.waitForURL(/\/cari\?q=tapis/);
  const count = page.locator('.result-count');
  await count.waitFor();
  const n = Number((await count.textContent()).split(' ')[0]);
  assert.ok(n > 0 && n < 182, `tapis gave ${n} results`);
  await screenshot(page, '05-search');
  await context.close();
});

test('what a quick visitor types before the app starts is kept when it takes over', async () => {
  const { context, page, errors } = await phone(browser);
  // Hold the catalog back so the server's rendering is what the visitor types into.
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await page.route(/\/api\/v1\/catalog/, async (route) => { await held; await route.continue(); });
  await page.goto(`${BASE_URL}/`);
  const early = page.locator('#prerender').getByRole('searchbox', { name: 'Cari produk' });
  await early.fill('kopi');
  release();
  await page.locator('#prerender').waitFor({ state: 'detached' });
  const box = page.getByRole('searchbox', { name: 'Cari produk' });
  assert.equal(await box.inputValue(), 'kopi');
  assert.ok(await box.evaluate((el) => el === document.activeElement), 'the search box keeps the focus');
  await box.press('Enter');
  await page.waitForURL(/\/cari\?q=kopi/);
  await page.locator('.result-count').waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

test('a search link shows its results before the app, which takes over without a shift', { skip: process.env.STATIC_SITE ? 'a static host has no search' : false }, async () => {
  const { context, page, errors } = await phone(browser);
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await page.route(/\/api\/v1\/catalog/, async (route) => { await held; await route.continue(); });
  await page.addInitScript(() => {
    window.__shift = 0;
    new PerformanceObserver((l) => {
      for (const e of l.getEntries()) if (!e.hadRecentInput) window.__shift += e.value;
    }).observe({ type: 'layout-shift', buffered: true });
  });
  await page.goto(`${BASE_URL}/cari?q=kopi&urut=harga-naik`);
  // The server's page: results, their count and the chosen order, before any script.
  const early = page.locator('#prerender');
  const count = await early.locator('.result-count').textContent();
  assert.match(count, /^\d+ produk$/);
  assert.equal(await early.getByLabel('Urutkan').inputValue(), 'harga-naik');
  const firstEarly = await early.locator('.product-card-name').first().textContent();
  // A filter panel opened before the app arrives stays open after.
  await early.locator('details.filters summary').click();
  release();
  await early.waitFor({ state: 'detached' });
  assert.equal(await page.locator('.result-count').textContent(), count);
  assert.equal(await page.locator('.product-card-name').first().textContent(), firstEarly);
  await page.getByLabel('Kabupaten/kota').waitFor({ state: 'visible' });
  assert.ok(await page.evaluate(() => window.__shift) < 0.02, 'no layout shift in the hand-over');
  assert.deepEqual(errors, []);
  await context.close();
});

test('while the catalog is on its way the tab keeps a title, then names the product', async () => {
  const { context, page, errors } = await phone(browser);
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await page.route(/\/api\/v1\/catalog/, async (route) => { await held; await route.continue(); });
  await page.goto(`${BASE_URL}/produk/kopi-robusta-bubuk-250-g`);
  // The app has started (its title effect has run) but has no catalog yet.
  await page.waitForFunction(() => window.wasmBindings !== undefined);
  await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 50)));
  assert.match(await page.title(), /Etalase IKM Lampung/);
  release();
  await page.getByRole('heading', { level: 1, name: 'Kopi Robusta Bubuk 250 g' }).waitFor();
  await page.locator('#prerender').waitFor({ state: 'detached' });
  assert.equal(await page.title(), 'Kopi Robusta Bubuk 250 g · Etalase IKM Lampung');
  assert.deepEqual(errors, []);
  await context.close();
});

// A plain file server answers unknown paths with its own 404 page, not ours.
test('an unknown product shows the not-found page', { skip: process.env.STATIC_SITE ? 'static site' : false }, async () => {
  const { context, page } = await phone(browser);
  const response = await page.goto(`${BASE_URL}/produk/tidak-ada-produk-ini`);
  assert.equal(response.status(), 404); // a real 404, not a soft one
  await page.getByRole('heading', { name: 'Halaman tidak ditemukan' }).waitFor();
  const unknown = await page.goto(`${BASE_URL}/halaman/yang/tidak/ada`);
  assert.equal(unknown.status(), 404);
  await page.getByRole('heading', { name: 'Halaman tidak ditemukan' }).waitFor();
  await context.close();
});
