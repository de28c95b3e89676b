//! Answers compressed once: an answer that does not change between requests (the catalog, a
//! product's JSON, a preview page) is kept as its identity, brotli and gzip bytes, computed once
//! per version off the async workers, and each request only picks the bytes its
//! `Accept-Encoding` asks for. The compression layer never compresses these again: they carry
//! [`Precompressed`], which its predicate skips (see `lib.rs`).

use crate::web::error::AppError;
use axum::body::Bytes;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::collections::{BTreeMap, HashMap};
use std::hash::Hash;
use std::io::Write;
use std::sync::{Arc, Mutex};

/// Brotli quality and window (log2 of bytes). Quality 11 writes the smallest files but takes
/// seconds for the 8 MB catalog of 10,000 products; 5 with a 4 MB window compresses it in about
/// a quarter of a second (see the README's performance notes) at a few percent more bytes.
pub const BROTLI_QUALITY: i32 = 5;
pub const BROTLI_WINDOW: i32 = 22;
/// gzip level: 6 is zlib's default balance.
pub const GZIP_LEVEL: u32 = 6;

/// A content coding we can send.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Coding {
    // Least preferred first: equal q-values go to the smaller encoding.
    Identity,
    Gzip,
    Brotli,
}

impl Coding {
    fn token(self) -> &'static str {
        match self {
            Coding::Identity => "identity",
            Coding::Gzip => "gzip",
            Coding::Brotli => "br",
        }
    }
}

/// A q-value in thousandths (RFC 9110 §12.4.2); `None` when malformed.
fn qvalue(params: &str) -> Option<u16> {
    let mut q = 1000;
    for param in params.split(';') {
        let param = param.trim();
        if param.is_empty() {
            continue;
        }
        let (name, value) = param.split_once('=')?;
        if !name.trim().eq_ignore_ascii_case("q") {
            continue;
        }
        let value = value.trim();
        let (whole, fraction) = value.split_once('.').unwrap_or((value, ""));
        if fraction.len() > 3 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let thousandths = format!("{fraction:0<3}").parse::<u16>().ok()?;
        q = match whole {
            "0" => thousandths,
            "1" if thousandths == 0 => 1000,
            _ => return None,
        };
    }
    Some(q)
}

/// The coding to send for this `Accept-Encoding` (RFC 9110 §12.5.3): the highest q-value above
/// zero wins, brotli before gzip before identity on a tie; `*` stands for every coding not
/// named; identity is acceptable unless refused (`identity;q=0`, or `*;q=0` without naming it).
/// No header, or an empty one: identity. `None`: nothing acceptable (406). Unknown codings and
/// malformed entries are skipped, as tower-http's compression layer does, so both agree.
pub fn negotiate(headers: &HeaderMap) -> Option<Coding> {
    let mut named: [Option<u16>; 3] = [None; 3];
    let mut wildcard: Option<u16> = None;
    for value in headers.get_all(header::ACCEPT_ENCODING) {
        let Ok(value) = value.to_str() else { continue };
        for entry in value.split(',') {
            let (token, params) = entry.split_once(';').unwrap_or((entry, ""));
            let token = token.trim();
            let Some(q) = qvalue(params) else { continue };
            let slot = if token == "*" {
                &mut wildcard
            } else if token.eq_ignore_ascii_case("br") {
                &mut named[Coding::Brotli as usize]
            } else if token.eq_ignore_ascii_case("gzip") || token.eq_ignore_ascii_case("x-gzip") {
                &mut named[Coding::Gzip as usize]
            } else if token.eq_ignore_ascii_case("identity") {
                &mut named[Coding::Identity as usize]
            } else {
                continue;
            };
            // Named twice: the first counts.
            slot.get_or_insert(q);
        }
    }
    let q_of = |coding: Coding| named[coding as usize].or(wildcard);
    let best = [Coding::Identity, Coding::Gzip, Coding::Brotli]
        .into_iter()
        .filter_map(|c| q_of(c).filter(|q| *q > 0).map(|q| (q, c)))
        .max();
    match best {
        Some((_, coding)) => Some(coding),
        None if q_of(Coding::Identity) == Some(0) => None,
        None => Some(Coding::Identity),
    }
}

/// Marks a response whose body is already encoded as negotiated: the compression layer leaves
/// it alone (also when it was sent as identity on purpose).
#[derive(Clone, Copy, Debug)]
pub struct Precompressed;

