// Partner ordering: an order from three IKM, a validation message met and fixed, one
// submission; and a submission while the server is unreachable that survives a reload and
// succeeds once on retry.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, addToList, fillForm, inDays, launch, phone, screenshot } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('order from three IKM: a validation message, fixed, then one request with its tracking link', async () => {
  const { context, page, errors } = await phone(browser);
  await addToList(page, 'keripik-pisang-coklat-250-g', 100);
  await addToList(page, 'kopi-robusta-bubuk-250-g');
  await addToList(page, 'kain-tapis-motif-pucuk-rebung');

  await page.goto(`${BASE_URL}/daftar-pesanan`);
  await page.locator('.ikm-part').nth(2).waitFor();
  assert.equal(await page.locator('.ikm-part').count(), 3);
  await page.getByRole('link', { name: 'Ajukan Pesanan' }).click();
  await page.waitForURL(/\/ajukan/);

  // Too soon for the tapis (90 days): the message names it and the earliest date.
  await fillForm(page, inDays(10));
  await page.getByLabel('Nomor HP (WhatsApp)').fill('0721 555');
  await page.getByRole('button', { name: 'Ajukan Pesanan' }).click();
  await page.getByText(/Terlalu cepat untuk Kain Tapis Motif Pucuk Rebung: paling cepat/).waitFor();
  await page.getByText('Nomor HP Indonesia tidak valid').waitFor();
  await screenshot(page, '30-validation');

  await page.getByLabel('Nomor HP (WhatsApp)').fill('0812 7000 1234');
  await page.getByLabel('Dibutuhkan tanggal').fill(inDays(120));
  await page.getByRole('button', { name: 'Ajukan Pesanan' }).click();
  await page.getByRole('heading', { name: 'Pesanan terkirim' }).waitFor();
  const code = (await page.locator('.request-code').textContent()).trim();
  assert.match(code, /^ETL-\d{4}-\d{6}$/);
  const link = await page.locator('.tracking-link a').getAttribute('href');
  assert.match(link, new RegExp(`^/pesanan/${code}\\?t=[0-9a-f]{32}$`));
  const wa = await page.locator('.notify-list a').evaluateAll((as) => as.map((a) => a.href));
  assert.equal(wa.length, 3);
  for (const href of wa) assert.match(href, /^https:\/\/wa\.me\/628\d+\?text=.*ETL-/);
  await screenshot(page, '31-confirmation');

  // The tracking API answers for this link and lists three parts.
  const secret = link.split('?t=')[1];
  const tracking = await (await page.request.get(`${BASE_URL}/api/v1/orders/${code}?t=${secret}`)).json();
  assert.equal(tracking.parts.length, 3);
  // The list is empty now.
  assert.equal(await page.locator('.nav-badge').count(), 0);

  // The tracking link shows each IKM's part; the partner cancels one while it is new.
  await page.getByRole('link', { name: 'Buka halaman lacak' }).click();
  await page.waitForURL(/\/pesanan\//);
  await page.locator('.tracked-part').first().waitFor();
  assert.equal(await page.locator('.tracked-part').count(), 3);
  assert.equal(await page.locator('.status-baru').count(), 3);
  page.once('dialog', (d) => d.accept());
  await page.getByRole('button', { name: 'Batalkan pesanan ke IKM ini' }).first().click();
  await page.locator('.status-dibatalkan').waitFor();
  assert.equal(await page.locator('.status-baru').count(), 2);
  await page.reload();
  await page.locator('.status-dibatalkan').waitFor();
  await screenshot(page, '33-tracking-cancelled');
  const trackingUrl = page.url();

  // Invoices: the coffee roaster is PKP and the buyer a BUMN, so PPN is stated and withheld
  // by the buyer; the tapis maker is not PKP, so no PPN at all; the cancelled part is void.
  const invoiceLinks = page.getByRole('link', { name: 'Lihat invoice' });
  assert.equal(await invoiceLinks.count(), 3);
  await invoiceLinks.nth(1).click();
  await page.waitForURL(/\/pesanan\/.+\/invoice\/kopi-gunung-betung\?t=/);
  await page.locator('.invoice').waitFor();
  assert.equal((await page.locator('.invoice-number').textContent()).trim(), `${code}-02`);
  await page.getByText('PPN dipungut oleh pemungut (BUMN)').waitFor();
  const subtotal = await page.locator('.invoice-totals div').first().locator('dd').textContent();
  const due = await page.locator('.invoice-totals .due dd').textContent();
  assert.equal(due, subtotal, 'a BUMN pays the seller the price without PPN');
  assert.equal(await page.locator('.invoice-totals .ppn').count(), 1);
  await page.getByText('PT Perkebunan Nusantara VII').waitFor();
  await screenshot(page, '34-invoice-pkp-bumn');
  // Printed, the app's frame is gone and the invoice remains.
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('.site-header').isVisible(), false);
  assert.equal(await page.locator('.bottom-nav').isVisible(), false);
  assert.equal(await page.getByRole('button', { name: 'Cetak / simpan PDF' }).isVisible(), false);
  assert.equal(await page.locator('.invoice').isVisible(), true);
  await page.emulateMedia({ media: 'screen' });

  await page.goto(trackingUrl.replace(`/pesanan/${code}`, `/pesanan/${code}/invoice/tapis-pekon-balak`));
  await page.locator('.invoice').waitFor();
  await page.getByText('Penjual bukan Pengusaha Kena Pajak: tidak dikenakan PPN.').waitFor();
  assert.equal(await page.locator('.invoice-totals .ppn').count(), 0);
  assert.equal(await page.getByText(/PPN dipungut/).count(), 0);

  await page.goto(trackingUrl.replace(`/pesanan/${code}`, `/pesanan/${code}/invoice/keripik-pisang-kenanga`));
  await page.getByText(/Bagian pesanan ini tidak berlaku lagi: Dibatalkan/).waitFor();

  // A wrong secret shows the same not-found page as an unknown code.
  await page.goto(`${BASE_URL}/pesanan/${code}?t=${'0'.repeat(32)}`);
  await page.getByRole('heading', { name: 'Halaman tidak ditemukan' }).waitFor();
  assert.deepEqual(errors.filter((e) => !e.includes('404')), []);
  await context.close();
});

