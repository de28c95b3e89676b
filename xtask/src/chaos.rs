//! `cargo xtask chaos`: many clients order (and work the IKM desk, cancel, edit as admin)
//! while the server is killed with SIGKILL at random moments and restarted on the same
//! database. After every restart each acknowledged order must be there intact and answer a
//! retry of its key with the same code; at the end no order may exist twice, and no request
//! may ever have been answered with a status of 500 or more.
//!
//! The clients are plain threads speaking HTTP/1.1 over `std::net` (one connection per
//! request): the server is the thing under test, and xtask keeps no async runtime.

use crate::util::{
    by_message, clip, cmd, exchange, free_port, http_status, number_after, root, run, step,
    strip_ansi, target_dir, today_wib, unix_now, utc_time, NoAnswer, Reply, Result, ANSWER_TIMEOUT,
};
use etalase_core::account::LoginInput;
use etalase_core::admin::SetFlag;
use etalase_core::api::{CancelPart, Inbox, OrderCreated, Tracking};
use etalase_core::catalog::Catalog;
use etalase_core::order::{OrderEvent, OrderStatus};
use etalase_core::request::{validate_request, BuyerType, LineInput, RequestInput, ValidRequest};
use etalase_core::{Date, Kabupaten, Rupiah, Slug};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const USAGE: &str = "usage: cargo xtask chaos [--rounds N] [--clients N] [--short] [--seed N]";
const ORDERS: &str = "/api/v1/orders";
/// How long a client keeps retrying an order that got no answer (the server is restarting).
const GIVE_UP: Duration = Duration::from_secs(90);
/// The order rate limit per client address, raised out of the way: every client is 127.0.0.1.
const ORDERS_PER_HOUR: &str = "1000000";

#[derive(Clone, Debug)]
struct Options {
    rounds: usize,
    clients: usize,
    /// Each round's SIGKILL comes this many milliseconds after the round starts, at random.
    kill_after_ms: (u64, u64),
    /// Actions per client in the closing load without kills.
    calm_actions: usize,
    seed: u64,
}

impl Options {
    fn full() -> Options {
        Options {
            rounds: 5,
            clients: 16,
            kill_after_ms: (1_000, 4_000),
            calm_actions: 30,
            seed: seed_from_clock(),
        }
    }

    /// CI's pass: two kills, short rounds, a short calm load.
    fn short() -> Options {
        Options {
            rounds: 2,
            clients: 16,
            kill_after_ms: (800, 2_000),
            calm_actions: 10,
            seed: seed_from_clock(),
        }
    }

    fn parse(args: &[String]) -> Result<Options> {
        let mut options = if args.iter().any(|a| a == "--short") {
            Options::short()
        } else {
            Options::full()
        };
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let mut number = |flag: &str| number_after(&mut args, flag, USAGE);
            match arg.as_str() {
                "--short" => {}
                "--rounds" => options.rounds = number("--rounds")? as usize,
                "--clients" => options.clients = number("--clients")? as usize,
                "--seed" => options.seed = number("--seed")?,
                other => return Err(format!("chaos: unknown argument {other}\n{USAGE}")),
            }
        }
        if options.rounds == 0 || options.clients == 0 {
            return Err(format!(
                "chaos: --rounds and --clients must be at least 1\n{USAGE}"
            ));
        }
        Ok(options)
    }
}

fn seed_from_clock() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(1)
}

/// `cargo xtask chaos [flags]`.
pub fn run_cli(args: &[String]) -> Result {
    run_with(&Options::parse(args)?)
}

/// The short pass CI runs: 2 kills, 16 clients, well under two minutes once the server is built.
pub fn short_pass() -> Result {
    run_with(&Options::short())
}

