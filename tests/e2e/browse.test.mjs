// Search, filters, sort, history, language, and accessibility on a phone (390×844).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL, launch, phone, resultCount, screenshot, seriousA11yViolations, takenOver,
} from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('typing a query narrows the results as you type', async () => {
  const { context, page, errors } = await phone(browser);
  await page.goto(`${BASE_URL}/cari`);
  await page.locator('.product-card').first().waitFor();
  const all = await resultCount(page);
  const box = page.getByRole('searchbox', { name: 'Cari produk' });

  await box.pressSequentially('kopi', { delay: 30 });
  await page.waitForURL(/q=kopi/);
  const kopi = await resultCount(page);
  assert.ok(kopi > 0 && kopi < all, `kopi: ${kopi} of ${all}`);

  await box.pressSequentially(' bubuk', { delay: 30 });
  await page.waitForURL(/q=kopi(\+|%20)bubuk/);
  const bubuk = await resultCount(page);
  assert.ok(bubuk > 0 && bubuk < kopi, `kopi bubuk: ${bubuk} of ${kopi}`);
  const first = await page.locator('.product-card h3').first().textContent();
  assert.match(first, /Kopi.*Bubuk/i);
  await screenshot(page, '10-search-typing');
  assert.deepEqual(errors, []);
  await context.close();
});

test('filter by kabupaten and price, sort, then back restores each step', async () => {
  const { context, page, errors } = await phone(browser);
  await page.goto(`${BASE_URL}/cari?q=kopi`);
  await page.locator('.product-card').first().waitFor();
  const unfiltered = await resultCount(page);

  await page.locator('details.filters summary').click();
  await page.getByLabel('Kabupaten/kota').selectOption('lampung-barat');
  await page.waitForURL(/wilayah=lampung-barat/);
  const inKab = await resultCount(page);
  assert.ok(inKab > 0 && inKab < unfiltered, `${inKab} of ${unfiltered}`);
  for (const maker of await page.locator('.product-card-maker').allTextContents()) {
    assert.match(maker, /Lampung Barat/);
  }

  await page.getByLabel('Harga tertinggi (Rp)').fill('60000');
  await page.getByLabel('Harga tertinggi (Rp)').press('Enter');
  await page.waitForURL(/harga-maks=60000/);
  const cheap = await resultCount(page);
  assert.ok(cheap > 0 && cheap < inKab, `${cheap} of ${inKab}`);

  await page.getByLabel('Urutkan').selectOption('harga-naik');
  await page.waitForURL(/urut=harga-naik/);
  const prices = (await page.locator('.product-card .price').allTextContents())
    .map((t) => Number(t.replace(/[^\d]/g, '')));
  assert.ok(prices.length > 1);
  assert.ok(prices.every((p) => p <= 60000), `${prices}`);
  await screenshot(page, '11-filtered-sorted');

  // Back undoes the sort, then the price, then the kabupaten; each state shows again.
  await page.goBack();
  await page.waitForURL((u) => !u.search.includes('urut='));
  assert.equal(await resultCount(page), cheap);
  assert.equal(await page.getByLabel('Urutkan').inputValue(), 'relevan');
  await page.goBack();
  await page.waitForURL((u) => !u.search.includes('harga-maks'));
  assert.equal(await resultCount(page), inKab);
  await page.locator('details.filters summary').click();
  assert.equal(await page.getByLabel('Kabupaten/kota').inputValue(), 'lampung-barat');
  assert.equal(await page.getByLabel('Harga tertinggi (Rp)').inputValue(), '');
  await page.goForward();
  await page.waitForURL(/harga-maks=60000/);
  assert.equal(await page.getByLabel('Harga tertinggi (Rp)').inputValue(), '60000');
  await screenshot(page, '12-back-restored');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a shared search link opens with its filters, and an empty search suggests what to try', async () => {
  const { context, page } = await phone(browser);
  await page.goto(`${BASE_URL}/cari?q=kopi&wilayah=lampung-barat&urut=harga-naik`);
  await page.locator('.product-card').first().waitFor();
  await takenOver(page);
  assert.equal(await page.getByRole('searchbox', { name: 'Cari produk' }).inputValue(), 'kopi');
  await page.locator('details.filters summary').click();
  assert.equal(await page.getByLabel('Kabupaten/kota').inputValue(), 'lampung-barat');

  await page.goto(`${BASE_URL}/cari?q=televisi`);
  await page.getByText('Tidak ada produk yang cocok').waitFor();
  await page.getByText(/Coba kata yang lebih umum/).waitFor();
  await screenshot(page, '13-empty');
  await context.close();
});

test('product → IKM → another product', async () => {
  const { context, page, errors } = await phone(browser);
  await page.goto(`${BASE_URL}/produk/kopi-robusta-bubuk-250-g`);
  await page.getByRole('heading', { level: 1, name: 'Kopi Robusta Bubuk 250 g' }).waitFor();
  await page.getByRole('table').waitFor(); // volume prices
  await page.locator('.maker-link').click();
  await page.waitForURL(/\/ikm\/kopi-gunung-betung/);
  await page.getByRole('heading', { level: 1, name: 'Kopi Gunung Betung' }).waitFor();
  await page.getByText('Nomor Induk Berusaha').first().waitFor();
  const other = page.locator('.product-card').filter({ hasNotText: 'Kopi Robusta Bubuk 250 g' }).first();
  const name = (await other.locator('h3').textContent()).trim();
  await other.getByRole('link').click();
  await page.waitForURL(/\/produk\//);
  await page.getByRole('heading', { level: 1, name }).waitFor();
  await screenshot(page, '14-another-product');
  assert.deepEqual(errors, []);
  await context.close();
});

test('switch to English, stay in English after a reload, and switch back', async () => {
  const { context, page, errors } = await phone(browser);
  await page.goto(`${BASE_URL}/produk/kain-tapis-motif-pucuk-rebung`);
  await page.getByText('Harga grosir').waitFor();
  assert.match(await page.locator('.product-price .price').textContent(), /^Rp 2\.500\.000$/);

  await page.getByRole('button', { name: 'Switch to English' }).click();
  await page.getByText('Volume prices').waitFor();
  assert.match(await page.locator('.product-price .price').textContent(), /^Rp 2,500,000$/);
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  await screenshot(page, '15-english');

  await page.reload();
  await page.getByText('Volume prices').waitFor();
  await page.getByRole('button', { name: 'Ganti ke Bahasa Indonesia' }).click();
  await page.getByText('Harga grosir').waitFor();
  assert.equal(await page.locator('html').getAttribute('lang'), 'id');
  await screenshot(page, '16-back-to-indonesian');
  assert.deepEqual(errors, []);
  await context.close();
});

for (const [kind, path] of [
  ['home', '/'],
  ['search', '/cari?q=keripik&urut=harga-naik'],
  ['product', '/produk/keripik-pisang-coklat-250-g'],
  ['IKM', '/ikm/keripik-pisang-kenanga'],
]) {
  test(`axe-core finds no serious or critical violations on the ${kind} page`, async () => {
    const { context, page } = await phone(browser);
    await page.goto(`${BASE_URL}${path}`);
    await page.locator('main h1').first().waitFor();
    await page.locator('.product-card').first().waitFor();
    const violations = await seriousA11yViolations(page);
    assert.deepEqual(violations, []);
    await context.close();
  });
}
