// Partner needs, the whole meeting at a phone's size: a company posts a need; Disperindag
// publishes it; two snack makers offer from their desks; the partner compares and accepts
// one; the chosen IKM confirms the order the offer became, on its ordinary desk. Then a
// second need is left open on the board, for the static export's journey.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL, demoAccounts, inDays, launch, phone, screenshot, seriousA11yViolations,
} from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const CHOSEN = 'keripik-pisang-kenanga';
const OTHER = 'kemplang-teluk-betung';

async function logIn(page, username, password) {
  await page.goto(`${BASE_URL}/masuk`);
  await page.getByLabel('Nama pengguna').fill(username);
  await page.getByLabel('Kata sandi').fill(password);
  await page.getByRole('button', { name: 'Masuk' }).click();
}

/// Fills the need form as a partner would, and sends it; answers the code and private link.
async function postNeed(page, title, { showCompany = false, category = 'makanan-minuman' } = {}) {
  await page.goto(`${BASE_URL}/kebutuhan/baru`);
  await page.locator('#k-title').fill(title);
  await page.locator('#k-category').selectOption(category);
  await page.locator('#k-description').fill('Kue kering khas Lampung dalam kotak berlogo, 20 buah per kotak.');
  await page.locator('#k-quantity').fill('200');
  await page.locator('#k-unit').fill('kotak');
  await page.locator('#k-budget').fill('35000');
  await page.locator('#k-offer_days').selectOption('14');
  await page.locator('#k-needed_by').fill(inDays(45));
  await page.locator('#k-company').fill('PT Bukit Asam (Persero) Tbk');
  if (showCompany) await page.locator('input[name=show_company]').check();
  await page.locator('#k-buyer_type').selectOption('bumn');
  await page.locator('#k-contact_person').fill('Rina Marlina');
  await page.locator('#k-phone').fill('0812 7000 1234');
  await page.locator('#k-email').fill('rina@contoh.co.id');
  await page.locator('#k-address').fill('Jl. Jend. Sudirman No. 1, Tanjung Enim');
  await page.locator('#k-kabupaten').selectOption('bandar-lampung');
  await page.getByRole('button', { name: 'Kirim kebutuhan' }).click();
  await page.getByRole('heading', { name: 'Kebutuhan terkirim' }).waitFor();
  const code = (await page.locator('.need-sent .request-code').textContent()).trim();
  const link = await page.locator('.need-sent .tracking-link a').getAttribute('href');
  return { code, link };
}

async function publish(page, code) {
  await page.goto(`${BASE_URL}/admin?tab=kebutuhan`);
  const item = page.locator('.admin-need', { hasText: code });
  await item.waitFor();
  await item.getByRole('button', { name: 'Terbitkan' }).click();
  await item.getByText('Kebutuhan sudah terbit di papan.').waitFor();
}

async function offer(page, code, { price, quantity, days }) {
  await page.goto(`${BASE_URL}/desk/kebutuhan/${code}`);
  await page.locator('#tawar-unit_price').fill(String(price));
  await page.locator('#tawar-quantity').fill(String(quantity));
  await page.locator('#tawar-lead_time_days').fill(String(days));
  await page.locator('#tawar-note').fill('Kotak kertas dengan logo sablon, dikirim ke kantor.');
  await page.getByRole('button', { name: 'Ajukan penawaran' }).click();
  await page.getByText('Penawaran terkirim.').first().waitFor();
}