fn run_with(options: &Options) -> Result {
    let wall = Instant::now();
    step("Chaos: building the server");
    run(cmd("cargo").args(["build", "-p", "etalase-server"]))?;
    let work = target_dir().join("chaos");
    let _ = std::fs::remove_dir_all(&work);
    // A stand-in storefront: the API is under test, not the pages.
    std::fs::create_dir_all(work.join("dist")).map_err(|e| format!("{}: {e}", work.display()))?;
    std::fs::write(
        work.join("dist/index.html"),
        "<!doctype html><title>chaos</title>",
    )
    .map_err(|e| e.to_string())?;
    let mut server = Server {
        bin: target_dir().join("debug/etalase-server"),
        addr: format!("127.0.0.1:{}", free_port()?),
        work: work.clone(),
        child: None,
        starts: 0,
    };
    step(&format!(
        "Chaos: {} rounds, {} clients, SIGKILL {}–{} ms into each round (seed {})",
        options.rounds,
        options.clients,
        options.kill_after_ms.0,
        options.kill_after_ms.1,
        options.seed
    ));
    server.start()?;
    let chaos = Chaos::new(&server.addr, &work.join("demo-akun.txt"))?;
    let mut rng = Rng::new(options.seed);
    // The same clients all along: their sessions are in the database and outlive the kills.
    let mut clients: Vec<Client> = (0..options.clients)
        .map(|id| Client::new(&chaos, id, options.clients, rng.next()))
        .collect();
    let mut kills = 0;
    for round in 1..=options.rounds {
        let delay = Duration::from_millis(rng.between(options.kill_after_ms));
        let acked_before = chaos.acks().len();
        chaos.stop.store(false, Ordering::SeqCst);
        let mut restart = Ok(Duration::ZERO);
        let mut in_flight = 0;
        std::thread::scope(|s| {
            for client in clients.iter_mut() {
                s.spawn(move || client.run(None));
            }
            std::thread::sleep(delay);
            in_flight = chaos.in_flight.load(Ordering::SeqCst);
            server.kill();
            kills += 1;
            chaos.stop.store(true, Ordering::SeqCst);
            // The clients meet a dead server for a moment before it comes back.
            std::thread::sleep(Duration::from_millis(rng.between((50, 400))));
            restart = server.start();
            if restart.is_err() {
                chaos.abort.store(true, Ordering::SeqCst);
            }
        });
        let restarted_in = restart?;
        chaos.verify_all(options.clients);
        println!(
            "    round {round}: SIGKILL at {:.1} s with {in_flight} requests in flight; back in \
             {:.1} s; {} orders acknowledged this round, {} in all; every one checked again",
            delay.as_secs_f64(),
            restarted_in.as_secs_f64(),
            chaos.acks().len() - acked_before,
            chaos.acks().len(),
        );
    }

    step(&format!(
        "Chaos: mixed load without kills ({} clients × {} actions)",
        options.clients, options.calm_actions
    ));
    let errors_before = chaos.figures.server_errors.load(Ordering::SeqCst);
    let calm = Instant::now();
    std::thread::scope(|s| {
        for client in clients.iter_mut() {
            s.spawn(move || client.run(Some(options.calm_actions)));
        }
    });
    println!(
        "    {} actions in {:.1} s, {} responses ≥ 500",
        options.clients * options.calm_actions,
        calm.elapsed().as_secs_f64(),
        chaos.figures.server_errors.load(Ordering::SeqCst) - errors_before
    );

    step("Chaos: every order once (the admin's list against the acknowledged keys)");
    chaos.verify_all(options.clients);
    chaos.check_no_duplicates();
    server.kill();
    let log_lines = server_log_findings(&work);
    chaos.report(options, kills, wall.elapsed(), &log_lines, &work);
    let failures = chaos.failures();
    if failures.is_empty() {
        println!("\nchaos: passed");
        Ok(())
    } else {
        Err(format!(
            "chaos found {} problem(s): see them by kind above the figures",
            failures.len()
        ))
    }
}

// ---- the server under test ----------------------------------------------------------------

/// The debug server on one port and one database file, started again after every kill.
struct Server {
    bin: PathBuf,
    addr: String,
    work: PathBuf,
    child: Option<Child>,
    starts: usize,
}