/// One answer in every encoding we send.
pub struct Encoded {
    content_type: HeaderValue,
    /// Weak: the bytes differ by encoding, the content does not.
    etag: String,
    /// The same, ready to send (made once, not per answer).
    etag_header: HeaderValue,
    identity: Bytes,
    /// `None` when compressing did not make it smaller (tiny answers).
    brotli: Option<Bytes>,
    gzip: Option<Bytes>,
}

impl Encoded {
    /// Compresses `body` both ways: CPU work, so call it off the async workers
    /// (`spawn_blocking`, or [`compress`]).
    pub fn new(content_type: &'static str, body: impl Into<Bytes>) -> Encoded {
        let identity: Bytes = body.into();
        let brotli = brotli_bytes(&identity);
        let gzip = gzip_bytes(&identity);
        Encoded::from_parts(content_type, identity, brotli, gzip)
    }

    /// `new` with brotli and gzip on two threads (large answers: the catalog).
    pub fn new_parallel(content_type: &'static str, body: impl Into<Bytes>) -> Encoded {
        let identity: Bytes = body.into();
        let (brotli, gzip) = std::thread::scope(|s| {
            let gzip = s.spawn(|| gzip_bytes(&identity));
            let brotli = brotli_bytes(&identity);
            // A panic in the gzip thread: send identity rather than fail.
            (brotli, gzip.join().ok().flatten())
        });
        Encoded::from_parts(content_type, identity, brotli, gzip)
    }

    /// Identity only: when the compression queue is full, an answer is still sent at once.
    pub fn uncompressed(content_type: &'static str, body: impl Into<Bytes>) -> Encoded {
        Encoded::from_parts(content_type, body.into(), None, None)
    }

    fn from_parts(
        content_type: &'static str,
        identity: Bytes,
        brotli: Option<Bytes>,
        gzip: Option<Bytes>,
    ) -> Encoded {
        let smaller = |b: Option<Bytes>| b.filter(|b| b.len() < identity.len());
        let etag = format!("W/\"{:016x}\"", fnv1a64(&identity));
        Encoded {
            content_type: HeaderValue::from_static(content_type),
            etag_header: HeaderValue::from_str(&etag)
                .unwrap_or(HeaderValue::from_static("W/\"0\"")),
            etag,
            brotli: smaller(brotli),
            gzip: smaller(gzip),
            identity,
        }
    }

    /// The same answer in new buffers that share no reference count with this one.
    pub fn deep_copy(&self) -> Encoded {
        Encoded {
            content_type: self.content_type.clone(),
            etag: self.etag.clone(),
            etag_header: HeaderValue::from_bytes(self.etag_header.as_bytes())
                .unwrap_or_else(|_| self.etag_header.clone()),
            identity: Bytes::copy_from_slice(&self.identity),
            brotli: self.brotli.as_deref().map(Bytes::copy_from_slice),
            gzip: self.gzip.as_deref().map(Bytes::copy_from_slice),
        }
    }

    pub fn etag(&self) -> &str {
        &self.etag
    }

    pub fn identity(&self) -> &Bytes {
        &self.identity
    }

    /// The bytes in `coding`, or identity when that one is not kept.
    pub fn bytes(&self, coding: Coding) -> (Coding, &Bytes) {
        let kept = match coding {
            Coding::Brotli => self.brotli.as_ref(),
            Coding::Gzip => self.gzip.as_ref(),
            Coding::Identity => None,
        };
        match kept {
            Some(bytes) => (coding, bytes),
            None => (Coding::Identity, &self.identity),
        }
    }

    /// Memory held, in bytes (bodies only).
    pub fn size(&self) -> usize {
        self.identity.len()
            + self.brotli.as_ref().map_or(0, Bytes::len)
            + self.gzip.as_ref().map_or(0, Bytes::len)
    }

    /// The answer to a request with these headers: 304 when the client holds this version
    /// (2xx answers only), 406 when it accepts no coding we have, else the bytes it prefers
    /// with `Content-Length`, `Content-Encoding`, `Vary`, `ETag` and `Cache-Control`.
    pub fn respond(
        &self,
        request: &HeaderMap,
        status: StatusCode,
        cache_control: &'static str,
    ) -> Response {
        let mut response = self.answer(request, status, cache_control);
        response.extensions_mut().insert(Precompressed);
        response
    }

