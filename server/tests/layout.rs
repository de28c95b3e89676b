//! The server's arrangement holds: SQL only in `store/`, and each area folder uses only the
//! folders before it (no import cycles: `accounts` and `orders` once imported each other, and
//! the admin leaned on the desk).

use std::path::{Path, PathBuf};

/// The folders in dependency order: each may use itself and those before it, plus the crate
/// root's shared state (`AppState`), `clock` and `config`.
const LAYERS: [&str; 9] = [
    "store", "web", "catalog", "accounts", "orders", "needs", "desk", "admin", "pages",
];

fn src() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The file's folder under `src/`, or `None` for the crate root's own files.
fn folder_of(file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src()).unwrap();
    let mut parts = rel.components();
    let first = parts.next()?.as_os_str().to_string_lossy().into_owned();
    parts.next().map(|_| first)
}

/// Every `crate::<name>` the text names.
fn crate_paths(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        out.push(name);
    }
    out
}

#[test]
fn each_area_uses_only_the_areas_before_it() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut wrong = Vec::new();
    for file in &files {
        let Some(folder) = folder_of(file) else {
            continue;
        };
        let Some(rank) = LAYERS.iter().position(|l| *l == folder) else {
            wrong.push(format!("{}: a folder not in LAYERS", file.display()));
            continue;
        };
        let text = std::fs::read_to_string(file).unwrap();
        for used in crate_paths(&text) {
            if let Some(used_rank) = LAYERS.iter().position(|l| *l == used) {
                if used_rank > rank {
                    wrong.push(format!(
                        "{}: {folder} uses crate::{used}, which comes after it",
                        file.display()
                    ));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // The check would see a violation: a file naming a later area fails it.
    assert_eq!(crate_paths("use crate::pages::spa;"), ["pages"]);
}

#[test]
fn no_sql_outside_the_storage_layer() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let store = src().join("store");
    let mut wrong = Vec::new();
    for file in files.iter().filter(|f| !f.starts_with(&store)) {
        let text = std::fs::read_to_string(file).unwrap();
        for (n, line) in text.lines().enumerate() {
            let sql = [
                "sqlx::query",
                "query_as(",
                "query_scalar(",
                "\"SELECT ",
                "\"INSERT INTO ",
                "\"UPDATE ",
                "\"DELETE FROM ",
            ]
            .iter()
            .any(|s| line.contains(s));
            if sql {
                wrong.push(format!("{}:{}: {}", file.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "SQL outside src/store:\n{}",
        wrong.join("\n")
    );
}
