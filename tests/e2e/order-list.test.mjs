// The order list: quantities the product allows, tier prices, grouping by IKM, kept across
// reloads.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL, launch, phone, screenshot, seriousA11yViolations, takenOver, untouchedPhone,
} from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const rupiah = (text) => Number(text.replace(/[^\d]/g, ''));

test('add products from two IKM with valid quantities; the list keeps them after a reload', async () => {
  const { context, page, errors } = await phone(browser);
  // Keripik: minimum 20, steps of 10, cheaper from 100.
  await page.goto(`${BASE_URL}/produk/keripik-pisang-coklat-250-g`);
  await takenOver(page);
  const qty = page.getByLabel(/^Jumlah/);
  assert.equal(await qty.inputValue(), '20');
  await page.getByRole('button', { name: 'Tambah jumlah' }).click();
  assert.equal(await qty.inputValue(), '30');
  await page.getByRole('button', { name: 'Kurangi jumlah' }).click();
  await page.getByRole('button', { name: 'Kurangi jumlah' }).click();
  assert.equal(await qty.inputValue(), '20', 'never below the minimum');

  // A typed quantity off the steps is refused with the rule.
  await qty.fill('25');
  await page.getByText('Jumlah harus 20, 30, 40').waitFor();
  await page.getByRole('button', { name: 'Tambah ke Daftar Pesanan' }).click();
  assert.equal(await page.locator('.nav-badge').count(), 0, 'nothing added');

  await qty.fill('100');
  await page.getByText(/Hemat/).first().waitFor();
  await page.getByRole('button', { name: 'Tambah ke Daftar Pesanan' }).click();
  await page.getByText('Tersimpan di Daftar Pesanan.').waitFor();
  await screenshot(page, '20-added-to-list');

  await page.goto(`${BASE_URL}/produk/kopi-robusta-bubuk-250-g`);
  await page.getByRole('button', { name: 'Tambah ke Daftar Pesanan' }).click();
  await page.getByText('Tersimpan di Daftar Pesanan.').waitFor();
  assert.equal((await page.locator('.nav-badge').textContent()).trim(), '2');

  await page.getByRole('link', { name: /Pesanan/ }).last().click();
  await page.waitForURL(/daftar-pesanan/);
  await page.reload();
  await takenOver(page);
  await page.locator('.ikm-part').first().waitFor();
  assert.equal(await page.locator('.ikm-part').count(), 2, 'one group per IKM');
  const lines = await page.locator('.order-line .line-price').allTextContents();
  assert.equal(lines.length, 2);
  assert.match(lines[0], /^100 × Rp [\d.]+ = Rp [\d.]+ · Hemat Rp [\d.]+$/);
  const subtotals = (await page.locator('.part-subtotal').allTextContents()).map(rupiah);
  const total = rupiah(await page.locator('.order-total .price').textContent());
  assert.equal(total, subtotals.reduce((a, b) => a + b, 0));
  await screenshot(page, '21-order-list');
  assert.deepEqual(await seriousA11yViolations(page), []);

  // The stepper on the list changes the line and its price at once.
  await page.getByRole('button', { name: 'Tambah jumlah' }).first().click();
  await page.getByText(/^110 × Rp/).waitFor();

  // A note per line is kept with the list.
  await page.getByLabel('Catatan untuk baris ini').first().fill('Label logo perusahaan');
  await page.getByLabel('Catatan untuk baris ini').first().press('Tab');
  await page.reload();
  await takenOver(page);
  await page.locator('.ikm-part').first().waitFor();
  assert.equal(await page.getByLabel('Catatan untuk baris ini').first().inputValue(), 'Label logo perusahaan');

  // Removing a line updates the total and survives a reload.
  await page.getByRole('button', { name: 'Hapus' }).first().click();
  await page.reload();
  await takenOver(page);
  await page.locator('.ikm-part').first().waitFor();
  assert.equal(await page.locator('.ikm-part').count(), 1);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the order list paints from the server before the app; a tap on the second line’s + changes that line', async () => {
  const { context, page, errors } = await phone(browser);
  await page.goto(`${BASE_URL}/produk/keripik-pisang-coklat-250-g`);
  await page.getByLabel(/^Jumlah/).fill('100');
  await page.getByRole('button', { name: 'Tambah ke Daftar Pesanan' }).click();
  await page.getByText('Tersimpan di Daftar Pesanan.').waitFor();
  await page.goto(`${BASE_URL}/produk/kopi-robusta-bubuk-250-g`);
  await page.getByRole('button', { name: 'Tambah ke Daftar Pesanan' }).click();
  await page.getByText('Tersimpan di Daftar Pesanan.').waitFor();
  // The same browser (its storage and cookies), as a buyer who opens the list and only reads.
  const state = await context.storageState();
  await context.close();
  const quiet = await untouchedPhone(browser, { storageState: state });
  const reader = await quiet.newPage();
  reader.on('pageerror', (e) => errors.push(e.message));
  const code = [];
  reader.on('request', (r) => {
    if (/\.(wasm|js)$/.test(new URL(r.url()).pathname)) code.push(new URL(r.url()).pathname);
  });
  await reader.goto(`${BASE_URL}/daftar-pesanan`);
  const drawn = reader.locator('#prerender');
  assert.equal(await drawn.locator('.ikm-part').count(), 2, 'one group per IKM, drawn by the server');
  const prices = await drawn.locator('.order-line .line-price').allTextContents();
  assert.match(prices[0], /^100 × Rp [\d.]+ = Rp [\d.]+ · Hemat Rp [\d.]+$/);
  const subtotals = (await drawn.locator('.part-subtotal').allTextContents()).map(rupiah);
  assert.equal(rupiah(await drawn.locator('.order-total .price').textContent()),
    subtotals.reduce((a, b) => a + b, 0));
  await reader.waitForLoadState('networkidle');
  await reader.waitForTimeout(500);
  assert.deepEqual(code, [], 'the list is read without the app');
  await screenshot(reader, '22-order-list-server');

  const boxes = () => reader.locator('.order-line input[type=number]');
  const second = Number(await boxes().nth(1).inputValue());
  await drawn.getByRole('button', { name: 'Tambah jumlah' }).nth(1).tap();
  await takenOver(reader);
  await reader.waitForFunction((before) => {
    const boxes = document.querySelectorAll('.order-line input[type=number]');
    return boxes.length === 2 && Number(boxes[1].value) > before;
  }, second);
  assert.equal(await boxes().nth(0).inputValue(), '100', 'the first line is untouched');
  assert.equal((await reader.locator('.order-line .line-price').allTextContents())[0], prices[0]);
  assert.deepEqual(errors, []);
  await quiet.close();
});

