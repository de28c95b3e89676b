// Journeys through the storefront on a phone, against the real server and database.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  addToList, BASE_URL, launch, phone, resultCount, screenshot, takenOver, untouchedPhone,
} from './helpers.mjs';

const STATIC = Boolean(process.env.STATIC_SITE);

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
  // The app changes the address at once and draws the product when its data is here (the
  // page before stays until then).
  const heading = page.getByRole('heading', { level: 1, name, exact: true });
  await heading.waitFor();
  const price = (await page.locator('.product-price .price').textContent()).trim();
  assert.match(price, /^Rp \d{1,3}(\.\d{3})*$/);
  await page.waitForFunction((n) => document.title.startsWith(`${n} · `), name);
  await screenshot(page, '02-product');

  // A reload of the deep link comes back to the same product. (A static host redirects
  // /produk/x to /produk/x/, and the app drops the slash once it runs: either is this page.)
  const bare = (u) => u.replace(/\/$/, '');
  const url = bare(page.url());
  await page.reload();
  await page.getByRole('heading', { level: 1 }).waitFor();
  assert.equal(bare(page.url()), url);
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
  const n = await resultCount(page);
  assert.ok(n > 0 && n < 182, `tapis gave ${n} results`);
  await screenshot(page, '05-search');
  await context.close();
});

test('what a quick visitor types before the app starts is kept when it takes over', async () => {
  const { context, page, errors } = await phone(browser);
  // Hold the page's data back so the server's rendering is what the visitor types into.
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await page.route(/\/api\/v1\/home/, async (route) => { await held; await route.continue(); });
  await page.goto(`${BASE_URL}/`);
  const early = page.locator('#prerender').getByRole('searchbox', { name: 'Cari produk' });
  await early.fill('kopi');
  release();
  await takenOver(page);
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
  await page.route(/\/api\/v1\/search/, async (route) => { await held; await route.continue(); });
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

test('while the product is on its way the tab keeps a title, then names the product', async () => {
  const { context, page, errors } = await phone(browser);
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await page.route(/\/api\/v1\/(products|catalog)/, async (route) => { await held; await route.continue(); });
  await page.goto(`${BASE_URL}/produk/kopi-robusta-bubuk-250-g`);
  const served = await page.title();
  // The app has started (its title effect has run) but has no product yet: the tab keeps
  // the server's title (a static copy's page has the site's name alone).
  await page.waitForFunction(() => window.wasmBindings !== undefined);
  await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 800)));
  assert.equal(await page.locator('#prerender').count(), 1);
  assert.equal(await page.title(), served);
  assert.match(served, /Etalase IKM Lampung/);
  release();
  await page.getByRole('heading', { level: 1, name: 'Kopi Robusta Bubuk 250 g' }).waitFor();
  await takenOver(page);
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

// What a shared link costs a phone: the page's own document, never the whole catalog (which
// grows with every product). The catalog, the search index, loads once a buyer starts typing.
test('each page fetches only what it shows; the search index loads when a search begins', async () => {
  const { context, page, errors } = await phone(browser);
  const asked = [];
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (url.pathname.startsWith('/api/')) asked.push(url.pathname);
  });
  const pages = [
    ['/', '/api/v1/home'],
    ['/produk/kopi-robusta-bubuk-250-g', '/api/v1/products/kopi-robusta-bubuk-250-g'],
    ['/ikm/kopi-ulubelu', '/api/v1/ikm/kopi-ulubelu'],
    ['/kategori/kopi-rempah', STATIC ? '/api/v1/catalog' : '/api/v1/search'],
    ['/cari?q=kopi', STATIC ? '/api/v1/catalog' : '/api/v1/search'],
  ];
  for (const [path, document] of pages) {
    asked.length = 0;
    await page.goto(`${BASE_URL}${path}`);
    await takenOver(page);
    await page.locator('main h1').first().waitFor();
    assert.ok(asked.includes(document), `${path} asked ${asked}`);
    if (!STATIC) assert.ok(!asked.includes('/api/v1/catalog'), `${path} fetched the whole catalog`);
  }
  // The order list asks for its products in one request.
  await addToList(page, 'kopi-robusta-bubuk-250-g');
  await addToList(page, 'keripik-pisang-coklat-250-g');
  asked.length = 0;
  await page.goto(`${BASE_URL}/daftar-pesanan`);
  // The server draws the list first (from its cookie); the app, started by the pointer,
  // takes over once it has the products.
  await takenOver(page);
  await page.getByText('Keripik Pisang Coklat 250 g').first().waitFor();
  const batch = STATIC ? '/api/v1/catalog' : '/api/v1/products';
  assert.equal(asked.filter((p) => p === batch).length, 1, `order list asked ${asked}`);
  if (!STATIC) assert.ok(!asked.includes('/api/v1/catalog'), 'the order list fetched the whole catalog');
  if (!STATIC) {
    asked.length = 0;
    await page.goto(`${BASE_URL}/cari?q=kopi`);
    await takenOver(page);
    const served = await page.locator('.result-count').textContent();
    // Focus the box: the index loads; from then on each keystroke is answered on the phone.
    const indexed = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/catalog');
    await page.locator('#cari-q').focus();
    await indexed;
    assert.equal(await page.locator('.result-count').textContent(), served, 'same count from the index');
    asked.length = 0;
    await page.locator('#cari-q').pressSequentially(' bubuk', { delay: 30 });
    await page.waitForURL(/q=kopi(\+|%20)bubuk/);
    assert.match(await page.locator('.product-card h3').first().textContent(), /Kopi.*Bubuk/i);
    assert.deepEqual(asked.filter((p) => p.startsWith('/api/v1/search')), [], 'typed searches stay on the phone');
  }
  assert.deepEqual(errors, []);
  await context.close();
});

test('the app takes over the server’s pages without moving anything', { skip: STATIC && 'the static pages are drawn the same way; one host is enough' }, async () => {
  // A phone that has not been touched yet: the server's HTML, no app.
  const context = await untouchedPhone(browser);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // Every heading of the page, with where it stands on the page.
  const headings = () => page.evaluate(() => [...document.querySelectorAll('main h1, main h2, main h3')]
    .map((h) => `${h.textContent.trim()} @ ${Math.round(h.getBoundingClientRect().top + window.scrollY)}`));
  for (const path of [
    '/',
    '/produk/keripik-pisang-coklat-250-g',
    '/produk/kopi-robusta-bubuk-250-g',
    '/ikm/kopi-ulubelu',
    '/kategori/kopi-rempah',
    '/cari?q=kopi',
  ]) {
    await page.goto(`${BASE_URL}${path}`);
    await page.locator('#prerender').waitFor();
    const served = await headings();
    assert.ok(served.length > 1, `${path}: ${served}`);
    await page.mouse.move(3, 3);
    await takenOver(page);
    await page.waitForTimeout(300);
    assert.deepEqual(await headings(), served, `${path} moved when the app took over`);
  }
  assert.deepEqual(errors, []);
  await context.close();
});
