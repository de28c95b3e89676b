//! `cargo xtask …`: set up the toolchain, build, serve and test Etalase with one command each.

mod art;
mod bench;
mod build;
mod chaos;
mod export;
mod fuzz;
mod postgres;
mod test;
mod tools;
mod util;

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  serve   install what is missing, build, and run the storefront at http://127.0.0.1:8080
  build   the release SPA into dist/ and the release server binary
  test    everything CI runs: fmt, clippy (native + wasm32), native tests, browser tests,
          end-to-end tests against the real server in Chromium
  test-postgres
          only the server's tests on PostgreSQL (a throwaway cluster it starts and removes;
          `test` runs them too)
  e2e     only the end-to-end journeys (builds the SPA first)
  export  <dir> [--public-url URL] [--needs-from URL] [--needs-whatsapp 08…]: the storefront
          as files for a static host (no backend; ordering goes to each IKM over WhatsApp; the
          needs board copied read-only from a running site, offers over WhatsApp to Disperindag)
  setup   only install the tools (wasm32 target, trunk, wasm-bindgen, wasm-opt, chromium)
  bench   [lighthouse|search|catalog|load|server-search ...] [--short]: benchmarks against the
          release server, all figures in one table against #11's budgets (no name: all).
          lighthouse: mobile Lighthouse on every storefront page, seed and 10,000-product
          catalogs; search: a keystroke in the search box at 10,000 products beside
          MiniSearch and FlexSearch; catalog: catalog GET vs nginx serving the same bytes
          (wrk); load: the catalog's figures, then order POSTs from 64 clients, tracking GETs and
          an IKM's desk inbox at 10,000 stored orders, on SQLite and on a throwaway PostgreSQL
          (wrk); server-search: /api/v1/search's Server-Timing at 10,000 products. Fails when
          a figure is over budget. --short is CI's pass (few iterations, seed catalog for
          Lighthouse; timings reported, byte sizes checked against their CI ceiling)
  chaos   [--rounds N] [--clients N] [--short] [--seed N]: N clients (16) order and work the
          desk while the server is SIGKILLed at random moments N times (5) and restarted;
          checks no acknowledged order is lost or stored twice and no answer is >= 500.
          --short is CI's pass (2 kills)
  fuzz    [--calls N] [--short] [--seed N] [--workers N] [--schema FILE]: schemathesis
          (pinned, from PyPI into target/fuzz-venv) fuzzes every operation of the server's
          /api/v1/openapi.json on a fresh server, anonymously and with an IKM's and the
          admin's sessions: >= N calls (5,000), no answer >= 500, none off the document, no
          dropped connection. --short is CI's pass (>= 1,000; the coverage phase alone makes
          ~4,700, about 1.5 min); --schema uses a document from a file instead of the server's
  art     draw pictures for products without photos (public/img/produk/) and list them
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("serve") => build::serve(),
        Some("build") => build::build_all(),
        Some("test") => test::run_all(),
        Some("test-postgres") => test::server_tests_on_postgres(),
        Some("e2e") => test::e2e_only(),
        Some("export") => export::run(&args[1..]),
        Some("setup") => tools::ensure(tools::Need::All),
        Some("art") => art::run(),
        Some("bench") => bench::run_cli(&args[1..]),
        Some("chaos") => chaos::run_cli(&args[1..]),
        Some("fuzz") => fuzz::run_cli(&args[1..]),
        Some("-h" | "--help" | "help") => {
            print!("{USAGE}");
            Ok(())
        }
        other => {
            eprint!(
                "{}{USAGE}",
                other.map_or(String::new(), |c| format!("unknown command: {c}\n\n"))
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("\nxtask: error: {err}");
            ExitCode::FAILURE
        }
    }
}
