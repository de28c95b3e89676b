// The exported static site (no backend): product links open directly, and ordering goes to
// each IKM over WhatsApp with the order list in the message. Runs only against an export.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, addToList, launch, phone, screenshot } from './helpers.mjs';

const STATIC = Boolean(process.env.STATIC_SITE);
let browser;
before(async () => { if (STATIC) browser = await launch(); });
after(async () => { await browser?.close(); });

test('on a static copy, the order list is sent to each IKM over WhatsApp', { skip: !STATIC && 'needs the static export' }, async () => {
  const { context, page, errors } = await phone(browser);
  // A product link opened directly, as from a chat.
  const res = await page.goto(`${BASE_URL}/produk/kopi-robusta-bubuk-250-g`);
  assert.equal(res.status(), 200);
  assert.match(await page.content(), /property="og:title" content="Kopi Robusta Bubuk 250 g/);
  await addToList(page, 'kopi-robusta-bubuk-250-g', 30);
  await addToList(page, 'madu-hutan-botol-kecil-250-g');
  await page.goto(`${BASE_URL}/daftar-pesanan`);
  const orders = page.locator('a.wa-order');
  await orders.first().waitFor();
  assert.equal(await orders.count(), 2, 'one WhatsApp order per IKM');
  assert.equal(await page.getByRole('link', { name: 'Ajukan Pesanan' }).count(), 0);
  // No server, no desk: the footer offers no staff login that would end in a 404.
  assert.equal(await page.locator('a[href="/masuk"]').count(), 0);
  const hrefs = await orders.evaluateAll((as) => as.map((a) => a.href));
  const coffee = hrefs.map((h) => decodeURIComponent(h)).find((h) => h.includes('Kopi Robusta Bubuk 250 g'));
  assert.ok(coffee, hrefs.join('\n'));
  assert.match(coffee, /^https:\/\/wa\.me\/628\d+\?text=Halo Kopi Gunung Betung/);
  assert.match(coffee, /Kopi Robusta Bubuk 250 g × 30 pak 250 g @ Rp/);
  assert.match(coffee, /Subtotal: Rp/);
  await screenshot(page, '60-static-order-list');
  // The request form says why it is not there, and leads back.
  await page.goto(`${BASE_URL}/ajukan`);
  await page.getByText(/tidak menerima pengajuan pesanan langsung/).first().waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

test('on a static copy, the needs board is read-only and offers go to Disperindag over WhatsApp', { skip: !STATIC && 'needs the static export' }, async () => {
  const { context, page, errors } = await phone(browser);
  await page.goto(`${BASE_URL}/kebutuhan`);
  const card = page.getByText('Seragam batik Lampung untuk 40 pegawai').first();
  await card.waitFor();
  await screenshot(page, '61-static-needs-board');
  // The need's own page, opened from a chat: its preview is in the file.
  const link = await page.locator('a', { hasText: 'Seragam batik Lampung untuk 40 pegawai' }).first().getAttribute('href');
  const res = await page.goto(`${BASE_URL}${link}`);
  assert.equal(res.status(), 200);
  assert.match(await page.content(), /property="og:title" content="Seragam batik Lampung untuk 40 pegawai/);
  const wa = page.locator('a[href^="https://wa.me/"]').first();
  await wa.waitFor();
  const href = decodeURIComponent(await wa.getAttribute('href'));
  const number = process.env.NEEDS_WHATSAPP.replace(/^0/, '62');
  assert.ok(href.startsWith(`https://wa.me/${number}?text=Halo Disperindag`), href);
  assert.match(href, /KBT-\d{4}-\d{6}/);
  await screenshot(page, '62-static-need-page');
  // Posting a need needs the online site.
  await page.goto(`${BASE_URL}/kebutuhan/baru`);
  await page.getByText(/tidak menerima kebutuhan baru/).first().waitFor();
  // …and leads to the site it was copied from, where needs are posted.
  const online = await page.getByRole('link', { name: 'Pasang di situs daring' }).getAttribute('href');
  assert.match(online, /^https?:\/\/.+\/kebutuhan\/baru$/);
  assert.deepEqual(errors, []);
  await context.close();
});