test('a need goes from the form to an order the chosen IKM confirms', async () => {
  const accounts = demoAccounts();

  // The partner: bad input gets field messages, and the draft survives a reload.
  const partner = await phone(browser);
  await partner.page.goto(`${BASE_URL}/kebutuhan/baru`);
  await partner.page.locator('#k-phone').fill('0721 123456');
  await partner.page.locator('#k-phone').blur();
  await partner.page.getByText(/Nomor HP Indonesia tidak valid/).waitFor();
  await partner.page.reload();
  await partner.page.locator('#k-phone').waitFor();
  assert.equal(await partner.page.locator('#k-phone').inputValue(), '0721 123456', 'the draft is kept');
  await screenshot(partner.page, '70-need-form');
  assert.deepEqual(await seriousA11yViolations(partner.page), []);
  const { code, link } = await postNeed(partner.page, 'Kue kering untuk rapat direksi');
  assert.match(code, /^KBT-\d{4}-\d{6}$/);
  assert.match(link, /\/kebutuhan\/KBT-\d{4}-\d{6}\/kelola\?t=[0-9a-f]{32}$/);
  await screenshot(partner.page, '71-need-sent');

  // Not on the board before Disperindag's review.
  await partner.page.goto(`${BASE_URL}/kebutuhan`);
  await partner.page.locator('.needs-page, main').first().waitFor();
  assert.equal(await partner.page.getByText('Kue kering untuk rapat direksi').count(), 0);

  const admin = await phone(browser);
  await logIn(admin.page, 'disperindag', accounts.disperindag);
  await admin.page.waitForURL(/\/admin$/);
  await admin.page.goto(`${BASE_URL}/admin?tab=kebutuhan`);
  await admin.page.locator('.admin-need', { hasText: code }).waitFor();
  await screenshot(admin.page, '72-admin-need-review');
  await publish(admin.page, code);

  // On the board, without the contact; its page has a real preview.
  await partner.page.goto(`${BASE_URL}/kebutuhan?kategori=makanan-minuman`);
  await partner.page.getByText('Kue kering untuk rapat direksi').first().waitFor();
  const board = await partner.page.content();
  for (const secret of ['0812', 'rina@contoh.co.id', 'Sudirman']) {
    assert.ok(!board.includes(secret), `${secret} on the public board`);
  }
  await screenshot(partner.page, '73-needs-board');
  const res = await partner.page.goto(`${BASE_URL}/kebutuhan/${code}`);
  assert.equal(res.status(), 200);
  assert.match(await res.text(), /property="og:title" content="Kue kering untuk rapat direksi/);
  await partner.page.getByRole('heading', { name: 'Kue kering untuk rapat direksi' }).waitFor();
  await screenshot(partner.page, '74-need-page');

  // Two snack makers offer from their desks; the badge told them.
  const chosen = await phone(browser);
  await logIn(chosen.page, CHOSEN, accounts[CHOSEN]);
  await chosen.page.waitForURL(/\/desk$/);
  await chosen.page.goto(`${BASE_URL}/desk/kebutuhan`);
  const card = chosen.page.locator('.need-card', { hasText: code });
  await card.waitFor();
  await card.locator('.need-new').waitFor();
  await screenshot(chosen.page, '75-desk-needs');
  await offer(chosen.page, code, { price: 32000, quantity: 200, days: 14 });
  await screenshot(chosen.page, '76-desk-offer');
  const other = await phone(browser);
  await logIn(other.page, OTHER, accounts[OTHER]);
  await other.page.waitForURL(/\/desk$/);
  // An offer for more than is needed is refused with the field's message.
  await other.page.goto(`${BASE_URL}/desk/kebutuhan/${code}`);
  await other.page.locator('#tawar-quantity').fill('500');
  await other.page.getByText(/Paling banyak 200 kotak/).first().waitFor();
  await offer(other.page, code, { price: 30000, quantity: 150, days: 10 });

  // The partner compares both side by side and accepts the first maker's.
  await partner.page.goto(`${BASE_URL}${link}`);
  const picks = partner.page.locator('input[name=penawaran]');
  await picks.nth(1).waitFor();
  assert.equal(await picks.count(), 2);
  await screenshot(partner.page, '77-need-compare');
  assert.deepEqual(await seriousA11yViolations(partner.page), []);
  const column = await partner.page.locator('a.offer-ikm').allTextContents();
  const index = column.findIndex((name) => name.includes('Kenanga'));
  assert.ok(index >= 0, column.join(', '));
  await picks.nth(index).check();
  await partner.page.getByRole('button', { name: 'Terima penawaran terpilih' }).click();
  await partner.page.getByRole('button', { name: 'Ya, terima' }).click();
  await partner.page.getByText('Penawaran diterima.').first().waitFor();
  await screenshot(partner.page, '78-need-accepted');
  const tracking = await partner.page.locator('.need-orders a.button').first().getAttribute('href');
  assert.match(tracking, /^\/pesanan\/ETL-\d{4}-\d{6}\?t=[0-9a-f]{32}$/);
  const order = tracking.match(/ETL-\d{4}-\d{6}/)[0];

  // The order is an ordinary one: tracked with the same link, confirmed on the desk.
  await partner.page.goto(`${BASE_URL}${tracking}`);
  await partner.page.locator('.status-baru').first().waitFor();
  await chosen.page.goto(`${BASE_URL}/desk/pesanan/${order}`);
  await chosen.page.getByRole('button', { name: 'Konfirmasi pesanan' }).click();
  await chosen.page.locator('.status-dikonfirmasi').first().waitFor();
  await screenshot(chosen.page, '79-desk-confirmed');
  await partner.page.reload();
  await partner.page.locator('.status-dikonfirmasi').first().waitFor();

  // The other maker is told its offer was not taken.
  await other.page.goto(`${BASE_URL}/desk/kebutuhan/${code}`);
  await other.page.getByText(/Pemesan memilih penawaran lain/).first().waitFor();

  // Disperindag's numbers and audit log.
  await admin.page.goto(`${BASE_URL}/admin?tab=kebutuhan&bagian=angka`);
  await admin.page.locator('.need-totals').waitFor();
  await screenshot(admin.page, '80-admin-need-numbers');
  await admin.page.getByRole('link', { name: 'Log audit' }).click();
  await admin.page.locator('.audit-log li', { hasText: code }).first().waitFor();

  for (const who of [partner, admin, chosen, other]) {
    assert.deepEqual(who.errors, []);
    await who.context.close();
  }
});

test('a need left open on the board (for the static export)', async () => {
  const accounts = demoAccounts();
  const partner = await phone(browser);
  const { code } = await postNeed(partner.page, 'Seragam batik Lampung untuk 40 pegawai', { showCompany: true, category: 'wastra' });
  const admin = await phone(browser);
  await logIn(admin.page, 'disperindag', accounts.disperindag);
  await admin.page.waitForURL(/\/admin$/);
  await publish(admin.page, code);
  await partner.page.goto(`${BASE_URL}/kebutuhan`);
  await partner.page.getByText('Seragam batik Lampung untuk 40 pegawai').first().waitFor();
  await partner.page.getByText('PT Bukit Asam (Persero) Tbk').first().waitFor();
  assert.deepEqual(partner.errors, []);
  assert.deepEqual(admin.errors, []);
  await partner.context.close();
  await admin.context.close();
});

// The app asks the site what it allows (ordering, on a static copy a WhatsApp number) while
// the form is already on screen: the answer must not draw the form again under the fingers.
test('typing in the need form while the site’s description arrives keeps the focus and every key', async () => {
  const { context, page, errors } = await phone(browser);
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await page.route(/\/api\/v1\/site$/, async (route) => { await held; await route.continue(); });
  await page.goto(`${BASE_URL}/kebutuhan/baru`);
  const title = page.locator('#k-title');
  await title.click();
  await page.keyboard.type('Kue kering ');
  const answered = page.waitForResponse(/\/api\/v1\/site$/);
  release();
  await answered;
  await page.evaluate(() => new Promise((resolve) => { requestAnimationFrame(() => setTimeout(resolve, 0)); }));
  await page.keyboard.type('untuk rapat');
  assert.equal(await title.inputValue(), 'Kue kering untuk rapat');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'k-title');
  assert.deepEqual(errors, []);
  await context.close();
});
