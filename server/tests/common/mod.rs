//! Test helpers: every test gets its own server on port 0, a fresh temporary database and a
//! stand-in `dist/`.
#![allow(dead_code)]

use etalase_server::config::Config;
use std::path::{Path, PathBuf};

pub const INDEX: &str = "<!doctype html><html><body><p>etalase-shell</p></body></html>";

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub state: etalase_server::AppState,
    pub dir: tempfile::TempDir,
}

pub fn seed_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../data/catalog.json")
}

pub fn config_in(dir: &Path, seed: PathBuf) -> Config {
    Config {
        addr: "127.0.0.1:0".into(),
        database_url: format!("sqlite://{}", dir.join("db/etalase.db").display()),
        dist: dir.join("dist"),
        seed,
        public_url: None,
    }
}

pub async fn spawn_app() -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("dist")).unwrap();
    std::fs::write(dir.path().join("dist/index.html"), INDEX).unwrap();
    std::fs::write(
        dir.path().join("dist/etalase-0123456789abcdef_bg.wasm"),
        b"\0asm",
    )
    .unwrap();
    let config = config_in(dir.path(), seed_path());
    let state = etalase_server::build_state(&config).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = etalase_server::app(state.clone());
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    TestApp {
        base: format!("http://{addr}"),
        client: reqwest::Client::new(),
        state,
        dir,
    }
}

impl TestApp {
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap()
    }
}