impl Server {
    /// Starts it on the database in `work` (seeded on the first start) and waits for
    /// `/healthz`. Returns how long that took.
    fn start(&mut self) -> Result<Duration> {
        let started = Instant::now();
        self.starts += 1;
        let log_path = self.work.join(format!("server-{}.log", self.starts));
        let log = std::fs::File::create(&log_path).map_err(|e| e.to_string())?;
        let err_log = log.try_clone().map_err(|e| e.to_string())?;
        let mut child = cmd(&self.bin.display().to_string())
            .env("ETALASE_ADDR", &self.addr)
            .env(
                "DATABASE_URL",
                format!("sqlite://{}", self.work.join("etalase.db").display()),
            )
            .env("ETALASE_DIST", self.work.join("dist"))
            .env("ETALASE_SEED", root().join("data/catalog.json"))
            .env("ETALASE_HOLIDAYS", root().join("data/hari-libur.txt"))
            .env("ETALASE_DEMO_CREDENTIALS", self.work.join("demo-akun.txt"))
            .env("ETALASE_MEDIA", self.work.join("media"))
            .env("ETALASE_ORDERS_PER_HOUR", ORDERS_PER_HOUR)
            .env("RUST_LOG", "etalase_server=warn,tower_http=warn")
            .stdout(Stdio::from(log))
            .stderr(Stdio::from(err_log))
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", self.bin.display()))?;
        loop {
            if http_status(&self.addr, "/healthz") == Some(200) {
                self.child = Some(child);
                return Ok(started.elapsed());
            }
            let exited = child.try_wait().map_err(|e| e.to_string())?;
            if exited.is_some() || started.elapsed() > Duration::from_secs(60) {
                let _ = child.kill();
                let _ = child.wait();
                let log = std::fs::read_to_string(&log_path).unwrap_or_default();
                return Err(format!(
                    "the server did not come up on {} (start {}): {}\n{log}",
                    self.addr,
                    self.starts,
                    exited.map_or("no answer in 60 s".to_owned(), |s| s.to_string()),
                ));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// SIGKILL: no shutdown, no flush, whatever it was doing.
    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Panics and errors the server logged, over all its starts.
fn server_log_findings(work: &Path) -> Vec<String> {
    let mut logs: Vec<PathBuf> = std::fs::read_dir(work)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    logs.retain(|p| p.extension().is_some_and(|e| e == "log"));
    logs.sort();
    let mut found = Vec::new();
    for log in logs {
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        let name = log.file_name().unwrap_or_default().to_string_lossy();
        for line in text.lines() {
            if line.contains("ERROR") || line.contains("panicked") {
                found.push(format!("{name}: {}", strip_ansi(line)));
            }
        }
    }
    found
}

/// Problems grouped by kind: the same call answering the same status, whatever the order or
/// IKM in its path; most frequent first, each with its first occurrence.
fn by_kind(failures: &[String]) -> Vec<(usize, String)> {
    let mut groups: BTreeMap<String, (usize, usize, String)> = BTreeMap::new();
    for (i, failure) in failures.iter().enumerate() {
        let first = failure.lines().next().unwrap_or_default();
        let kind: String = match first.split_once(" answered ") {
            Some((call, rest)) => {
                let call: Vec<&str> = call
                    .split('/')
                    .map(|seg| if seg.contains('-') { "{}" } else { seg })
                    .collect();
                let status = rest.split_whitespace().next().unwrap_or_default();
                format!("{} {status}", call.join("/"))
            }
            None => first
                .split_whitespace()
                .take(2)
                .collect::<Vec<_>>()
                .join(" "),
        };
        groups.entry(kind).or_insert((0, i, failure.clone())).0 += 1;
    }
    let mut out: Vec<(usize, usize, String)> = groups.into_values().collect();
    out.sort_by_key(|g| (std::cmp::Reverse(g.0), g.1));
    out.into_iter()
        .map(|(n, _, example)| (n, example))
        .collect()
}

fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn now_utc() -> String {
    format!("{}Z", utc_time(unix_now()))
}

// ---- what the clients share -----------------------------------------------------------------

/// An order the server acknowledged (201): what was sent and what it answered.
struct Ack {
    key: String,
    body: Vec<u8>,
    code: String,
    tracking_path: String,
    secret: String,
    total: Rupiah,
    parts: Vec<Part>,
}

/// One IKM's part as sent: product, quantity and note of each line.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Part {
    ikm: String,
    lines: Vec<(String, u32, String)>,
}

impl Part {
    fn new<'a>(ikm: &Slug, lines: impl Iterator<Item = (Option<&'a Slug>, u32, &'a str)>) -> Part {
        Part {
            ikm: ikm.to_string(),
            lines: lines
                .map(|(product, quantity, note)| {
                    let product = product.map(Slug::to_string).unwrap_or_default();
                    (product, quantity, note.to_owned())
                })
                .collect(),
        }
    }
}

fn expected_parts(valid: &ValidRequest) -> Vec<Part> {
    valid
        .parts
        .iter()
        .map(|p| {
            let lines = p
                .lines
                .iter()
                .map(|l| (Some(&l.product), l.quantity, l.note.as_str()));
            Part::new(&p.ikm, lines)
        })
        .collect()
}

fn tracked_parts(tracking: &Tracking) -> Vec<Part> {
    tracking
        .parts
        .iter()
        .map(|p| {
            let lines = p
                .lines
                .iter()
                .map(|l| (l.product.as_ref(), l.quantity, l.note.as_str()));
            Part::new(&p.ikm, lines)
        })
        .collect()
}

#[derive(Default)]
struct Figures {
    keys: AtomicU64,
    acknowledged: AtomicU64,
    /// Order submissions that lost their answer to a kill and were sent again.
    answers_lost: AtomicU64,
    /// ... of which the server had stored the order before it died (the retry was a replay).
    stored_before_kill: AtomicU64,
    double_submits: AtomicU64,
    replays_checked: AtomicU64,
    tracking_checked: AtomicU64,
    no_answer: AtomicU64,
    timeouts: AtomicU64,
    server_errors: AtomicU64,
    listed_codes: AtomicU64,
    /// Problems that are neither a 5xx nor a lost or duplicated order.
    other_problems: AtomicU64,
}

fn bump(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::SeqCst);
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

struct Chaos {
    addr: String,
    origin: String,
    catalog: Catalog,
    today: Date,
    admin_password: String,
    /// (IKM slug = user name, password)
    ikm_accounts: Vec<(String, String)>,
    acks: Mutex<Vec<Arc<Ack>>>,
    /// (action, outcome) → count; outcome is the status or "no answer".
    tally: Mutex<BTreeMap<(String, String), u64>>,
    figures: Figures,
    failures: Mutex<Vec<String>>,
    lost_keys: Mutex<BTreeSet<String>>,
    duplicates: Mutex<BTreeSet<String>>,
    in_flight: AtomicI64,
    /// The round is over: finish the action at hand (retrying its order until answered).
    stop: AtomicBool,
    /// The server cannot come back: give up at once.
    abort: AtomicBool,
    started: Instant,
}

impl Chaos {
    fn new(addr: &str, credentials: &Path) -> Result<Chaos> {
        let text = std::fs::read_to_string(credentials)
            .map_err(|e| format!("{}: {e}", credentials.display()))?;
        let mut admin_password = None;
        let mut ikm_accounts = Vec::new();
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let fields: Vec<&str> = line.split('\t').collect();
            match fields.as_slice() {
                ["admin", "disperindag", password, ..] => {
                    admin_password = Some((*password).to_owned())
                }
                ["ikm", user, password, ..] => {
                    ikm_accounts.push(((*user).to_owned(), (*password).to_owned()))
                }
                _ => {}
            }
        }
        let admin_password =
            admin_password.ok_or("no admin `disperindag` in the demo credentials")?;
        if ikm_accounts.is_empty() {
            return Err("no IKM accounts in the demo credentials".into());
        }
        let reply = exchange(addr, "GET", etalase_core::api::CATALOG_PATH, &[], b"")
            .map_err(|_| "no answer to GET /api/v1/catalog")?;
        let catalog: Catalog = reply.json()?;
        if catalog.products.is_empty() {
            return Err("the catalog has no products".into());
        }
        Ok(Chaos {
            addr: addr.to_owned(),
            origin: format!("http://{addr}"),
            catalog,
            today: today_wib(),
            admin_password,
            ikm_accounts,
            acks: Mutex::default(),
            tally: Mutex::default(),
            figures: Figures::default(),
            failures: Mutex::default(),
            lost_keys: Mutex::default(),
            duplicates: Mutex::default(),
            in_flight: AtomicI64::new(0),
            stop: AtomicBool::new(false),
            abort: AtomicBool::new(false),
            started: Instant::now(),
        })
    }

    fn acks(&self) -> Vec<Arc<Ack>> {
        lock(&self.acks).clone()
    }

    fn failures(&self) -> Vec<String> {
        lock(&self.failures).clone()
    }

    fn fail(&self, what: String) {
        bump(&self.figures.other_problems);
        self.record(what);
    }

    fn record(&self, what: String) {
        let mut failures = lock(&self.failures);
        if failures.len() < 3 {
            eprintln!("    FAIL: {what}");
        }
        failures.push(what);
    }

    fn lost(&self, ack: &Ack, what: String) {
        lock(&self.lost_keys).insert(ack.key.clone());
        self.record(format!("LOST order {} (key {}): {what}", ack.code, ack.key));
    }

    fn duplicate(&self, code: &str, what: String) {
        lock(&self.duplicates).insert(code.to_owned());
        self.record(format!("DUPLICATE {code}: {what}"));
    }

    /// One request, counted under `action`; a status of 500 or more is written down whole.
    fn call(
        &self,
        action: &str,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> std::result::Result<Reply, NoAnswer> {
        let at = now_utc();
        let elapsed = self.started.elapsed().as_secs_f64();
        self.in_flight.fetch_add(1, Ordering::SeqCst);
        let result = exchange(&self.addr, method, path, headers, body);
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
        let outcome = match &result {
            Ok(reply) => reply.status.to_string(),
            Err(e) if e.timed_out => "timeout".to_owned(),
            Err(_) => "no answer".to_owned(),
        };
        *lock(&self.tally)
            .entry((action.to_owned(), outcome))
            .or_default() += 1;
        match &result {
            Ok(reply) if reply.status >= 500 => {
                bump(&self.figures.server_errors);
                let sent: Vec<String> = headers
                    .iter()
                    .filter(|(k, _)| *k != "Cookie")
                    .map(|(k, v)| format!("{k}: {v}"))
                    .collect();
                self.record(format!(
                    "{method} {path} answered {} at {at} (+{elapsed:.1} s)\n      request headers: \
                     {}\n      request body: {}\n      response: {}",
                    reply.status,
                    sent.join("; "),
                    clip(&String::from_utf8_lossy(body), 300),
                    reply.text()
                ));
            }
            Ok(_) => {}
            Err(e) => {
                bump(&self.figures.no_answer);
                if e.timed_out {
                    bump(&self.figures.timeouts);
                    self.fail(format!(
                        "{method} {path}: no answer within {ANSWER_TIMEOUT:?} (sent at {at})"
                    ));
                }
            }
        }
        result
    }

    /// A 4xx other than a conflict, a throttle or a lost session: the client asked wrongly.
    fn unexpected(&self, action: &str, reply: &Reply) {
        if !matches!(reply.status, 409 | 429 | 401) && reply.status < 500 {
            self.fail(format!(
                "{action}: unexpected {} {} (a bug in the chaos client or the server)",
                reply.status,
                reply.text()
            ));
        }
    }

    fn login(&self, username: &str, password: &str) -> Option<String> {
        let body = serde_json::to_vec(&LoginInput {
            username: username.to_owned(),
            password: password.to_owned(),
        })
        .ok()?;
        let headers = [
            ("Content-Type", "application/json"),
            ("Origin", self.origin.as_str()),
        ];
        let reply = self
            .call("login", "POST", "/api/v1/auth/login", &headers, &body)
            .ok()?;
        if reply.status != 200 {
            self.unexpected(&format!("login {username}"), &reply);
            return None;
        }
        let cookie = reply
            .headers
            .iter()
            .filter(|(k, _)| k == "set-cookie")
            .filter_map(|(_, v)| v.split(';').next())
            .find(|pair| pair.starts_with("etalase_sesi=") || pair.starts_with("__Host-"));
        if cookie.is_none() {
            self.fail(format!("login {username}: 200 without a session cookie"));
        }
        cookie.map(str::to_owned)
    }

    /// Sends an order until it is answered: a kill costs the answer, never the order.
    fn submit(&self, key: &str, body: &[u8]) -> Option<OrderCreated> {
        let headers = [
            ("Content-Type", "application/json"),
            ("Idempotency-Key", key),
        ];
        let started = Instant::now();
        let mut lost = false;
        let mut errors = 0;
        loop {
            if self.abort.load(Ordering::SeqCst) {
                return None;
            }
            match self.call("order", "POST", ORDERS, &headers, body) {
                Ok(reply) if reply.status == 201 => {
                    if lost {
                        bump(&self.figures.answers_lost);
                        if reply.header("idempotent-replayed") == Some("true") {
                            bump(&self.figures.stored_before_kill);
                        }
                    }
                    return match reply.json::<OrderCreated>() {
                        Ok(created) => Some(created),
                        Err(e) => {
                            self.fail(format!("order {key}: 201 with {e}"));
                            None
                        }
                    };
                }
                // Written down by `call`; the same key again must still come out right.
                Ok(reply) if reply.status >= 500 && errors < 5 => {
                    errors += 1;
                    std::thread::sleep(Duration::from_millis(200));
                }
                Ok(reply) => {
                    if reply.status < 500 {
                        self.fail(format!(
                            "order {key}: unexpected {} {} (a 409 price_changed or a 422 is a \
                             bug in the chaos client)",
                            reply.status,
                            reply.text()
                        ));
                    }
                    return None;
                }
                Err(_) => {
                    lost = true;
                    if started.elapsed() > GIVE_UP {
                        self.fail(format!("order {key}: no answer for {GIVE_UP:?}"));
                        return None;
                    }
                    std::thread::sleep(Duration::from_millis(100));
                }
            }
        }
    }

    /// A request that must be answered now (no kill is under way): a few tries.
    fn call_calm(
        &self,
        action: &str,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Option<Reply> {
        for _ in 0..3 {
            if let Ok(reply) = self.call(action, method, path, headers, body) {
                return Some(reply);
            }
            std::thread::sleep(Duration::from_millis(300));
        }
        self.fail(format!(
            "{method} {path}: no answer from a server that is up"
        ));
        None
    }

    /// Every acknowledged order, again: its key answers the same code and tracking link, and
    /// its tracking page shows what was ordered.
    fn verify_all(&self, threads: usize) {
        let acks = self.acks();
        let next = AtomicUsize::new(0);
        std::thread::scope(|s| {
            for _ in 0..threads {
                s.spawn(|| loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(ack) = acks.get(i) else { break };
                    self.verify(ack);
                });
            }
        });
    }

    fn verify(&self, ack: &Ack) {
        let headers = [
            ("Content-Type", "application/json"),
            ("Idempotency-Key", ack.key.as_str()),
        ];
        if let Some(reply) = self.call_calm("replay", "POST", ORDERS, &headers, &ack.body) {
            bump(&self.figures.replays_checked);
            if reply.status != 201 {
                self.lost(
                    ack,
                    format!("its key now answers {} {}", reply.status, reply.text()),
                );
            } else {
                match reply.json::<OrderCreated>() {
                    Ok(c) if c.code == ack.code && c.tracking_path == ack.tracking_path => {
                        if reply.header("idempotent-replayed") != Some("true") {
                            self.fail(format!(
                                "key {}: the replay of {} is not marked idempotent-replayed",
                                ack.key, ack.code
                            ));
                        }
                    }
                    Ok(c) => self.duplicate(
                        &ack.code,
                        format!(
                            "key {} first answered {} {}, now {} {}",
                            ack.key, ack.code, ack.tracking_path, c.code, c.tracking_path
                        ),
                    ),
                    Err(e) => self.fail(format!("replay of key {}: {e}", ack.key)),
                }
            }
        }
        let path = format!("{ORDERS}/{}?t={}", ack.code, ack.secret);
        let Some(reply) = self.call_calm("tracking", "GET", &path, &[], b"") else {
            return;
        };
        bump(&self.figures.tracking_checked);
        if reply.status != 200 {
            self.lost(
                ack,
                format!("tracking answers {} {}", reply.status, reply.text()),
            );
            return;
        }
        match reply.json::<Tracking>() {
            Ok(t) => {
                let parts = tracked_parts(&t);
                if t.code != ack.code || t.total != ack.total || parts != ack.parts {
                    self.lost(
                        ack,
                        format!(
                            "tracking shows {} total {} parts {parts:?}; sent total {} parts {:?}",
                            t.code, t.total, ack.total, ack.parts
                        ),
                    );
                }
            }
            Err(e) => self.fail(format!("tracking {}: {e}", ack.code)),
        }
    }

    /// The admin's list of every order against the acknowledged keys: one code per key, no
    /// code for two keys, no stored order that no key was answered with.
    fn check_no_duplicates(&self) {
        let Some(cookie) = self.login("disperindag", &self.admin_password) else {
            self.fail("the admin could not log in to list the orders".into());
            return;
        };
        // code → (IKM → rows)
        let mut listed: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
        let mut cursor: Option<String> = None;
        let mut seen_cursors = BTreeSet::new();
        for page in 0.. {
            let mut path = "/api/v1/admin/orders?limit=100".to_owned();
            if let Some(c) = &cursor {
                path.push_str(&format!("&cursor={}", percent_encode(c)));
            }
            let Some(reply) = self.call_calm(
                "admin order list",
                "GET",
                &path,
                &[("Cookie", &cookie)],
                b"",
            ) else {
                return;
            };
            if reply.status != 200 {
                self.fail(format!(
                    "GET {path}: {} {} (page {page})",
                    reply.status,
                    reply.text()
                ));
                return;
            }
            let value: serde_json::Value = match reply.json() {
                Ok(v) => v,
                Err(e) => return self.fail(format!("GET {path}: {e}")),
            };
            let Some(rows) = value["orders"].as_array() else {
                return self.fail(format!("GET {path}: no `orders` list"));
            };
            for row in rows {
                let code = row["code"].as_str().unwrap_or_default().to_owned();
                let ikm = row["ikm"].as_str().unwrap_or_default().to_owned();
                *listed.entry(code).or_default().entry(ikm).or_default() += 1;
            }
            cursor = match &value["next_cursor"] {
                serde_json::Value::String(s) if !s.is_empty() => Some(s.clone()),
                serde_json::Value::Number(n) => Some(n.to_string()),
                _ => None,
            };
            match &cursor {
                None => break,
                Some(c) if !seen_cursors.insert(c.clone()) => {
                    return self.fail(format!("GET {path}: next_cursor {c} came twice"));
                }
                Some(_) => {}
            }
        }
        self.figures
            .listed_codes
            .store(listed.len() as u64, Ordering::SeqCst);
        let acks = self.acks();
        let mut key_of: BTreeMap<&str, &str> = BTreeMap::new();
        for ack in &acks {
            if let Some(other) = key_of.insert(&ack.code, &ack.key) {
                self.duplicate(
                    &ack.code,
                    format!("answered to two keys, {other} and {}", ack.key),
                );
            }
            let expected: BTreeMap<String, usize> =
                ack.parts.iter().map(|p| (p.ikm.clone(), 1)).collect();
            match listed.get(&ack.code) {
                None => self.lost(ack, "missing from the admin's order list".into()),
                Some(parts) if *parts != expected => self.duplicate(
                    &ack.code,
                    format!("listed with parts {parts:?}, sent {expected:?}"),
                ),
                Some(_) => {}
            }
        }
        for code in listed.keys() {
            if !key_of.contains_key(code.as_str()) {
                self.duplicate(
                    code,
                    "stored, but no key was ever answered with it (an order stored twice?)".into(),
                );
            }
        }
        if listed.len() != key_of.len() {
            self.fail(format!(
                "{} distinct codes listed for {} acknowledged keys",
                listed.len(),
                key_of.len()
            ));
        }
    }

    fn report(
        &self,
        options: &Options,
        kills: usize,
        wall: Duration,
        log_lines: &[String],
        work: &Path,
    ) {
        let f = &self.figures;
        let n = |c: &AtomicU64| c.load(Ordering::SeqCst);
        let tally = lock(&self.tally).clone();
        let outcomes = |prefix: &str| -> String {
            let mut by: BTreeMap<&str, BTreeMap<&str, u64>> = BTreeMap::new();
            for ((action, outcome), count) in &tally {
                if let Some(name) = action.strip_prefix(prefix) {
                    *by.entry(name).or_default().entry(outcome).or_default() += count;
                }
            }
            let parts: Vec<String> = by
                .iter()
                .map(|(name, outcomes)| {
                    let o: Vec<String> = outcomes.iter().map(|(s, c)| format!("{s}×{c}")).collect();
                    format!("{name} {}", o.join(" ")).trim().to_owned()
                })
                .collect();
            if parts.is_empty() {
                "none".to_owned()
            } else {
                parts.join("; ")
            }
        };
        let requests: u64 = tally.values().sum();
        let lost = lock(&self.lost_keys).len();
        let duplicates = lock(&self.duplicates).len();
        let failures = self.failures();
        if !failures.is_empty() {
            println!(
                "\nProblems: {}, by kind (each with its first occurrence):",
                failures.len()
            );
            for (count, example) in by_kind(&failures).iter().take(10) {
                println!("  {count:>5} × {example}");
            }
        }
        if !log_lines.is_empty() {
            println!(
                "\nServer log: {} error lines (logs in {}), by message:",
                log_lines.len(),
                work.display()
            );
            for (count, example) in by_message(log_lines).iter().take(12) {
                println!("  {count:>5} × {}", clip(example, 400));
            }
        }
        let rows: Vec<(&str, String)> = vec![
            ("rounds", options.rounds.to_string()),
            ("SIGKILLs (each followed by a restart)", kills.to_string()),
            ("clients", options.clients.to_string()),
            ("seed (--seed)", options.seed.to_string()),
            ("requests", requests.to_string()),
            (
                "requests cut by a kill (no answer)",
                n(&f.no_answer).to_string(),
            ),
            ("idempotency keys sent", n(&f.keys).to_string()),
            ("orders acknowledged (201)", n(&f.acknowledged).to_string()),
            (
                "answers lost to a kill, retried",
                format!(
                    "{} ({} had been stored: answered as a replay)",
                    n(&f.answers_lost),
                    n(&f.stored_before_kill)
                ),
            ),
            (
                "same key sent twice at once",
                format!("{} (one code each)", n(&f.double_submits)),
            ),
            (
                "replays checked (same code and link)",
                n(&f.replays_checked).to_string(),
            ),
            (
                "tracking pages checked (same lines)",
                n(&f.tracking_checked).to_string(),
            ),
            ("codes in the admin's list", n(&f.listed_codes).to_string()),
            ("desk actions", outcomes("desk ")),
            ("partner cancels", outcomes("partner ")),
            ("admin", outcomes("admin ")),
            ("logins", outcomes("login")),
            (
                "responses ≥ 500 (must be 0)",
                n(&f.server_errors).to_string(),
            ),
            (
                "answers that never came (must be 0)",
                n(&f.timeouts).to_string(),
            ),
            ("duplicated orders (must be 0)", duplicates.to_string()),
            ("lost orders (must be 0)", lost.to_string()),
            (
                "other problems (must be 0)",
                n(&f.other_problems).to_string(),
            ),
            ("wall time", format!("{:.1} s", wall.as_secs_f64())),
        ];
        println!("\nChaos figures");
        for (name, value) in rows {
            println!("  {name:<40} {value}");
        }
    }
}

// ---- one client -----------------------------------------------------------------------------

/// A client: mostly a partner ordering; sometimes an IKM at its desk, a partner cancelling a
/// part, or the admin verifying an IKM and reading the order list.
struct Client<'a> {
    chaos: &'a Chaos,
    id: usize,
    rng: Rng,
    /// The IKM desks this client works: (slug, password, session cookie).
    desks: Vec<(String, String, Option<String>)>,
    admin: Option<String>,
    made: u64,
}

impl<'a> Client<'a> {
    fn new(chaos: &'a Chaos, id: usize, clients: usize, seed: u64) -> Client<'a> {
        let accounts = &chaos.ikm_accounts;
        let mut desks: Vec<(String, String, Option<String>)> = accounts
            .iter()
            .enumerate()
            .filter(|(j, _)| j % clients == id)
            .map(|(_, (u, p))| (u.clone(), p.clone(), None))
            .collect();
        if desks.is_empty() {
            let (u, p) = &accounts[id % accounts.len()];
            desks.push((u.clone(), p.clone(), None));
        }
        Client {
            chaos,
            id,
            rng: Rng::new(seed),
            desks,
            admin: None,
            made: 0,
        }
    }

    /// Acts until the round stops, or `actions` times.
    fn run(&mut self, actions: Option<usize>) {
        let mut done = 0;
        loop {
            if self.chaos.abort.load(Ordering::SeqCst) {
                break;
            }
            match actions {
                None if self.chaos.stop.load(Ordering::SeqCst) => break,
                Some(n) if done >= n => break,
                _ => {}
            }
            done += 1;
            match self.rng.below(100) {
                0..=59 => self.order(),
                60..=79 => self.desk(),
                80..=89 => self.cancel(),
                _ => self.admin(),
            }
        }
    }

    fn random_request(&mut self) -> RequestInput {
        let catalog = &self.chaos.catalog;
        let count = 1 + self.rng.below(3);
        let mut lines: Vec<LineInput> = Vec::new();
        let mut longest = 0;
        while lines.len() < count {
            let product = &catalog.products[self.rng.below(catalog.products.len())];
            if lines.iter().any(|l| l.product == product.slug.as_str()) {
                continue;
            }
            let quantity = product.min_order + product.order_increment * self.rng.below(3) as u32;
            longest = longest.max(product.lead_time_days);
            let note = if self.rng.below(4) == 0 {
                format!("catatan {}", self.rng.below(1000))
            } else {
                String::new()
            };
            lines.push(LineInput {
                product: product.slug.to_string(),
                quantity,
                note,
                seen_unit_price: Some(product.unit_price(quantity)),
            });
        }
        let n = self.rng.next() % 100_000_000;
        RequestInput {
            company: format!("CV Uji Ketahanan {}-{}", self.id, self.made),
            buyer_type: Some(BuyerType::ALL[self.rng.below(BuyerType::ALL.len())]),
            npwp: if self.rng.below(2) == 0 {
                "01.234.567.8-901.000".into()
            } else {
                String::new()
            },
            contact_person: "Rina Marlina".into(),
            phone: format!("081{}{n:08}", 1 + self.rng.below(9)),
            email: format!("pembeli{}@contoh.co.id", self.id),
            address: format!("Jl. Uji No. {}", self.made + 1),
            kabupaten: Some(Kabupaten::ALL[self.rng.below(Kabupaten::ALL.len())]),
            needed_by: self
                .chaos
                .today
                .add_days(i64::from(longest) + 14 + self.rng.below(30) as i64)
                .to_string(),
            purpose: "Uji chaos".into(),
            notes: String::new(),
            lines,
        }
    }

    fn order(&mut self) {
        let chaos = self.chaos;
        let input = self.random_request();
        let valid = match validate_request(&input, &chaos.catalog, chaos.today) {
            Ok(v) => v,
            Err(e) => {
                return chaos.fail(format!(
                    "chaos made a request core refuses (a bug in chaos.rs): {e:?}"
                ))
            }
        };
        let key = format!(
            "chaos-{:02}-{:06}-{:08x}",
            self.id,
            self.made,
            self.rng.next() as u32
        );
        self.made += 1;
        let body = match serde_json::to_vec(&input) {
            Ok(b) => b,
            Err(e) => return chaos.fail(format!("request to JSON: {e}")),
        };
        bump(&chaos.figures.keys);
        // Now and then the same key twice at once, like a double tap on "Ajukan".
        let twice = self.rng.below(100) < 8;
        let answers: Vec<OrderCreated> = if twice {
            std::thread::scope(|s| {
                let twin = s.spawn(|| chaos.submit(&key, &body));
                let mine = chaos.submit(&key, &body);
                [mine, twin.join().unwrap_or(None)]
                    .into_iter()
                    .flatten()
                    .collect()
            })
        } else {
            chaos.submit(&key, &body).into_iter().collect()
        };
        let Some(created) = answers.first() else {
            return;
        };
        if twice {
            bump(&chaos.figures.double_submits);
            if let Some(other) = answers
                .iter()
                .find(|c| c.code != created.code || c.tracking_path != created.tracking_path)
            {
                chaos.duplicate(
                    &other.code,
                    format!(
                        "key {key} sent twice at once answered {} and {}",
                        created.code, other.code
                    ),
                );
            }
        }
        let parts = expected_parts(&valid);
        let answered_ikm: Vec<&str> = created.parts.iter().map(|p| p.ikm.as_str()).collect();
        let sent_ikm: Vec<&str> = parts.iter().map(|p| p.ikm.as_str()).collect();
        if created.total != valid.total || answered_ikm != sent_ikm {
            chaos.fail(format!(
                "order {key}: answered {} total {} for {answered_ikm:?}; core says {} for {sent_ikm:?}",
                created.code, created.total, valid.total
            ));
        }
        let Some((_, secret)) = created.tracking_path.split_once("?t=") else {
            return chaos.fail(format!(
                "order {key}: tracking path {} has no secret",
                created.tracking_path
            ));
        };
        bump(&chaos.figures.acknowledged);
        lock(&chaos.acks).push(Arc::new(Ack {
            key,
            body,
            code: created.code.clone(),
            tracking_path: created.tracking_path.clone(),
            secret: secret.to_owned(),
            total: created.total,
            parts,
        }));
    }

    fn desk_session(&mut self, i: usize) -> Option<String> {
        if self.desks[i].2.is_none() {
            let (user, password, _) = &self.desks[i];
            self.desks[i].2 = self.chaos.login(user, password);
        }
        self.desks[i].2.clone()
    }

    /// An IKM opens its inbox and moves one open order a step: confirm or decline a new one,
    /// start, ship or complete the others.
    fn desk(&mut self) {
        let chaos = self.chaos;
        let i = self.rng.below(self.desks.len());
        let Some(cookie) = self.desk_session(i) else {
            return;
        };
        let Ok(reply) = chaos.call(
            "desk inbox",
            "GET",
            etalase_core::api::DESK_ORDERS_PATH,
            &[("Cookie", &cookie)],
            b"",
        ) else {
            return;
        };
        if reply.status == 401 {
            self.desks[i].2 = None;
        }
        if reply.status != 200 {
            return chaos.unexpected("desk inbox", &reply);
        }
        let inbox: Inbox = match reply.json() {
            Ok(inbox) => inbox,
            Err(e) => return chaos.fail(format!("desk inbox: {e}")),
        };
        let open: Vec<_> = inbox
            .orders
            .iter()
            .filter(|o| !o.status.is_final())
            .collect();
        if open.is_empty() {
            return;
        }
        let order = open[self.rng.below(open.len())];
        let event = match order.status {
            OrderStatus::Baru if self.rng.below(10) < 7 => OrderEvent::Confirm {
                prices: vec![],
                lead_time_days: None,
            },
            OrderStatus::Baru => OrderEvent::Decline {
                reason: "stok habis".into(),
            },
            OrderStatus::Dikonfirmasi => OrderEvent::StartProduction,
            OrderStatus::Diproses => OrderEvent::Ship {
                courier: "JNE".into(),
                receipt: format!("JN{:010}", self.rng.next() % 10_000_000_000),
            },
            OrderStatus::Dikirim => OrderEvent::Complete,
            _ => return,
        };
        let Ok(body) = serde_json::to_vec(&event) else {
            return;
        };
        let action = format!("desk {}", event.name());
        let headers = [
            ("Cookie", cookie.as_str()),
            ("Origin", chaos.origin.as_str()),
            ("Content-Type", "application/json"),
        ];
        let path = etalase_core::api::desk_events_path(&order.code);
        if let Ok(reply) = chaos.call(&action, "POST", &path, &headers, &body) {
            if reply.status == 401 {
                self.desks[i].2 = None;
            }
            if reply.status != 200 {
                chaos.unexpected(&action, &reply);
            }
        }
    }

    /// A partner cancels one IKM's part of a recent order through its tracking secret.
    fn cancel(&mut self) {
        let chaos = self.chaos;
        let ack = {
            let acks = lock(&chaos.acks);
            if acks.is_empty() {
                return;
            }
            let from = acks.len().saturating_sub(50);
            acks[from + self.rng.below(acks.len() - from)].clone()
        };
        let part = &ack.parts[self.rng.below(ack.parts.len())];
        let Ok(body) = serde_json::to_vec(&CancelPart {
            secret: ack.secret.clone(),
        }) else {
            return;
        };
        let path = format!("{ORDERS}/{}/parts/{}/cancel", ack.code, part.ikm);
        let headers = [("Content-Type", "application/json")];
        if let Ok(reply) = chaos.call("partner cancel", "POST", &path, &headers, &body) {
            if reply.status != 200 {
                chaos.unexpected("partner cancel", &reply);
            }
        }
    }

    /// The admin marks an IKM verified or not, or reads the list of new orders.
    fn admin(&mut self) {
        let chaos = self.chaos;
        if self.admin.is_none() {
            self.admin = chaos.login("disperindag", &chaos.admin_password);
        }
        let Some(cookie) = self.admin.clone() else {
            return;
        };
        let result = if self.rng.below(2) == 0 {
            let ikm = &chaos.catalog.ikm[self.rng.below(chaos.catalog.ikm.len())];
            let Ok(body) = serde_json::to_vec(&SetFlag {
                value: self.rng.below(2) == 0,
            }) else {
                return;
            };
            let headers = [
                ("Cookie", cookie.as_str()),
                ("Origin", chaos.origin.as_str()),
                ("Content-Type", "application/json"),
            ];
            let path = format!("/api/v1/admin/ikm/{}/verified", ikm.slug);
            (
                "admin verify",
                chaos.call("admin verify", "POST", &path, &headers, &body),
            )
        } else {
            let path = "/api/v1/admin/orders?status=baru";
            let headers = [("Cookie", cookie.as_str())];
            (
                "admin order list",
                chaos.call("admin order list", "GET", path, &headers, b""),
            )
        };
        if let (action, Ok(reply)) = result {
            if reply.status == 401 {
                self.admin = None;
            }
            if reply.status != 200 {
                chaos.unexpected(action, &reply);
            }
        }
    }
}

/// SplitMix64: reproducible from `--seed`, no dependency.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// 0..n
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    /// lo..=hi
    fn between(&mut self, (lo, hi): (u64, u64)) -> u64 {
        lo + self.next() % (hi.saturating_sub(lo) + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_parse() {
        let args = |s: &str| s.split_whitespace().map(String::from).collect::<Vec<_>>();
        let o = Options::parse(&args("--rounds 3 --clients 4 --seed 7")).unwrap();
        assert_eq!((o.rounds, o.clients, o.seed), (3, 4, 7));
        assert_eq!(Options::parse(&args("--short")).unwrap().rounds, 2);
        assert!(Options::parse(&args("--rounds")).is_err());
        assert!(Options::parse(&args("--bogus")).is_err());
    }
}