test('server unreachable at submit: the request waits with its key, survives a reload and goes once', async () => {
  const { context, page } = await phone(browser);
  await addToList(page, 'madu-hutan-botol-kecil-250-g');
  await page.goto(`${BASE_URL}/ajukan`);
  await fillForm(page, inDays(30));

  const keys = [];
  page.on('request', (r) => {
    if (r.method() === 'POST' && r.url().endsWith('/api/v1/orders')) keys.push(r.headers()['idempotency-key']);
  });
  await page.route('**/api/v1/orders', (route) => route.abort('internetdisconnected'));
  await page.getByRole('button', { name: 'Ajukan Pesanan' }).click();
  await page.locator('.outbox-waiting').getByRole('heading', { name: 'Menunggu sinyal' }).waitFor();
  await page.locator('.outbox-waiting').getByText('PT Perkebunan Nusantara VII').waitFor();
  await screenshot(page, '32-offline');

  // Reloaded (the app tries again at once, still unreachable): it still waits.
  await page.reload();
  await page.locator('.outbox-waiting').getByRole('heading', { name: 'Menunggu sinyal' }).waitFor();

  await page.unroute('**/api/v1/orders');
  await page.getByRole('button', { name: 'Coba kirim sekarang' }).click();
  await page.getByRole('heading', { name: 'Pesanan terkirim' }).waitFor();
  assert.ok(keys.length >= 3, `${keys.length} tries`);
  assert.equal(new Set(keys).size, 1, 'every try carries the same key, so the server stores it once');
  // The contact details stay for the next request.
  await page.getByRole('button', { name: 'Buat pesanan baru' }).click();
  assert.equal(await page.getByLabel('Nama perusahaan/instansi').inputValue(), 'PT Perkebunan Nusantara VII');
  assert.equal(await page.getByLabel('Email').inputValue(), 'rina@contoh.co.id');
  await context.close();
});

test('a price changed since it was added: the partner sees old and new price, agrees, and it is sent once', async () => {
  const { context, page } = await phone(browser);
  await addToList(page, 'madu-hutan-botol-kecil-250-g');
  // The list remembers the price seen when adding; make it older than today's catalog price.
  const current = await page.evaluate(() => {
    const lines = JSON.parse(localStorage.getItem('etalase.daftar-pesanan'));
    const seen = lines[0].seen_unit_price;
    lines[0].seen_unit_price = seen - 3000;
    localStorage.setItem('etalase.daftar-pesanan', JSON.stringify(lines));
    return seen;
  });
  let posts = 0;
  page.on('request', (r) => {
    if (r.method() === 'POST' && r.url().endsWith('/api/v1/orders')) posts += 1;
  });
  await page.goto(`${BASE_URL}/ajukan`);
  await fillForm(page, inDays(30));
  await page.getByRole('button', { name: 'Ajukan Pesanan' }).click();
  const changes = page.locator('.price-changes');
  await changes.getByText('Harga berubah sejak produk ditambahkan:').waitFor();
  const fmt = (n) => 'Rp ' + n.toLocaleString('de-DE');
  await changes.getByText(`${fmt(current - 3000)} → ${fmt(current)}`).waitFor();
  assert.equal(await page.getByRole('heading', { name: 'Pesanan terkirim' }).count(), 0);
  await screenshot(page, '35-price-changed');

  await changes.getByRole('button', { name: 'Setujui harga baru dan ajukan' }).click();
  await page.getByRole('heading', { name: 'Pesanan terkirim' }).waitFor();
  assert.equal(posts, 2, 'one refused for the price, one accepted');
  await context.close();
});