// A buyer who taps twice before the app has the product's data: "+" then "Tambah". Both
// taps are answered once the app has drawn the page, in the order they came, so the list
// holds the quantity the page shows.
test('taps made before the app has its data are answered in their order', async () => {
  const context = await untouchedPhone(browser);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await page.route(/\/api\/v1\/(products|catalog)/, async (route) => { await held; await route.continue(); });
  await page.goto(`${BASE_URL}/produk/kopi-robusta-bubuk-250-g`);
  const drawn = page.locator('#prerender');
  const first = Number(await drawn.getByLabel(/^Jumlah/).inputValue());
  await drawn.getByRole('button', { name: 'Tambah jumlah' }).tap();
  await page.waitForTimeout(300);
  await drawn.getByRole('button', { name: 'Tambah ke Daftar Pesanan' }).tap();
  await page.waitForFunction(() => window.wasmBindings !== undefined);
  release();
  await page.getByText('Tersimpan di Daftar Pesanan.').waitFor();
  const shown = Number(await page.getByLabel(/^Jumlah/).inputValue());
  const kept = await page.evaluate(() => JSON.parse(localStorage.getItem('etalase.daftar-pesanan')));
  assert.ok(shown > first, `${shown} after ${first}`);
  assert.deepEqual(kept.map((l) => [l.product, l.quantity]), [['kopi-robusta-bubuk-250-g', shown]]);
  assert.deepEqual(errors, []);
  await context.close();
});
