// Sharing links: the share sheet where the phone has no native one, with a visible copy
// confirmation; the page's main content without JavaScript; and the app taking over the
// server's rendering without shifting the layout.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, launch, phone, screenshot, takenOver, untouchedPhone } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const PRODUCT = 'kopi-robusta-bubuk-250-g';

test('the share sheet offers WhatsApp, Facebook and Telegram, and copying confirms', async () => {
  const { context, page, errors } = await phone(browser);
  await page.goto(`${BASE_URL}/produk/${PRODUCT}`);
  await page.getByRole('heading', { name: 'Kopi Robusta Bubuk 250 g' }).waitFor();
  // Desktop Linux Chromium has no navigator.share: our own sheet opens.
  assert.equal(await page.evaluate(() => typeof navigator.share), 'undefined');
  await page.getByRole('button', { name: 'Bagikan' }).click();
  const sheet = page.getByRole('dialog', { name: 'Bagikan' });
  await sheet.waitFor();
  const link = encodeURIComponent(`${BASE_URL}/produk/${PRODUCT}`);
  const wa = await sheet.getByRole('link', { name: 'WhatsApp' }).getAttribute('href');
  assert.ok(wa.startsWith('https://wa.me/?text='), wa);
  assert.ok(wa.includes(link), `${wa} carries the product link`);
  assert.ok(decodeURIComponent(wa).includes('Kopi Robusta Bubuk 250 g'));
  const fb = await sheet.getByRole('link', { name: 'Facebook' }).getAttribute('href');
  assert.equal(fb, `https://www.facebook.com/sharer/sharer.php?u=${link}`);
  const tg = await sheet.getByRole('link', { name: 'Telegram' }).getAttribute('href');
  assert.ok(tg.startsWith(`https://t.me/share/url?url=${link}`), tg);
  await sheet.getByRole('button', { name: 'Salin tautan' }).click();
  await sheet.getByRole('button', { name: 'Tersalin' }).waitFor();
  await screenshot(page, '50-share-sheet');

  // A search is shared with its query.
  await page.goto(`${BASE_URL}/cari?q=keripik`);
  await page.getByRole('button', { name: 'Bagikan' }).click();
  const searchWa = await page.getByRole('link', { name: 'WhatsApp' }).getAttribute('href');
  assert.ok(searchWa.includes(encodeURIComponent('/cari?q=keripik')), searchWa);
  assert.deepEqual(errors, []);
  await context.close();
});

test('with JavaScript off, a product link still shows its name, price, picture and description', async () => {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true,
    javaScriptEnabled: false, locale: 'id-ID',
  });
  const page = await context.newPage();
  const res = await page.goto(`${BASE_URL}/produk/${PRODUCT}`);
  assert.equal(res.status(), 200);
  await page.getByRole('heading', { name: 'Kopi Robusta Bubuk 250 g' }).waitFor();
  assert.ok(await page.locator('.product-price').isVisible());
  assert.match(await page.locator('.product-price').textContent(), /Rp \d/);
  assert.ok(await page.locator('#prerender img.product-image').first().isVisible());
  assert.ok(await page.getByRole('link', { name: 'Kopi Gunung Betung' }).first().isVisible());
  // The whole page, as the app lays it out: order rules, volume prices, maker, related.
  await page.getByRole('heading', { name: 'Harga grosir' }).waitFor();
  await page.getByRole('heading', { name: 'Produk serupa' }).waitFor();
  await screenshot(page, '51-no-javascript');

  // The list pages too, with links that work without the app.
  await page.goto(`${BASE_URL}/kategori/kopi-rempah`);
  assert.ok(await page.locator('#prerender .product-card').count() > 3);
  const unknown = await page.goto(`${BASE_URL}/produk/tidak-ada-produk-ini`);
  assert.equal(unknown.status(), 404);
  await page.getByRole('heading', { name: 'Halaman tidak ditemukan' }).waitFor();
  await context.close();
});

