//! Where pages get what they show. A phone opening a shared link fetches that page's own small
//! document (one product, one IKM, the home page's picks, a page of search results, the
//! products of its order list), never the whole catalog: the first view costs the same at 40
//! products or 10,000. The whole catalog (the search index) loads only when a buyer starts
//! typing a search, and from then on every page is drawn from it with no more requests.
//!
//! A static copy has no search or batch endpoints: there the whole catalog is the index file,
//! fetched when a page's document is missing.

use crate::api::{get_json, FetchError, Storefront};
use etalase_core::api::CATALOG_PATH;
use etalase_core::Catalog;
use futures::future::{FutureExt, LocalBoxFuture, Shared};
use leptos::prelude::*;
use serde::de::DeserializeOwned;
use std::sync::Arc;

type FullLoad = Shared<LocalBoxFuture<'static, Result<Arc<Storefront>, FetchError>>>;

#[derive(Clone, Copy)]
pub struct Shelf {
    full: RwSignal<Option<Arc<Storefront>>>,
    loading: StoredValue<Option<FullLoad>, LocalStorage>,
    /// Pages still waiting for their first data: the server's first HTML stays until none is.
    waiting: RwSignal<usize>,
    /// A static copy (its pages say so): no search or batch endpoints to ask.
    static_host: bool,
}

impl Default for Shelf {
    fn default() -> Self {
        Shelf::new()
    }
}

impl Shelf {
    pub fn new() -> Shelf {
        Shelf {
            full: RwSignal::new(None),
            loading: StoredValue::new_local(None),
            waiting: RwSignal::new(0),
            static_host: marked_static(),
        }
    }

    /// Whether this is a static copy, where only files answer: the catalog file serves
    /// search and the order list.
    pub fn is_static(self) -> bool {
        self.static_host
    }

    /// The whole catalog, once something loaded it (tracked).
    pub fn full(self) -> Option<Arc<Storefront>> {
        self.full.get()
    }

    pub fn full_untracked(self) -> Option<Arc<Storefront>> {
        self.full.get_untracked()
    }

    /// Loads the whole catalog; calls while it downloads share the one download, and a
    /// failed one may be tried again.
    pub fn load_full(self) -> FullLoad {
        if let Some(full) = self.full.get_untracked() {
            return futures::future::ready(Ok(full)).boxed_local().shared();
        }
        if let Some(running) = self.loading.get_value() {
            return running;
        }
        let load = async move {
            let result = get_json::<Catalog>(CATALOG_PATH)
                .await
                .map(|catalog| Arc::new(Storefront::new(catalog)));
            match &result {
                Ok(full) => self.full.set(Some(full.clone())),
                Err(_) => self.loading.set_value(None),
            }
            result
        }
        .boxed_local()
        .shared();
        self.loading.set_value(Some(load.clone()));
        load
    }

    /// Starts loading the whole catalog in the background (a buyer began a search), unless
    /// the phone asked to save data: then the server keeps answering searches.
    pub fn prefetch(self) {
        if self.full.get_untracked().is_some() || saves_data() {
            return;
        }
        leptos::task::spawn_local(async move {
            let _ = self.load_full().await;
        });
    }

    /// True while some page on screen still waits for its first data (tracked).
    pub fn waiting(self) -> bool {
        self.waiting.get() > 0
    }

    /// Says a page on screen waits for its first data; the returned `done` (callable any
    /// number of times, and called anyway when the page goes) says it has drawn it.
    pub fn wait_for_data(self) -> impl Fn() + Copy + Send + Sync + 'static {
        self.waiting.update(|n| *n += 1);
        let waiting = StoredValue::new(true);
        let done = move || {
            if waiting.get_value() {
                waiting.set_value(false);
                self.waiting.update(|n| *n = n.saturating_sub(1));
            }
        };
        on_cleanup(done);
        done
    }
}

/// `<meta name="etalase-host" content="static">`, which the static export writes.
fn marked_static() -> bool {
    #[cfg(target_arch = "wasm32")]
    {
        web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| {
                d.query_selector(r#"meta[name="etalase-host"][content="static"]"#)
                    .ok()
            })
            .flatten()
            .is_some()
    }
    #[cfg(not(target_arch = "wasm32"))]
    false
}

/// Whether the browser says its user wants to save data (`navigator.connection.saveData`).
fn saves_data() -> bool {
    #[cfg(target_arch = "wasm32")]
    {
        let Some(navigator) = web_sys::window().map(|w| w.navigator()) else {
            return false;
        };
        js_sys::Reflect::get(&navigator, &"connection".into())
            .ok()
            .filter(|c| c.is_object())
            .and_then(|c| js_sys::Reflect::get(&c, &"saveData".into()).ok())
            .and_then(|v| v.as_bool())
            .unwrap_or(false)
    }
    #[cfg(not(target_arch = "wasm32"))]
    false
}

/// What a page fetch came to: the document, "no such thing", or "this host has no such
/// document" (a static copy), where the whole catalog serves instead.
pub enum Fetched<D> {
    Found(D),
    Missing,
    Fallback,
}

/// Fetches a page's document. A JSON 404 from our API is `Missing`; any other failure but a
/// network one means the host does not serve it (a static file server's HTML 404, a host
/// that answers every path with the app) and the whole catalog is used.
pub async fn fetch_doc<D: DeserializeOwned>(path: &str) -> Result<Fetched<D>, FetchError> {
    match get_json::<D>(path).await {
        Ok(doc) => Ok(Fetched::Found(doc)),
        Err(FetchError::Api { status: 404, .. }) => Ok(Fetched::Missing),
        Err(FetchError::Network(e)) => Err(FetchError::Network(e)),
        Err(_) => Ok(Fetched::Fallback),
    }
}

/// A product page, an IKM page, an order list: a small catalog holding what the page shows,
/// or the whole one when the app has it. `Missing` becomes an empty catalog, so the page
/// says "not found" as it would with the whole catalog.
pub async fn catalog_part<D: DeserializeOwned>(
    shelf: Shelf,
    path: String,
    into: impl FnOnce(D) -> Catalog,
) -> Result<Arc<Storefront>, FetchError> {
    if let Some(full) = shelf.full_untracked() {
        return Ok(full);
    }
    match fetch_doc::<D>(&path).await? {
        Fetched::Found(doc) => Ok(Arc::new(Storefront::new(into(doc)))),
        Fetched::Missing => Ok(Arc::new(Storefront::empty())),
        Fetched::Fallback => shelf.load_full().await,
    }
}
