// A weak signal: the storefront is installable; what a phone saw opens without a signal; a
// request submitted offline waits in the phone, goes out once when the signal is back (even
// after the tab was closed), and the partner sees the confirmation; a new build's service
// worker replaces the old one and its caches.
//
// "Offline" here is real: the phone talks to the site through a relay that this test cuts
// (every connection refused), and the browser is told it is offline too, so the service
// worker's own requests fail as a phone's would.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { BASE_URL, fillForm, inDays, launch, phone, screenshot, takenOver } from './helpers.mjs';

const STATIC = process.env.STATIC_SITE === '1';
let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/// A relay to `target` on a port of its own that can be cut (every connection dropped) and
/// restored. Counts the order requests that reached the site and the ones it stored anew.
/// `state.orders` says what becomes of an order request: 'pass'; 'swallow' (the site gets it
/// and stores it, the answer is lost on the way back: the phone waits and never hears); or
/// 'portal' (a hotel Wi-Fi's login page answers instead of the site).
async function relay(target) {
  const to = new URL(target);
  const sockets = new Set();
  // orders: 'pass'; 'portal' (a Wi-Fi login page answers); 'swallow' (the site stores it,
  // the answer is lost); 'hold' (the answer waits until release()).
  const state = { online: true, orders: 'pass', posts: 0, stored: 0, keys: [], held: [] };
  const server = http.createServer((req, res) => {
    if (!state.online) { req.socket.destroy(); return; }
    const isOrder = req.method === 'POST' && req.url === '/api/v1/orders';
    if (isOrder) {
      state.posts += 1;
      state.keys.push(req.headers['idempotency-key']);
      if (state.orders === 'portal') {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<!doctype html><title>Login Wi-Fi Hotel</title><form>Masukkan kode kamar</form>');
        return;
      }
    }
    const swallow = isOrder && state.orders === 'swallow';
    const hold = isOrder && state.orders === 'hold';
    const upstream = http.request({
      host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers,
    }, (answer) => {
      if (isOrder && answer.statusCode === 201 && !answer.headers['idempotent-replayed']) state.stored += 1;
      if (swallow) { answer.resume(); return; }
      const pass = () => { res.writeHead(answer.statusCode, answer.headers); answer.pipe(res); };
      if (hold) state.held.push(pass); else pass();
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    state,
    cut() { state.online = false; for (const s of sockets) s.destroy(); },
    restore() { state.online = true; },
    release() { for (const pass of state.held.splice(0)) pass(); },
    close: () => new Promise((resolve) => { for (const s of sockets) s.destroy(); server.close(resolve); }),
  };
}

/// Waits until the service worker controls the page and its caches hold `what`.
async function workerReady(page) {
  await page.waitForFunction(() => navigator.serviceWorker && navigator.serviceWorker.controller !== null,
    null, { timeout: 30000 });
}

async function cacheNames(page) {
  return page.evaluate(() => caches.keys());
}

test('offline: a seen product opens, is added, the request waits for a signal and goes once', { skip: STATIC }, async () => {
  const site = await relay(BASE_URL);
  const { context, page, errors } = await phone(browser, { serviceWorkers: 'allow' });
  try {
    // Online: the buyer looks at two products (the app starts at the first touch and with it
    // the service worker, which keeps what the phone sees).
    await page.goto(`${site.url}/produk/madu-hutan-botol-kecil-250-g`);
    await page.getByLabel(/^Jumlah/).waitFor();
    await workerReady(page);
    await page.goto(`${site.url}/daftar-pesanan`);
    await page.getByRole('heading', { name: 'Daftar Pesanan' }).first().waitFor();
    await page.goto(`${site.url}/produk/kopi-robusta-bubuk-250-g`);
    await page.getByLabel(/^Jumlah/).waitFor();
    await takenOver(page);
    // The installability checks Lighthouse ran: a manifest with icons, a worker in control.
    const cdp = await context.newCDPSession(page);
    const manifest = await cdp.send('Page.getAppManifest');
    assert.deepEqual(manifest.errors, [], 'the manifest parses without errors');
    const parsed = JSON.parse(manifest.data);
    assert.equal(parsed.display, 'standalone');
    assert.equal(parsed.lang, 'id');
    const maskable = parsed.icons.filter((i) => i.purpose === 'maskable').map((i) => i.sizes);
    assert.deepEqual(maskable.sort(), ['192x192', '512x512']);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    // A test browser's profile is incognito-like, which no phone's is: only that may be said.
    assert.deepEqual(installabilityErrors.filter((e) => e.errorId !== 'in-incognito'), []);
    const names = await cacheNames(page);
    assert.ok(names.some((n) => n.startsWith('etalase-aset-')), names.join());

    // The signal goes.
    site.cut();
    await context.setOffline(true);

    // A product seen before opens from the phone, and the app takes it over and adds it.
    await page.goto(`${site.url}/produk/kopi-robusta-bubuk-250-g`);
    await page.getByRole('heading', { name: /Kopi Robusta Bubuk 250 g/ }).first().waitFor();
    await takenOver(page);
    await page.getByRole('button', { name: /Daftar Pesanan/ }).first().click();
    await page.getByText('Tersimpan di Daftar Pesanan.').waitFor();
    await screenshot(page, '90-offline-seen-product');

    // The page the buyer first landed on, with the data the app fetched for it before the
    // worker was there: the app draws it too.
    await page.goto(`${site.url}/produk/madu-hutan-botol-kecil-250-g`);
    await page.mouse.move(3, 3);
    await takenOver(page);
    await page.getByRole('heading', { name: /Madu Hutan Botol Kecil/ }).first().waitFor();

    // A page never seen says, in the app's own frame, that it needs a signal, with a retry.
    await page.goto(`${site.url}/produk/kain-tapis-motif-pucuk-rebung`);
    await page.getByText('Tidak ada koneksi ke server. Periksa sinyal atau data internet Anda.').waitFor();
    await page.getByRole('heading', { name: 'Halaman ini perlu sinyal' }).waitFor();
    await page.getByRole('button', { name: 'Coba lagi' }).waitFor();
    assert.equal(await page.locator('.site-header').count(), 1, 'in the app frame');
    await screenshot(page, '91-offline-never-seen');

    // The order list and the checkout work offline; the request waits, showing what goes.
    await page.goto(`${site.url}/daftar-pesanan`);
    await page.locator('.ikm-part').first().waitFor();
    await page.goto(`${site.url}/ajukan`);
    await fillForm(page, inDays(30));
    await page.getByRole('button', { name: 'Ajukan Pesanan' }).click();
    const waiting = page.locator('.outbox-waiting');
    await waiting.getByRole('heading', { name: 'Menunggu sinyal' }).waitFor();
    await waiting.getByText('PT Perkebunan Nusantara VII').waitFor();
    await waiting.getByText(/Kopi Robusta Bubuk 250 g × /).waitFor();
    await screenshot(page, '92-offline-waiting');
    assert.equal(site.state.posts, 0, 'nothing reached the site');

    // The tab is closed; later, still offline, the buyer opens the site again on a page it
    // saw: the app starts untouched, and the request is still waiting.
    await page.close();
    const again = await context.newPage();
    again.on('pageerror', (e) => errors.push(e.message));
    await again.goto(`${site.url}/produk/kopi-robusta-bubuk-250-g`);
    await again.getByText('1 permintaan pesanan menunggu sinyal.').waitFor();

    // The signal returns: the request goes by itself, once, and the buyer sees it.
    site.restore();
    await context.setOffline(false);
    await again.getByText('Permintaan pesanan Anda sudah terkirim.').waitFor({ timeout: 45000 });
    await again.getByRole('link', { name: 'Lihat' }).click();
    await again.getByRole('heading', { name: 'Pesanan terkirim' }).waitFor();
    const code = (await again.locator('.request-code').textContent()).trim();
    assert.match(code, /^ETL-\d{4}-\d{6}$/);
    await screenshot(again, '93-offline-sent');
    assert.equal(site.state.stored, 1, 'exactly one request stored');
    // Tracking stays private: the worker kept no copy of it.
    const link = await again.locator('.tracking-link a').getAttribute('href');
    await again.goto(`${site.url}${link}`);
    await again.locator('.tracked-part').first().waitFor();
    // Told of a "seen" address that is no page (its own script, the manifest), the worker
    // keeps nothing.
    await again.evaluate(async () => {
      const { active } = await navigator.serviceWorker.ready;
      for (const seen of ['/sw.js', '/manifest.webmanifest', '/api/v1/orders']) active.postMessage({ seen });
    });
    await again.waitForTimeout(1500);
    const kept = await again.evaluate(async () => {
      const found = [];
      for (const name of await caches.keys()) {
        for (const request of await (await caches.open(name)).keys()) found.push(request.url);
      }
      return found;
    });
    assert.ok(kept.length > 0);
    assert.deepEqual(kept.filter((u) => /\/pesanan\/|\/api\/v1\/orders|\/staf\//.test(u)), []);
    // Nor the order list page (drawn from a cookie), nor what the worker was told of above.
    assert.deepEqual(kept.filter((u) => /\/daftar-pesanan|\/sw\.js|\.webmanifest/.test(u)), []);
    assert.deepEqual(errors.filter((e) => !/Failed to load resource|ERR_INTERNET_DISCONNECTED|Failed to fetch/.test(e)), []);
  } finally {
    await context.close();
    await site.close();
  }
});

/// Adds a product to the order list from its page on `base`.
async function add(page, base, slug) {
  await page.goto(`${base}/produk/${slug}`);
  await page.getByLabel(/^Jumlah/).waitFor();
  await page.getByRole('button', { name: /Daftar Pesanan/ }).first().click();
  await page.getByText('Tersimpan di Daftar Pesanan.').waitFor();
}

/// Another tab of the same phone, open on the order list with the app running.
async function secondTab(context, base, errors) {
  const tab = await context.newPage();
  tab.on('pageerror', (e) => errors.push(e.message));
  await tab.goto(`${base}/daftar-pesanan`);
  await tab.locator('.ikm-part').first().waitFor();
  await tab.mouse.move(3, 3);
  await takenOver(tab);
  return tab;
}

async function until(check, what, timeout = 60000) {
  const end = Date.now() + timeout;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const listed = (page) => page.evaluate(
  () => JSON.parse(localStorage.getItem('etalase.daftar-pesanan') || '[]').map((l) => l.product),
);

test('outbox: a Wi-Fi login page, a lost answer and a second tab still make exactly one request', { skip: STATIC }, async () => {
  const site = await relay(BASE_URL);
  // No worker here: what is under test is the outbox in the page.
  const { context, page, errors } = await phone(browser);
  try {
    await add(page, site.url, 'kopi-robusta-bubuk-250-g');
    await add(page, site.url, 'madu-hutan-botol-kecil-250-g');
    // A second tab is open on the order list before anything is written down.
    const other = await secondTab(context, site.url, errors);

    // The hotel Wi-Fi wants a login: its page answers instead of the site. Nothing is taken
    // for an answer; the request waits, and says why.
    site.state.orders = 'portal';
    await page.goto(`${site.url}/ajukan`);
    await fillForm(page, inDays(30));
    await page.getByRole('button', { name: 'Ajukan Pesanan' }).click();
    const waiting = page.locator('.outbox-waiting');
    await waiting.getByText(/bukan dari server kami \(HTTP 200\)|bukan dari server kami\./).waitFor();
    await waiting.getByText(/meminta login/).waitFor();
    await screenshot(page, '94-outbox-wifi-login');
    assert.equal(site.state.stored, 0);

    // The tab opened before shows it waiting too, and the partner adds a product there.
    await other.getByText('1 permintaan pesanan menunggu sinyal.').waitFor();
    await add(other, site.url, 'keripik-pisang-coklat-250-g');

    // The site gets the request and stores it, but its answer is lost on the way back: the
    // phone gives the send up after its patience (30 s) and waits for a signal again.
    site.state.orders = 'swallow';
    await waiting.getByRole('button', { name: 'Coba kirim sekarang' }).click();
    await until(() => site.state.stored === 1, 'the site to store the request');
    await waiting.getByText(/terkirim sendiri begitu ada sinyal/).waitFor({ timeout: 60000 });

    // The way back works again: the same request goes by itself (from whichever tab tries
    // first), and the site answers with the one it stored. Every try carried the same key.
    site.state.orders = 'pass';
    await page.getByRole('heading', { name: 'Pesanan terkirim' }).waitFor({ timeout: 45000 });
    assert.equal(site.state.stored, 1, 'exactly one request stored');
    assert.ok(site.state.posts >= 3, `posts: ${site.state.posts}`);
    assert.equal(new Set(site.state.keys).size, 1, 'one Idempotency-Key');

    // The other tab hears it went. What was sent left the list; what was added since stayed.
    await other.getByText('Permintaan pesanan Anda sudah terkirim.').waitFor();
    assert.deepEqual(await listed(other), ['keripik-pisang-coklat-250-g']);
    assert.deepEqual(await listed(page), ['keripik-pisang-coklat-250-g']);
    await screenshot(other, '95-outbox-other-tab');
    assert.deepEqual(errors.filter((e) => !/Failed to load resource|Failed to fetch|aborted/i.test(e)), []);
  } finally {
    await context.close();
    await site.close();
  }
});

test('outbox: a request taken back, or one that waited for days, returns to the form intact', { skip: STATIC }, async () => {
  const site = await relay(BASE_URL);
  const { context, page } = await phone(browser);
  try {
    await add(page, site.url, 'kopi-robusta-bubuk-250-g');
    await page.goto(`${site.url}/ajukan`);
    await fillForm(page, inDays(30));
    site.cut();
    await context.setOffline(true);
    await page.getByRole('button', { name: 'Ajukan Pesanan' }).click();
    const waiting = page.locator('.outbox-waiting');
    await waiting.getByRole('heading', { name: 'Menunggu sinyal' }).waitFor();

    // Taken back while the phone knew it was offline: the form again, as it was, told it was
    // not sent; nothing goes when the signal returns.
    await waiting.getByRole('button', { name: 'Batalkan pengiriman' }).click();
    await page.getByText('Permintaan tidak jadi dikirim.', { exact: false }).waitFor();
    assert.equal(await page.getByLabel('Nama perusahaan/instansi').inputValue(), 'PT Perkebunan Nusantara VII');
    await context.setOffline(false);
    site.restore();
    await page.waitForTimeout(1000);
    assert.equal(site.state.posts, 0);
    assert.deepEqual(await listed(page), ['kopi-robusta-bubuk-250-g']);

    // Taken back after a send left the phone and nothing came back: it may have arrived, and
    // the partner is told so (and that sending it unchanged is recognised).
    site.cut();
    await page.getByRole('button', { name: 'Ajukan Pesanan' }).click();
    await waiting.getByRole('heading', { name: 'Menunggu sinyal' }).waitFor();
    await waiting.getByRole('button', { name: 'Batalkan pengiriman' }).click();
    await page.getByText(/bisa jadi sudah sampai/).waitFor();
    site.restore();

    // A request written down a week ago (a phone left in a drawer) is not sent by itself:
    // the server may have forgotten its key. The partner sees it in the form, with its date.
    await page.evaluate(() => {
      const draft = JSON.parse(localStorage.getItem('etalase.formulir-pesanan'));
      const week = 7 * 24 * 3600;
      localStorage.setItem('etalase.antrean-pesanan', JSON.stringify({
        key: 'etl-00112233445566778899aabbccddeeff',
        body: draft.keyed,
        language: 'id',
        queued_at: Math.floor(Date.now() / 1000) - week,
      }));
    });
    await page.reload();
    await page.getByText(/menunggu sinyal terlalu lama/).waitFor();
    await screenshot(page, '96-outbox-stale');
    assert.equal(site.state.posts, 0, 'nothing sent by itself');
    assert.equal(await page.locator('.outbox-waiting').count(), 0);

    // Submitted again by the partner, it goes once.
    await page.getByRole('button', { name: 'Ajukan Pesanan' }).click();
    await page.getByRole('heading', { name: 'Pesanan terkirim' }).waitFor();
    assert.equal(site.state.stored, 1);
  } finally {
    await context.close();
    await site.close();
  }
});

// The race two tabs can run: one takes back a request whose send is still on its way, changes
// it and sends it; the first send was stored all the same. Both are real requests, and the
// partner keeps both tracking links.
test('outbox: a request taken back while its send was on the way, then changed and sent, leaves both links', { skip: STATIC }, async () => {
  const site = await relay(BASE_URL);
  const { context, page, errors } = await phone(browser);
  try {
    await add(page, site.url, 'kopi-robusta-bubuk-250-g');
    const other = await secondTab(context, site.url, errors);

    // This tab sends; the site stores it, and its answer is slow to come back.
    site.state.orders = 'hold';
    await page.goto(`${site.url}/ajukan`);
    await fillForm(page, inDays(30));
    await page.getByRole('button', { name: 'Ajukan Pesanan' }).click();
    await until(() => site.state.stored === 1, 'the site to store the first request');

    // The other tab takes it back (it may have arrived, it is told), changes the date, sends.
    site.state.orders = 'pass';
    await other.locator('.outbox-banner a').click();
    await other.locator('.outbox-waiting').getByRole('button', { name: 'Batalkan pengiriman' }).click();
    await other.getByText(/bisa jadi sudah sampai/).waitFor();
    await other.getByLabel('Dibutuhkan tanggal').fill(inDays(31));
    await other.getByRole('button', { name: 'Ajukan Pesanan' }).click();
    await other.locator('.confirmation').first().waitFor();
    assert.equal(site.state.stored, 2);

    // The first answer arrives at last: both tabs show both requests, each with its link.
    site.release();
    for (const tab of [page, other]) {
      await tab.waitForFunction(() => document.querySelectorAll('.confirmation .request-code').length === 2);
    }
    const codes = await other.locator('.confirmation .request-code').allTextContents();
    const links = await other.locator('.confirmation .tracking-link a').evaluateAll((a) => a.map((e) => e.getAttribute('href')));
    assert.equal(new Set(codes).size, 2, codes.join(', '));
    assert.equal(new Set(links).size, 2);
    for (const [i, code] of codes.entries()) assert.ok(links[i].startsWith(`/pesanan/${code.trim()}?t=`), links[i]);
    await screenshot(other, '97-outbox-two-stored');
    // One tap starts afresh.
    await other.getByRole('button', { name: 'Buat pesanan baru' }).click();
    await other.getByLabel('Nama perusahaan/instansi').waitFor();
    assert.equal(await other.locator('.confirmation').count(), 0);
    assert.deepEqual(errors.filter((e) => !/Failed to load resource|Failed to fetch|aborted/i.test(e)), []);
  } finally {
    site.release();
    await context.close();
    await site.close();
  }
});

/// A plain file server over `dir` (folders answer with their index.html, as a static host's).
async function files(dir) {
  const types = {
    '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css',
    '.wasm': 'application/wasm', '.json': 'application/json', '.svg': 'image/svg+xml',
    '.png': 'image/png', '.jpg': 'image/jpeg', '.webmanifest': 'application/manifest+json',
  };
  const server = http.createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    let file = join(dir, path);
    if (!file.startsWith(dir) || !existsSync(file)) { res.writeHead(404); res.end(); return; }
    if (statSync(file).isDirectory()) {
      if (!path.endsWith('/')) { res.writeHead(301, { location: `${path}/` }); res.end(); return; }
      file = join(file, 'index.html');
      if (!existsSync(file)) { res.writeHead(404); res.end(); return; }
    }
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-cache' });
    res.end(readFileSync(file));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) };
}

test('a new build replaces the old service worker and its caches on the next visit', { skip: !STATIC || !process.env.STATIC_DIR }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'etalase-sw-'));
  cpSync(process.env.STATIC_DIR, dir, { recursive: true });
  const host = await files(dir);
  const { context, page } = await phone(browser, { serviceWorkers: 'allow' });
  try {
    await page.goto(`${host.url}/`);
    await takenOver(page);
    await workerReady(page);
    const version = (names) => names.find((n) => n.startsWith('etalase-aset-'))?.slice('etalase-aset-'.length);
    await page.waitForFunction(() => caches.keys().then((k) => k.some((n) => n.startsWith('etalase-aset-'))));
    const first = version(await cacheNames(page));
    assert.match(first, /^[0-9a-f]{16}$/);

    // A new deploy: the same site with a new build's worker (its version is what differs).
    const worker = readFileSync(join(dir, 'sw.js'), 'utf8');
    assert.ok(worker.includes(`"${first}"`));
    const next = [...first].reverse().join('');
    writeFileSync(join(dir, 'sw.js'), worker.replace(`"${first}"`, `"${next}"`));

    // The next visit installs it; it takes over and the old build's caches are gone.
    await page.reload();
    await page.waitForFunction((v) => caches.keys().then((k) => k.includes(`etalase-aset-${v}`)), next, { timeout: 30000 });
    await page.waitForFunction((v) => caches.keys().then((k) => !k.some((n) => n.endsWith(v))), first, { timeout: 30000 });
    const scripts = await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.getRegistration();
      return { active: registration.active?.scriptURL, waiting: registration.waiting };
    });
    assert.equal(scripts.waiting, null, 'nothing left waiting');
    assert.ok(scripts.active.endsWith('/sw.js'));
    // The staff app is never precached for buyers.
    const assets = await page.evaluate(async () => {
      const name = (await caches.keys()).find((n) => n.startsWith('etalase-aset-'));
      return (await (await caches.open(name)).keys()).map((r) => new URL(r.url).pathname);
    });
    assert.ok(assets.some((p) => p.endsWith('.wasm')), assets.join());
    assert.deepEqual(assets.filter((p) => p.startsWith('/staf')), []);
  } finally {
    await context.close();
    await host.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