test('the app takes over the server\'s rendering without shifting the layout', async () => {
  const { context, page, errors } = await phone(browser);
  await page.addInitScript(() => {
    window.__shift = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (!e.hadRecentInput) window.__shift += e.value;
    }).observe({ type: 'layout-shift', buffered: true });
  });
  await page.goto(`${BASE_URL}/produk/${PRODUCT}`);
  // The app is in charge when the server's copy is gone and its own controls are there.
  await takenOver(page);
  await page.getByRole('button', { name: /Daftar Pesanan/ }).first().waitFor();
  await page.waitForTimeout(500);
  const shift = await page.evaluate(() => window.__shift);
  assert.ok(shift < 0.1, `cumulative layout shift ${shift} stays under 0.1`);
  assert.deepEqual(errors, []);
  await context.close();
});

// A shared link is read first: the server's page is whole without the app, so a phone that
// never touches the screen downloads no wasm. The first touch starts the app, and a tap on a
// button that needs it (here "Bagikan") is answered once it runs, not lost.
test('a reader who never touches downloads no app; a first tap on Bagikan still opens the sheet', async () => {
  // Not the shared phone: that one moves its pointer after each load.
  const context = await untouchedPhone(browser);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const code = [];
  page.on('request', (r) => {
    if (/\.(wasm|js)$/.test(new URL(r.url()).pathname)) code.push(new URL(r.url()).pathname);
  });
  await page.goto(`${BASE_URL}/kategori/kopi-rempah`);
  await page.locator('#prerender .product-card').first().waitFor();
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(1000);
  assert.deepEqual(code, [], 'nothing but the page before a touch');

  await page.locator('#prerender').getByRole('button', { name: 'Bagikan' }).tap();
  const sheet = page.getByRole('dialog', { name: 'Bagikan' });
  await sheet.waitFor();
  assert.equal(await page.locator('#prerender').count(), 0);
  assert.equal(code.filter((p) => p.endsWith('.wasm')).length, 1, `${code}`);
  const wa = await sheet.getByRole('link', { name: 'WhatsApp' }).getAttribute('href');
  assert.ok(wa.includes(encodeURIComponent('/kategori/kopi-rempah')), wa);
  await screenshot(page, '52-first-tap-share');

  // Pages only the app can draw start it at once.
  code.length = 0;
  await page.goto(`${BASE_URL}/ajukan`);
  await page.waitForFunction(() => window.wasmBindings !== undefined);
  assert.ok(code.some((p) => p.endsWith('.wasm')));

  // The header's English switch, tapped before the app runs, switches once it does.
  await page.goto(`${BASE_URL}/produk/kopi-robusta-bubuk-250-g`);
  await page.locator('#prerender').getByRole('button', { name: 'Switch to English' }).tap();
  await page.getByRole('button', { name: 'Ganti ke Bahasa Indonesia' }).waitFor();
  assert.equal(await page.getByRole('searchbox').getAttribute('placeholder'), 'Search tapis, coffee…');
  // The server writes Indonesian: for a buyer who chose English the app starts untouched.
  await page.goto(`${BASE_URL}/ikm/kopi-ulubelu`);
  await page.getByRole('button', { name: 'Ganti ke Bahasa Indonesia' }).waitFor();
  await page.getByRole('heading', { name: 'Our story' }).waitFor();
  // Her first tap may land on the server's (Indonesian) page while the app still waits for
  // the product: it is answered on the app's English button of its kind, not lost.
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await page.route(/\/api\/v1\/(products|catalog)/, async (route) => { await held; await route.continue(); });
  await page.goto(`${BASE_URL}/produk/keripik-pisang-coklat-250-g`);
  await page.waitForFunction(() => window.wasmBindings !== undefined);
  await page.locator('#prerender').getByRole('button', { name: 'Tambah ke Daftar Pesanan' }).tap();
  release();
  await page.getByText('Saved in your order list.').waitFor();
  assert.equal(await page.locator('.nav-badge').textContent(), '1');
  assert.deepEqual(errors, []);
  await context.close();
});