    /// [`Encoded::respond`] without the mark that keeps the compression layer off it: for an
    /// answer sent past the layers ([`crate::Site`]'s fast path).
    pub fn answer(
        &self,
        request: &HeaderMap,
        status: StatusCode,
        cache_control: &'static str,
    ) -> Response {
        let conditional = status.is_success();
        let fresh = conditional
            && request
                .get(header::IF_NONE_MATCH)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| etag_matches(v, &self.etag));
        let mut response = if fresh {
            StatusCode::NOT_MODIFIED.into_response()
        } else {
            let Some(wanted) = negotiate(request) else {
                let mut refused = AppError::NotAcceptable.into_response();
                vary(&mut refused);
                return refused;
            };
            let (coding, bytes) = self.bytes(wanted);
            let mut response = (status, bytes.clone()).into_response();
            let headers = response.headers_mut();
            // Room for these and the security headers at once, not grown step by step.
            headers.reserve(16);
            headers.insert(header::CONTENT_TYPE, self.content_type.clone());
            headers.insert(header::CONTENT_LENGTH, HeaderValue::from(bytes.len()));
            if coding != Coding::Identity {
                headers.insert(
                    header::CONTENT_ENCODING,
                    HeaderValue::from_static(coding.token()),
                );
            }
            response
        };
        let headers = response.headers_mut();
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(cache_control),
        );
        if conditional {
            headers.insert(header::ETAG, self.etag_header.clone());
        }
        vary(&mut response);
        response
    }
}

fn vary(response: &mut Response) {
    response
        .headers_mut()
        .insert(header::VARY, HeaderValue::from_static("accept-encoding"));
}

fn brotli_bytes(input: &[u8]) -> Option<Bytes> {
    let params = brotli::enc::BrotliEncoderParams {
        quality: BROTLI_QUALITY,
        lgwin: window_for(input.len()),
        size_hint: input.len(),
        ..Default::default()
    };
    let mut out = Vec::with_capacity(input.len() / 4 + 64);
    match brotli::BrotliCompress(&mut &input[..], &mut out, &params) {
        Ok(_) => Some(out.into()),
        Err(e) => {
            tracing::warn!(error = %e, "brotli failed; sending identity");
            None
        }
    }
}

/// The smallest window that holds the whole input (brotli's minimum is 2^10), at most
/// [`BROTLI_WINDOW`]: a 6 KB page needs no 4 MB window, nor the memory it costs.
fn window_for(len: usize) -> i32 {
    let needed = usize::BITS - len.saturating_sub(1).leading_zeros();
    (needed as i32).clamp(10, BROTLI_WINDOW)
}

fn gzip_bytes(input: &[u8]) -> Option<Bytes> {
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(input.len() / 3 + 64),
        flate2::Compression::new(GZIP_LEVEL),
    );
    match encoder.write_all(input).and_then(|_| encoder.finish()) {
        Ok(out) => Some(out.into()),
        Err(e) => {
            tracing::warn!(error = %e, "gzip failed; sending identity");
            None
        }
    }
}

/// Answers compressed on a request's path at most a few at a time: a burst of misses (many
/// `Host` values, many products) waits its turn or, past the queue, is sent uncompressed at
/// once — never a growing queue, never a refusal.
/// `Err` holds the uncompressed answer to send now; keep only an `Ok` one.
pub async fn compress(
    content_type: &'static str,
    body: impl Into<Bytes>,
) -> Result<Encoded, Encoded> {
    let body: Bytes = body.into();
    let fallback = body.clone();
    crate::web::gate::COMPRESSING
        .try_run(move || Encoded::new(content_type, body))
        .await
        .ok_or_else(|| Encoded::uncompressed(content_type, fallback))
}

/// What a cache key costs besides its answer.
pub trait KeyBytes {
    fn key_bytes(&self) -> usize;
}

impl KeyBytes for String {
    fn key_bytes(&self) -> usize {
        self.len()
    }
}

impl<A: KeyBytes, B: KeyBytes> KeyBytes for (A, B) {
    fn key_bytes(&self) -> usize {
        self.0.key_bytes() + self.1.key_bytes()
    }
}

impl KeyBytes for &str {
    fn key_bytes(&self) -> usize {
        self.len()
    }
}

/// Bookkeeping per cached answer (map and order entries, the `Arc`), counted against the
/// budget so that many tiny answers cannot hold more than it says.
const ENTRY_OVERHEAD: usize = 128;

/// A least-recently-used map of answers bounded by the bytes they hold: the keys that can be
/// asked for are not ours to bound (`Host` is whatever the client writes), so the memory is.
pub struct ByteLru<K> {
    budget: usize,
    inner: Mutex<Lru<K>>,
}

