//! The one typed client of our API: every call checks the status, decodes our JSON error
//! body on failure, and never panics on what the network returns.

use crate::json;
use etalase_core::api::ApiError;
use etalase_core::search::SearchIndex;
use etalase_core::Catalog;
use gloo_net::http::Request;
use serde::de::DeserializeOwned;
use std::fmt;
use std::ops::Deref;

#[derive(Clone, Debug, PartialEq)]
pub enum FetchError {
    /// No answer: offline, DNS, connection reset.
    Network(String),
    /// The server answered with our JSON error body.
    Api { status: u16, error: ApiError },
    /// The server answered an error without our body (a proxy, a crash).
    Status(u16),
    /// The answer was not the JSON we expect.
    Decode(String),
}

impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FetchError::Network(e) => write!(f, "network: {e}"),
            FetchError::Api { status, error } => write!(f, "{status}: {}", error.message),
            FetchError::Status(status) => write!(f, "HTTP {status}"),
            FetchError::Decode(e) => write!(f, "decode: {e}"),
        }
    }
}

impl std::error::Error for FetchError {}

pub async fn get_json<T: DeserializeOwned>(path: &str) -> Result<T, FetchError> {
    let response = Request::get(path)
        .header("Accept", "application/json")
        .send()
        .await
        .map_err(|e| FetchError::Network(e.to_string()))?;
    decode(response).await
}

/// POSTs JSON with extra headers; decodes the answer like [`get_json`].
pub async fn post_json<B: serde::Serialize, T: DeserializeOwned>(
    path: &str,
    headers: &[(&str, &str)],
    body: &B,
) -> Result<T, FetchError> {
    send_json(Request::post(path), headers, body).await
}

/// PUTs JSON (a thing replaced whole) like [`post_json`].
pub async fn put_json<B: serde::Serialize, T: DeserializeOwned>(
    path: &str,
    headers: &[(&str, &str)],
    body: &B,
) -> Result<T, FetchError> {
    send_json(Request::put(path), headers, body).await
}

async fn send_json<B: serde::Serialize, T: DeserializeOwned>(
    request: gloo_net::http::RequestBuilder,
    headers: &[(&str, &str)],
    body: &B,
) -> Result<T, FetchError> {
    let mut request = request.header("Accept", "application/json");
    for (name, value) in headers {
        request = request.header(name, value);
    }
    // A send that hangs (a signal that died mid-request, a proxy that never answers) must not
    // hold the form or the outbox forever: past SEND_PATIENCE it is given up as "no signal".
    // Whatever it was, a send carries an Idempotency-Key, so trying again stores it once.
    let deadline = Deadline::start(SEND_PATIENCE);
    let response = request
        .abort_signal(deadline.signal().as_ref())
        .header("Content-Type", "application/json")
        .body(crate::json::stringify(body).map_err(FetchError::Decode)?)
        .map_err(|e| FetchError::Decode(e.to_string()))?
        .send()
        .await
        .map_err(|e| FetchError::Network(e.to_string()))?;
    let answer = decode(response).await;
    drop(deadline);
    answer
}

/// How long a POST or PUT may take, answer included, before it counts as sent without signal.
pub const SEND_PATIENCE: std::time::Duration = std::time::Duration::from_secs(30);

/// Aborts the fetch that carries its signal once its time is up; dropped in time, it does
/// nothing.
struct Deadline {
    #[cfg(target_arch = "wasm32")]
    controller: Option<web_sys::AbortController>,
    #[cfg(target_arch = "wasm32")]
    timer: Option<leptos::prelude::TimeoutHandle>,
}

impl Deadline {
    fn start(after: std::time::Duration) -> Deadline {
        #[cfg(target_arch = "wasm32")]
        {
            let controller = web_sys::AbortController::new().ok();
            let timer = controller.clone().and_then(|c| {
                leptos::prelude::set_timeout_with_handle(move || c.abort(), after).ok()
            });
            Deadline { controller, timer }
        }
        #[cfg(not(target_arch = "wasm32"))]
        {
            let _ = after;
            Deadline {}
        }
    }

    fn signal(&self) -> Option<web_sys::AbortSignal> {
        #[cfg(target_arch = "wasm32")]
        return self.controller.as_ref().map(|c| c.signal());
        #[cfg(not(target_arch = "wasm32"))]
        None
    }
}

impl Drop for Deadline {
    fn drop(&mut self) {
        #[cfg(target_arch = "wasm32")]
        if let Some(timer) = self.timer.take() {
            timer.clear();
        }
    }
}

/// The body as `T` on success; our error body (or the bare status) otherwise.
async fn decode<T: DeserializeOwned>(response: gloo_net::http::Response) -> Result<T, FetchError> {
    let status = response.status();
    let text = response.text().await;
    if !response.ok() {
        return Err(
            match text.ok().and_then(|t| json::parse::<ApiError>(&t).ok()) {
                Some(error) => FetchError::Api { status, error },
                None => FetchError::Status(status),
            },
        );
    }
    // "Done, nothing to say": decodes as `()` (or any type that accepts null).
    let text = match text {
        Ok(text) if status != 204 => text,
        Ok(_) => "null".to_owned(),
        Err(e) => return Err(FetchError::Network(e.to_string())),
    };
    json::parse::<T>(&text).map_err(FetchError::Decode)
}

/// The catalog with its search index, built the first time a search page asks for it (a
/// product or an IKM page never pays for it).
pub struct Storefront {
    pub catalog: Catalog,
    index: std::sync::OnceLock<SearchIndex>,
}

impl Storefront {
    pub fn new(catalog: Catalog) -> Storefront {
        Storefront {
            catalog,
            index: std::sync::OnceLock::new(),
        }
    }

    /// A storefront with nothing in it: what a page shows when its thing does not exist.
    pub fn empty() -> Storefront {
        Storefront::new(Catalog::from_data(Default::default()))
    }

    pub fn index(&self) -> &SearchIndex {
        self.index.get_or_init(|| SearchIndex::new(&self.catalog))
    }
}

impl Deref for Storefront {
    type Target = Catalog;
    fn deref(&self) -> &Catalog {
        &self.catalog
    }
}
