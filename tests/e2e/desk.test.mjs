// The IKM desk and the admin: a partner orders through the storefront; the coffee roaster
// logs in, confirms with a changed price, starts production and ships; the partner's
// tracking page shows each step; Disperindag sees the order in the charts and the audit log.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  addToList, BASE_URL, demoAccounts, fillForm, inDays, launch, phone, screenshot,
  seriousA11yViolations, takenOver,
} from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const IKM = 'kopi-gunung-betung';

async function logIn(page, username, password) {
  await page.goto(`${BASE_URL}/masuk`);
  await page.getByLabel('Nama pengguna').fill(username);
  await page.getByLabel('Kata sandi').fill(password);
  await page.getByRole('button', { name: 'Masuk' }).click();
}

test('an order worked at the desk shows on the partner\'s tracking page and in the admin', async () => {
  const accounts = demoAccounts();
  assert.ok(accounts[IKM], 'the server seeded a demo account per IKM');
  assert.ok(accounts.disperindag, 'and one admin');

  // The partner orders coffee.
  const partner = await phone(browser);
  await addToList(partner.page, 'kopi-robusta-bubuk-250-g', 40);
  await partner.page.goto(`${BASE_URL}/ajukan`);
  await fillForm(partner.page, inDays(40));
  await partner.page.getByRole('button', { name: 'Ajukan Pesanan' }).click();
  await partner.page.getByRole('heading', { name: 'Pesanan terkirim' }).waitFor();
  const code = (await partner.page.locator('.request-code').textContent()).trim();
  const tracking = await partner.page.locator('.tracking-link a').getAttribute('href');

  // The desk is behind a login; a wrong password gets one plain message.
  const ikm = await phone(browser);
  await ikm.page.goto(`${BASE_URL}/desk`);
  await ikm.page.waitForURL(/\/masuk\?lanjut=/);
  await logIn(ikm.page, IKM, 'bukan-kata-sandinya');
  await ikm.page.getByText('Nama pengguna atau kata sandi salah.').waitFor();
  await logIn(ikm.page, IKM, accounts[IKM]);
  await ikm.page.waitForURL(/\/desk$/);
  const row = ikm.page.locator('.desk-order', { hasText: code });
  await row.waitFor();
  await ikm.page.locator('.count-badge').waitFor();
  await screenshot(ikm.page, '40-desk-inbox');
  assert.deepEqual(await seriousA11yViolations(ikm.page), []);

  await row.click();
  await ikm.page.getByRole('heading', { name: new RegExp(code) }).waitFor();
  assert.equal(await ikm.page.locator('a[href^="tel:+62"]').count(), 1);
  await ikm.page.getByRole('button', { name: 'Konfirmasi pesanan' }).waitFor();
  // Only what the state machine allows: no shipping before confirming.
  assert.equal(await ikm.page.getByRole('button', { name: 'Kirim', exact: true }).count(), 0);
  await ikm.page.getByLabel(/^Harga satuan/).first().fill('41000');
  await ikm.page.getByLabel('Waktu pengerjaan (hari)').fill('5');
  await screenshot(ikm.page, '41-desk-confirm');
  await ikm.page.getByRole('button', { name: 'Konfirmasi pesanan' }).click();
  await ikm.page.locator('.status-dikonfirmasi').first().waitFor();
  await ikm.page.getByRole('button', { name: 'Mulai produksi' }).click();
  await ikm.page.locator('.status-diproses').first().waitFor();
  await ikm.page.getByLabel('Kurir').fill('JNE REG');
  await ikm.page.getByLabel('Nomor resi').fill('JN0012345678');
  await ikm.page.getByRole('button', { name: 'Kirim', exact: true }).click();
  await ikm.page.locator('.status-dikirim').first().waitFor();
  await screenshot(ikm.page, '42-desk-shipped');

  await ikm.page.getByRole('link', { name: 'Surat jalan' }).click();
  await ikm.page.getByRole('heading', { name: 'Surat Jalan' }).waitFor();
  await ikm.page.getByText('JN0012345678').waitFor();
  await screenshot(ikm.page, '43-packing-slip');

  // The partner's tracking link shows every step, the new price and the shipment.
  await partner.page.goto(`${BASE_URL}${tracking}`);
  await partner.page.locator('.status-dikirim').waitFor();
  await partner.page.getByText(/Rp 41\.000 \(semula Rp/).waitFor();
  await partner.page.getByText(/JNE REG · No\. resi: JN0012345678/).waitFor();
  assert.equal(await partner.page.locator('.timeline li').count(), 4);
  await screenshot(partner.page, '44-tracking-shipped');

  // Disperindag sees it in the charts and the audit log.
  const admin = await phone(browser);
  await logIn(admin.page, 'disperindag', accounts.disperindag);
  await admin.page.waitForURL(/\/admin$/);
  await admin.page.getByRole('link', { name: 'Grafik' }).click();
  await admin.page.getByText('Nilai pesanan per kabupaten/kota pemesan').waitFor();
  await admin.page.locator('.chart-labels', { hasText: 'Bandar Lampung' }).first().waitFor();
  assert.ok(await admin.page.locator('.chart-svg rect.bar').count() >= 4);
  await screenshot(admin.page, '45-admin-charts');
  await admin.page.getByRole('link', { name: 'Log audit' }).click();
  const entry = admin.page.locator('.audit-log li', { hasText: 'Konfirmasi pesanan' }).first();
  await entry.waitFor();
  assert.match(await entry.textContent(), new RegExp(`${IKM}.*${code}.*Baru → Dikonfirmasi`));
  await admin.page.locator('.audit-log li', { hasText: 'Kirim pesanan' }).first().waitFor();
  await screenshot(admin.page, '46-admin-audit');

  // The desk's log-out ends the session: the desk asks for a login again.
  await ikm.page.goto(`${BASE_URL}/desk`);
  await ikm.page.getByRole('button', { name: 'Keluar' }).click();
  await ikm.page.waitForURL(/\/masuk/);
  await ikm.page.goto(`${BASE_URL}/desk`);
  await ikm.page.waitForURL(/\/masuk\?lanjut=/);

  for (const who of [partner, ikm, admin]) {
    assert.deepEqual(who.errors.filter((e) => !/40[14]/.test(e)), []);
    await who.context.close();
  }
});

test('an IKM owner changes the demo password: weak ones are refused, other phones are logged out', async () => {
  const user = 'lempok-durian-bu-yati';
  const old = demoAccounts()[user];
  const phoneA = await phone(browser);
  const phoneB = await phone(browser);
  await logIn(phoneA.page, user, old);
  await phoneA.page.waitForURL(/\/desk$/);
  await logIn(phoneB.page, user, old);
  await phoneB.page.waitForURL(/\/desk$/);

  const page = phoneA.page;
  await page.getByRole('link', { name: 'Akun' }).click();
  await page.getByRole('heading', { name: 'Akun & kata sandi' }).waitFor();
  await page.getByLabel('Kata sandi sekarang').fill(old);
  // Core's rule answers as the owner types.
  await page.getByLabel('Kata sandi baru', { exact: true }).fill('lampung123');
  await page.getByText('Kata sandi ini terlalu umum dan mudah ditebak. Pilih yang lain.').waitFor();
  await page.getByLabel('Kata sandi baru', { exact: true }).fill('durian montong pagi');
  await page.getByLabel('Ulangi kata sandi baru').fill('durian montong sore');
  await page.getByText('Kedua kata sandi baru tidak sama.').first().waitFor();
  await page.getByLabel('Ulangi kata sandi baru').fill('durian montong pagi');
  await screenshot(page, '47-account');
  await page.getByRole('button', { name: 'Ganti kata sandi' }).click();
  await page.getByText('Kata sandi sudah diganti.', { exact: false }).waitFor();
  assert.equal(await page.getByLabel('Kata sandi sekarang').inputValue(), '', 'the form is cleared');

  // This phone stays in; the other is sent to the login.
  await page.goto(`${BASE_URL}/desk`);
  await page.getByRole('heading', { name: 'Pesanan', exact: true, level: 1 }).waitFor();
  await phoneB.page.goto(`${BASE_URL}/desk`);
  await phoneB.page.waitForURL(/\/masuk\?lanjut=/);
  // The old password no longer opens the desk; the new one does.
  await logIn(phoneB.page, user, old);
  await phoneB.page.getByRole('alert').filter({ hasText: /\S/ }).waitFor();
  await logIn(phoneB.page, user, 'durian montong pagi');
  await phoneB.page.waitForURL(/\/desk$/);

  for (const who of [phoneA, phoneB]) {
    assert.deepEqual(who.errors.filter((e) => !/40[14]/.test(e)), []);
    await who.context.close();
  }
});

test('an IKM uploads a product photo with a progress bar; the storefront shows it, a fake one is refused', async () => {
  const user = 'madu-hutan-liwa';
  const { context, page, errors } = await phone(browser);
  await logIn(page, user, demoAccounts()[user]);
  await page.waitForURL(/\/desk$/);
  await page.getByRole('link', { name: 'Produk', exact: true }).click();
  await page.locator('a.desk-product').first().click();
  await page.waitForURL(/\/desk\/produk\/[a-z0-9-]+$/);
  const slug = new URL(page.url()).pathname.split('/').pop();
  await page.getByRole('heading', { level: 1 }).waitFor();

  // A text file renamed .jpg: the server's clear refusal, nothing saved.
  await page.locator('#p-photo').setInputFiles({
    name: 'bukan-foto.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('bukan foto, hanya teks'),
  });
  await page.getByText('Berkas ini bukan foto JPEG, PNG atau WebP.').waitFor();

  // A real photo, drawn by the phone's own canvas (800×600 JPEG).
  const bytes = await page.evaluate(async () => {
    const canvas = document.createElement('canvas');
    canvas.width = 800;
    canvas.height = 600;
    const g = canvas.getContext('2d');
    const gradient = g.createLinearGradient(0, 0, 800, 600);
    gradient.addColorStop(0, '#c98a1b');
    gradient.addColorStop(1, '#5a2d0c');
    g.fillStyle = gradient;
    g.fillRect(0, 0, 800, 600);
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.9));
    return Array.from(new Uint8Array(await blob.arrayBuffer()));
  });
  // On a slow uplink (as from a kabupaten), the bar shows how much has gone up.
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false, latency: 100, downloadThroughput: -1, uploadThroughput: 16 * 1024,
  });
  await page.locator('#p-photo').setInputFiles({
    name: 'madu.jpg', mimeType: 'image/jpeg', buffer: Buffer.from(bytes),
  });
  await page.locator('progress').waitFor();
  await page.getByText('Foto tersimpan dan tampil di etalase.').waitFor();
  assert.equal(await page.locator('progress').count(), 0, 'the bar goes when the upload is done');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1,
  });
  await screenshot(page, '48-photo-uploaded');

  // The server's first HTML already offers the sizes, so a slow phone fetches one file.
  const first = await (await page.request.get(`${BASE_URL}/produk/${slug}`)).text();
  assert.match(first, /srcset="\/media\/produk\/[^"]+-320\.jpg 320w/);

  // The storefront shows the photo in phone and desktop sizes (never enlarged: 320, 640, 800).
  await page.goto(`${BASE_URL}/produk/${slug}`);
  await takenOver(page);
  const picture = page.locator('.product-gallery img.product-image').first();
  await picture.waitFor();
  const srcset = await picture.getAttribute('srcset');
  assert.match(srcset ?? '', /\/media\/produk\/.+-320\.jpg 320w/);
  assert.match(srcset ?? '', /-640\.jpg 640w/);
  assert.ok(!/-1280\.jpg/.test(srcset ?? ''), `an 800 px photo is not enlarged: ${srcset}`);
  const loaded = await picture.evaluate((img) => img.complete && img.naturalWidth > 0);
  assert.ok(loaded, 'the photo loads under the content security policy');

  assert.deepEqual(errors.filter((e) => !/40[0-9]|415|422/.test(e)), []);
  await context.close();
});

