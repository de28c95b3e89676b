// Lighthouse 12 (mobile defaults: simulated slow 4G, 4× CPU) on each page of PAGES, RUNS times,
// in Debian's Chromium. Saves every report as JSON in OUT_DIR and writes the median of each
// figure per page to RESULT_FILE; cargo xtask bench judges them against the budgets.
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const pages = JSON.parse(process.env.PAGES); // [{ label, url, cookie? }]
const runs = Number(process.env.RUNS ?? '1');
const outDir = process.env.OUT_DIR;
mkdirSync(outDir, { recursive: true });

// A fresh Chromium for every run: a reused one loses the trace of later runs (NO_NAVSTART).
let chrome = null;
const launch = () => chromeLauncher.launch({
  chromePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu'],
  logLevel: 'silent',
});
// A stop from outside (the bench's timeout) must not leave Chromium behind.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => { await chrome?.kill(); process.exit(130); });
}

const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return null;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const file = (label, run) =>
  `${label.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '') || 'home'}-${run}.json`;

// Runs go round the pages (every page's first run, then every page's second, …): a spell of
// load on the machine falls on one run of several pages, not on every run of one page, so
// each page's median stays its own.
const figuresOf = pages.map(() => ({ perf: [], lcp_ms: [], tbt_ms: [], cls: [], bytes: [] }));
const errorsOf = pages.map(() => []);
try {
  for (let run = 1; run <= runs; run++) {
    for (const [index, { label, url, cookie }] of pages.entries()) {
      const figures = figuresOf[index];
      const errors = errorsOf[index];
      const started = Date.now();
      // Chromium now and then loses a run's trace (NO_NAVSTART): such a run is measured again,
      // up to twice; a page that fails three times in a row is reported as failed.
      let result;
      let lhr;
      for (let attempt = 1; attempt <= 3; attempt++) {
        chrome = await launch();
        try {
          result = await lighthouse(url, {
            port: chrome.port,
            output: 'json',
            logLevel: 'error',
            onlyCategories: ['performance'],
            // The buyer's own state (the order list's cookie), as their browser would send it.
            ...(cookie ? { extraHeaders: { Cookie: cookie } } : {}),
          });
          lhr = result.lhr;
        } catch (e) {
          result = null;
          lhr = { runtimeError: { code: 'ERROR', message: String(e?.message ?? e) } };
        } finally {
          await chrome.kill();
          chrome = null;
        }
        if (!lhr.runtimeError) break;
        console.log(`    ${label} run ${run}, attempt ${attempt}: ${lhr.runtimeError.code}`);
      }
      if (result) writeFileSync(join(outDir, file(label, run)), result.report);
      if (lhr.runtimeError) {
        errors.push(`${lhr.runtimeError.code}: ${lhr.runtimeError.message}`);
        continue;
      }
      const audit = (id) => lhr.audits[id]?.numericValue;
      const score = lhr.categories.performance.score;
      figures.perf.push(score === null ? NaN : score * 100);
      figures.lcp_ms.push(audit('largest-contentful-paint'));
      figures.tbt_ms.push(audit('total-blocking-time'));
      figures.cls.push(audit('cumulative-layout-shift'));
      figures.bytes.push(audit('total-byte-weight'));
      console.log(`    ${label} run ${run}/${runs}: perf ${Math.round(score * 100)}, ` +
        `LCP ${Math.round(audit('largest-contentful-paint'))} ms, ` +
        `TBT ${Math.round(audit('total-blocking-time'))} ms, ` +
        `CLS ${audit('cumulative-layout-shift').toFixed(3)}, ` +
        `${Math.round(audit('total-byte-weight') / 1000)} KB ` +
        `(${((Date.now() - started) / 1000).toFixed(0)} s)`);
    }
  }
} finally {
  await chrome?.kill();
}
const results = pages.map(({ label, url }, index) => ({
  label,
  url,
  runs: figuresOf[index].perf.length,
  errors: errorsOf[index],
  ...Object.fromEntries(Object.entries(figuresOf[index]).map(([k, xs]) => [k, median(xs)])),
}));
writeFileSync(process.env.RESULT_FILE, JSON.stringify(results, null, 2));