struct Lru<K> {
    entries: HashMap<K, (Arc<Encoded>, u64)>,
    /// Use ticks, oldest first.
    order: BTreeMap<u64, K>,
    bytes: usize,
    tick: u64,
}

impl<K: Hash + Eq + Clone + KeyBytes> ByteLru<K> {
    pub fn new(budget: usize) -> ByteLru<K> {
        ByteLru {
            budget,
            inner: Mutex::new(Lru {
                entries: HashMap::new(),
                order: BTreeMap::new(),
                bytes: 0,
                tick: 0,
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Lru<K>> {
        // A panic while holding it leaves a consistent map (every step below keeps it so).
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn get(&self, key: &K) -> Option<Arc<Encoded>> {
        let mut lru = self.lock();
        lru.tick += 1;
        let tick = lru.tick;
        let (value, old) = {
            let (value, used) = lru.entries.get_mut(key)?;
            let old = std::mem::replace(used, tick);
            (value.clone(), old)
        };
        lru.order.remove(&old);
        lru.order.insert(tick, key.clone());
        Some(value)
    }

    /// Keeps `value` (replacing an earlier one), dropping the least recently used answers
    /// until the total fits; an answer larger than the whole budget is not kept.
    pub fn insert(&self, key: K, value: Arc<Encoded>) {
        let size = cost(&key, &value);
        if size > self.budget {
            return;
        }
        let mut lru = self.lock();
        lru.tick += 1;
        let tick = lru.tick;
        if let Some((old, used)) = lru.entries.remove(&key) {
            lru.order.remove(&used);
            lru.bytes -= cost(&key, &old);
        }
        while lru.bytes + size > self.budget {
            let Some((_, oldest)) = lru.order.pop_first() else {
                break;
            };
            if let Some((old, _)) = lru.entries.remove(&oldest) {
                lru.bytes -= cost(&oldest, &old);
            }
        }
        lru.bytes += size;
        lru.order.insert(tick, key.clone());
        lru.entries.insert(key, (value, tick));
    }

    /// Bytes held now (never above the budget).
    pub fn bytes(&self) -> usize {
        self.lock().bytes
    }

    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

fn cost<K: KeyBytes>(key: &K, value: &Encoded) -> usize {
    value.size() + key.key_bytes() + ENTRY_OVERHEAD
}

/// FNV-1a: a stable content hash, the same on every replica and every build.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// Whether an `If-None-Match` header value matches `etag` (weak comparison, RFC 9110 §13.1.2).
pub fn etag_matches(if_none_match: &str, etag: &str) -> bool {
    let bare = |t: &str| t.trim().trim_start_matches("W/").to_owned();
    let ours = bare(etag);
    if_none_match
        .split(',')
        .any(|t| t.trim() == "*" || bare(t) == ours)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etag_comparison_is_weak_and_handles_lists() {
        let e = "W/\"00ff\"";
        assert!(etag_matches("W/\"00ff\"", e));
        assert!(etag_matches("\"00ff\"", e));
        assert!(etag_matches("\"aa\", W/\"00ff\"", e));
        assert!(etag_matches("*", e));
        assert!(!etag_matches("W/\"00fe\"", e));
        assert!(!etag_matches("", e));
    }

    #[test]
    fn hash_is_stable() {
        assert_eq!(fnv1a64(b""), 0xcbf29ce484222325);
        assert_eq!(fnv1a64(b"a"), 0xaf63dc4c8601ec8c);
    }

    #[test]
    fn the_brotli_window_fits_the_answer() {
        assert_eq!(window_for(0), 10);
        assert_eq!(window_for(1024), 10);
        assert_eq!(window_for(6_000), 13);
        assert_eq!(window_for(1 << 20), 20);
        assert_eq!(window_for(8_000_000), BROTLI_WINDOW);
        let page = "<p>Keripik pisang</p>".repeat(300);
        let small = brotli_bytes(page.as_bytes()).unwrap();
        let mut back = Vec::new();
        brotli::BrotliDecompress(&mut &small[..], &mut back).unwrap();
        assert_eq!(back, page.as_bytes());
    }
    use std::io::Read;

    fn accept(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_str(value).unwrap(),
        );
        h
    }

    #[test]
    fn negotiation_follows_q_values() {
        use Coding::*;
        let n = |v: &str| negotiate(&accept(v));
        assert_eq!(negotiate(&HeaderMap::new()), Some(Identity));
        assert_eq!(n(""), Some(Identity));
        assert_eq!(n("gzip, deflate, br, zstd"), Some(Brotli));
        assert_eq!(n("gzip"), Some(Gzip));
        assert_eq!(n("x-gzip"), Some(Gzip));
        assert_eq!(n("BR"), Some(Brotli));
        assert_eq!(n("br;q=0.5, gzip"), Some(Gzip));
        assert_eq!(n("br;q=0, gzip;q=0.1"), Some(Gzip));
        assert_eq!(n("br;q=0"), Some(Identity));
        assert_eq!(n("gzip;q=0.2, identity;q=0.5"), Some(Identity));
        assert_eq!(n("identity"), Some(Identity));
        assert_eq!(n("deflate, zstd"), Some(Identity));
        assert_eq!(n("*"), Some(Brotli));
        assert_eq!(n("*;q=0.5, br;q=0.1"), Some(Gzip));
        assert_eq!(n("br;q=0, *"), Some(Gzip));
        assert_eq!(n("br; q=1.000"), Some(Brotli));
        // Refusals: 406.
        assert_eq!(n("identity;q=0"), None);
        assert_eq!(n("*;q=0"), None);
        assert_eq!(n("br;q=0, gzip;q=0, identity;q=0"), None);
        assert_eq!(n("*;q=0, identity"), Some(Identity));
        assert_eq!(n("*;q=0, gzip;q=0.001"), Some(Gzip));
        // Malformed q-values drop the entry, as tower-http does.
        assert_eq!(n("br;q=2, gzip"), Some(Gzip));
        assert_eq!(n("br;q=0.1234, gzip;q=0.5"), Some(Gzip));
        assert_eq!(n("br;q=abc"), Some(Identity));
        assert_eq!(n("br;q=.5, gzip;q=0.4"), Some(Gzip));
        // Two headers are one list.
        let mut h = accept("gzip;q=0.5");
        h.append(header::ACCEPT_ENCODING, HeaderValue::from_static("br"));
        assert_eq!(negotiate(&h), Some(Brotli));
    }

    #[test]
    fn every_encoding_decodes_to_the_same_bytes() {
        let body = "{\"produk\":\"kopi robusta\"}".repeat(500);
        let e = Encoded::new("application/json", body.clone());
        let (c, br) = e.bytes(Coding::Brotli);
        assert_eq!(c, Coding::Brotli);
        let mut out = String::new();
        brotli::Decompressor::new(&br[..], 4096)
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, body);
        let (c, gz) = e.bytes(Coding::Gzip);
        assert_eq!(c, Coding::Gzip);
        let mut out = String::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, body);
        assert_eq!(e.bytes(Coding::Identity).1, body.as_bytes());
        // Parallel gives the same bytes.
        let p = Encoded::new_parallel("application/json", body.clone());
        assert_eq!(p.bytes(Coding::Brotli).1, br);
        assert_eq!(p.etag(), e.etag());
    }

    #[test]
    fn tiny_answers_are_kept_as_identity_only() {
        let e = Encoded::new("application/json", "{}");
        assert_eq!(e.bytes(Coding::Brotli).0, Coding::Identity);
        assert_eq!(e.bytes(Coding::Gzip).0, Coding::Identity);
        assert_eq!(e.size(), 2);
    }

    #[test]
    fn the_cache_stays_within_its_budget_and_drops_the_least_recent() {
        // Each entry costs its bytes, its key (1 byte here) and the bookkeeping.
        let entry = |n: usize| {
            Arc::new(Encoded::uncompressed(
                "text/plain",
                vec![b'x'; n - 1 - ENTRY_OVERHEAD],
            ))
        };
        let lru = ByteLru::new(1000);
        lru.insert("a", entry(400));
        lru.insert("b", entry(400));
        assert!(lru.get(&"a").is_some()); // a is now the most recent
        lru.insert("c", entry(400)); // b goes
        assert!(lru.get(&"b").is_none());
        assert!(lru.get(&"a").is_some());
        assert!(lru.get(&"c").is_some());
        assert_eq!(lru.bytes(), 800);
        lru.insert("d", entry(1001)); // larger than the budget: not kept, nothing dropped
        assert!(lru.get(&"d").is_none());
        assert_eq!(lru.len(), 2);
        lru.insert("a", entry(200)); // replacing counts the new size
        assert_eq!(lru.bytes(), 600);
        for i in 0..1000 {
            lru.insert(if i % 2 == 0 { "x" } else { "y" }, entry(300 + i % 7));
            assert!(lru.bytes() <= 1000);
        }
    }
}