test('Disperindag keeps the holiday list: a bad entry is explained, a new day is added and removed', async () => {
  const { context, page, errors } = await phone(browser);
  await logIn(page, 'disperindag', demoAccounts().disperindag);
  await page.waitForURL(/\/admin/);
  await page.getByRole('link', { name: 'Hari libur' }).click();
  await page.getByRole('heading', { level: 1, name: 'Hari libur' }).waitFor();
  // The seeded list is there.
  await page.getByText('Hari Raya Natal').first().waitFor();

  await page.getByRole('button', { name: 'Simpan hari libur' }).click();
  await page.getByText('Pilih tanggal (TTTT-BB-HH).').waitFor();
  await page.getByText('Tulis nama hari libur', { exact: false }).waitFor();

  await page.getByLabel('Tanggal').fill('2027-03-10');
  await page.getByLabel('Nama hari libur').fill('Idulfitri 1448 H (uji)');
  await page.getByRole('button', { name: 'Simpan hari libur' }).click();
  const added = page.locator('.holiday-list li', { hasText: 'Idulfitri 1448 H (uji)' });
  await added.waitFor();
  assert.match(await added.textContent(), /10 Maret 2027/);
  assert.equal(await page.getByLabel('Nama hari libur').inputValue(), '', 'the form is ready for the next day');
  await added.scrollIntoViewIfNeeded();
  await screenshot(page, '49-admin-holidays');

  await added.getByRole('button', { name: 'Hapus' }).click();
  await added.waitFor({ state: 'detached' });
  assert.deepEqual(errors.filter((e) => !/40[0-9]|422/.test(e)), []);
  await context.close();
});

test('a long audit log comes in pages: the admin loads the next one with a button', async () => {
  const accounts = demoAccounts();
  const admin = await phone(browser);
  await logIn(admin.page, 'disperindag', accounts.disperindag);
  await admin.page.waitForURL(/\/admin/);
  // 60 changes through the API as the admin's own page would make them (the session cookie
  // and our Origin): more than one page of the log.
  const made = await admin.page.evaluate(async () => {
    let ok = 0;
    for (let i = 0; i < 60; i++) {
      const res = await fetch('/api/v1/admin/ikm/madu-hutan-liwa/verified', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ value: i % 2 === 0 }),
      });
      if (res.ok) ok++;
    }
    return ok;
  });
  assert.equal(made, 60);
  await admin.page.getByRole('link', { name: 'Log audit' }).click();
  const entries = admin.page.locator('.audit-log > li:not(.load-more)');
  await entries.first().waitFor();
  assert.equal(await entries.count(), 50, 'the first page');
  const more = admin.page.getByRole('button', { name: 'Muat lebih banyak' });
  await more.click();
  await admin.page.waitForFunction(
    () => document.querySelectorAll('.audit-log > li:not(.load-more)').length > 50,
  );
  assert.ok((await entries.count()) >= 60);
  await screenshot(admin.page, '47-admin-audit-more');
  assert.deepEqual(admin.errors, []);
  assert.deepEqual(await seriousA11yViolations(admin.page), []);
  await admin.context.close();
});

test('buyers never download the staff app, and staff pages run their own', async () => {
  const { page } = await phone(browser);
  const fetched = [];
  page.on('request', (r) => fetched.push(new URL(r.url()).pathname));
  // A buyer's round: home, a product, a search, the order list.
  for (const path of ['/', '/produk/kopi-robusta-bubuk-250-g', '/cari?q=kopi', '/daftar-pesanan']) {
    await page.goto(`${BASE_URL}${path}`);
    await page.waitForFunction(() => window.wasmBindings !== undefined);
  }
  assert.ok(fetched.some((p) => /^\/etalase-[0-9a-f]+_bg\.wasm$/.test(p)), 'the storefront wasm');
  assert.deepEqual(fetched.filter((p) => p.startsWith('/staf/')), [], 'no staff file');

  // The footer's staff link is a full load of the staff app.
  await page.getByRole('link', { name: 'Masuk untuk IKM & Disperindag' }).click();
  await page.getByLabel('Nama pengguna').waitFor();
  assert.ok(fetched.some((p) => /^\/staf\/etalase-staf-[0-9a-f]+_bg\.wasm$/.test(p)), 'the staff wasm');
  assert.equal(await page.title(), 'Masuk · Etalase IKM Lampung');
  // And its name leads back to the storefront, drawn by the storefront app.
  await page.locator('.staff-header .brand').click();
  await page.waitForURL(`${BASE_URL}/`);
  await takenOver(page);
  await page.locator('.product-card').first().waitFor();
  assert.equal(await page.locator('.bottom-nav').count(), 1);
});
