//! Rendered responses kept in memory until the data changes. A page depends only on its
//! address, the data's revision, the day (statuses judged against today) and the encoding
//! negotiated, so a repeat view is served from memory instead of rebuilt: the cost of a
//! popular page does not grow with the archive at all.
//!
//! A kept page is also held `Ready`: as it leaves the server, headers and all, so that
//! `super::fast_path` answers a repeat view before any layer runs.

use std::collections::{HashMap, VecDeque};
use std::hash::{DefaultHasher, Hasher as _};
use std::sync::{Arc, Mutex, RwLock};

use axum::body::Bytes;
use axum::http::{HeaderMap, Method};

/// The most responses kept, and by default the most bytes: the memory the cache may use is
/// bounded.
const MAX_ENTRIES: usize = 512;
pub const DEFAULT_MAX_BYTES: usize = 24 * 1024 * 1024;
/// A larger response is not kept.
const MAX_ENTRY_BYTES: usize = 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Key {
    pub revision: i64,
    pub day: time::Date,
    pub method: String,
    pub uri: String,
    pub accept_encoding: String,
}

impl Key {
    /// The hash of what the request asked for, by which its `Ready` form is found.
    pub fn request_hash(&self) -> u64 {
        request_hash(&self.method, &self.uri, self.accept_encoding.as_bytes())
    }
}

/// Hashes a request's method, target (path and query) and `Accept-Encoding`, the parts of a
/// `Key` that come from the request, without building any of them into a string.
pub fn request_hash(method: &str, target: &str, accept_encoding: &[u8]) -> u64 {
    let mut hasher = DefaultHasher::new();
    hasher.write(method.as_bytes());
    hasher.write_u8(0xff);
    hasher.write(target.as_bytes());
    hasher.write_u8(0xff);
    hasher.write(accept_encoding);
    hasher.finish()
}

#[derive(Debug, Clone)]
pub struct Entry {
    pub headers: HeaderMap,
    /// What the handlers attached for the layers outside (the route matched, for metrics).
    pub extensions: axum::http::Extensions,
    pub body: Bytes,
}

/// A kept page as it leaves the server, answered without passing through any layer: its
/// headers for a `200` and for a `304` built once, when it is kept, with the series it is
/// counted in.
#[derive(Debug)]
pub struct Ready {
    pub method: Method,
    /// The path and query asked for.
    pub target: Box<str>,
    pub accept_encoding: Box<[u8]>,
    pub revision: i64,
    pub day: time::Date,
    /// The revision's `Last-Modified`, for `If-Modified-Since`.
    pub modified: Option<time::OffsetDateTime>,
    pub etag: Box<str>,
    pub headers: HeaderMap,
    pub not_modified: HeaderMap,
    pub body: Bytes,
    /// The route template matched, for the request log.
    pub route: Box<str>,
    pub series: crate::metrics::Series,
}

impl Ready {
    /// Whether this is the answer to `method`, `target` and `accept_encoding`.
    pub fn answers(&self, method: &Method, target: &str, accept_encoding: &[u8]) -> bool {
        self.method == method
            && *self.target == *target
            && *self.accept_encoding == *accept_encoding
    }

    fn is_for(&self, key: &Key) -> bool {
        self.revision == key.revision
            && self.day == key.day
            && self.method.as_str() == key.method
            && *self.target == *key.uri
            && *self.accept_encoding == *key.accept_encoding.as_bytes()
    }
}

#[derive(Debug, Default)]
struct Inner {
    entries: HashMap<Key, Entry>,
    /// Insertion order, for evicting the oldest first.
    order: VecDeque<Key>,
    bytes: usize,
}

/// A bounded map of rendered responses, oldest evicted first.
#[derive(Debug)]
pub struct PageCache {
    inner: Mutex<Inner>,
    max_bytes: usize,
    /// Pages being built, so that concurrent first requests for one wait for a single build.
    building: Arc<Mutex<HashMap<Key, Arc<tokio::sync::Notify>>>>,
    /// The kept pages also held ready, by `request_hash`: only pages still in `inner`.
    ready: RwLock<HashMap<u64, Arc<Ready>>>,
}

/// What a request that missed the cache does: build the page, or wait for the request that is
/// building it.
pub enum Turn {
    Build(Flight),
    Wait(std::pin::Pin<Box<tokio::sync::futures::OwnedNotified>>),
}

/// The right to build one page. When dropped (the page kept, or failed, or its request
/// abandoned) the requests waiting for it are woken to look in the cache again.
pub struct Flight {
    key: Key,
    building: Arc<Mutex<HashMap<Key, Arc<tokio::sync::Notify>>>>,
}

impl Drop for Flight {
    fn drop(&mut self) {
        let done = self
            .building
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&self.key);
        if let Some(done) = done {
            done.notify_waiters();
        }
    }
}

impl Default for PageCache {
    fn default() -> Self {
        Self::with_max_bytes(DEFAULT_MAX_BYTES)
    }
}

impl PageCache {
    /// A cache of at most `max_bytes` of responses; none are kept at zero.
    pub fn with_max_bytes(max_bytes: usize) -> Self {
        Self {
            inner: Mutex::default(),
            max_bytes,
            building: Arc::default(),
            ready: RwLock::default(),
        }
    }

    /// Whether any page is kept (not with a size of zero).
    pub fn keeps_pages(&self) -> bool {
        self.max_bytes > 0
    }

    /// Whether this request builds the page at `key` or waits for the one already building it.
    pub fn turn(&self, key: &Key) -> Turn {
        let mut building = self.building.lock().unwrap_or_else(|e| e.into_inner());
        match building.get(key) {
            // Created under the lock, the waiter is woken by the builder's `notify_waiters`
            // however soon that comes.
            Some(done) => {
                let mut waiting = Box::pin(done.clone().notified_owned());
                waiting.as_mut().enable();
                Turn::Wait(waiting)
            }
            None => {
                building.insert(key.clone(), Arc::new(tokio::sync::Notify::new()));
                Turn::Build(Flight {
                    key: key.clone(),
                    building: self.building.clone(),
                })
            }
        }
    }

    pub fn get(&self, key: &Key) -> Option<Entry> {
        let inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        inner.entries.get(key).cloned()
    }

    pub fn insert(&self, key: Key, entry: Entry) {
        let size = entry.body.len();
        if size > MAX_ENTRY_BYTES.min(self.max_bytes) || self.max_bytes == 0 {
            return;
        }
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if inner.entries.contains_key(&key) {
            return;
        }
        while inner.order.len() >= MAX_ENTRIES || inner.bytes + size > self.max_bytes {
            let Some(oldest) = inner.order.pop_front() else {
                break;
            };
            if let Some(old) = inner.entries.remove(&oldest) {
                inner.bytes -= old.body.len();
                let mut ready = self.ready.write().unwrap_or_else(|e| e.into_inner());
                let hash = oldest.request_hash();
                if ready.get(&hash).is_some_and(|r| r.is_for(&oldest)) {
                    ready.remove(&hash);
                }
            }
        }
        inner.bytes += size;
        inner.order.push_back(key.clone());
        inner.entries.insert(key, entry);
    }

    /// Holds `ready` as the form of the page kept at `key`, unless the page is no longer kept
    /// (or is already held ready).
    pub fn make_ready(&self, key: &Key, ready: Ready) {
        let inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if !inner.entries.contains_key(key) {
            return;
        }
        let mut held = self.ready.write().unwrap_or_else(|e| e.into_inner());
        let hash = key.request_hash();
        if held.get(&hash).is_some_and(|r| r.is_for(key)) {
            return;
        }
        held.insert(hash, Arc::new(ready));
    }

    /// Whether the page kept at `key` is held ready.
    pub fn is_ready(&self, key: &Key) -> bool {
        self.ready
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key.request_hash())
            .is_some_and(|r| r.is_for(key))
    }

    /// The page held ready under `request_hash`, of whatever revision and day: the caller
    /// checks that it answers its request and is current.
    pub fn ready(&self, request_hash: u64) -> Option<Arc<Ready>> {
        self.ready
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(&request_hash)
            .cloned()
    }

    /// How many responses are kept.
    pub fn len(&self) -> usize {
        self.inner
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entries
            .len()
    }

    /// Bytes of the responses held.
    pub fn bytes(&self) -> usize {
        self.inner.lock().unwrap_or_else(|e| e.into_inner()).bytes
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(uri: &str) -> Key {
        Key {
            revision: 1,
            day: time::macros::date!(2026 - 01 - 01),
            method: "GET".into(),
            uri: uri.into(),
            accept_encoding: String::new(),
        }
    }

    #[test]
    fn the_oldest_response_goes_first_when_full() {
        let cache = PageCache::default();
        for i in 0..MAX_ENTRIES + 3 {
            cache.insert(
                key(&format!("/{i}")),
                Entry {
                    extensions: Default::default(),
                    headers: HeaderMap::new(),
                    body: Bytes::from_static(b"x"),
                },
            );
        }
        assert_eq!(cache.len(), MAX_ENTRIES);
        assert!(cache.get(&key("/0")).is_none());
        assert!(cache.get(&key(&format!("/{}", MAX_ENTRIES + 2))).is_some());
    }

    fn ready_for(key: &Key) -> Ready {
        Ready {
            method: Method::GET,
            target: key.uri.as_str().into(),
            accept_encoding: key.accept_encoding.as_bytes().into(),
            revision: key.revision,
            day: key.day,
            modified: None,
            etag: "\"x\"".into(),
            headers: HeaderMap::new(),
            not_modified: HeaderMap::new(),
            body: Bytes::from_static(b"x"),
            route: "/".into(),
            series: crate::metrics::Metrics::default().series("/", &Method::GET),
        }
    }

    fn entry() -> Entry {
        Entry {
            extensions: Default::default(),
            headers: HeaderMap::new(),
            body: Bytes::from_static(b"x"),
        }
    }

    #[test]
    fn a_page_is_held_ready_only_while_it_is_kept() {
        let cache = PageCache::default();
        let page = key("/a");
        cache.make_ready(&page, ready_for(&page));
        assert!(!cache.is_ready(&page), "never kept");
        cache.insert(page.clone(), entry());
        cache.make_ready(&page, ready_for(&page));
        assert!(cache.is_ready(&page));
        let ready = cache.ready(page.request_hash()).expect("held ready");
        assert!(ready.answers(&Method::GET, "/a", b""));
        assert!(!ready.answers(&Method::HEAD, "/a", b""));
        assert!(!ready.answers(&Method::GET, "/a", b"gzip"));
        // Another revision's page at the same address is another page.
        assert!(!cache.is_ready(&Key {
            revision: 2,
            ..page.clone()
        }));
        // Evicted from the cache, it is no longer held ready either.
        for i in 0..MAX_ENTRIES {
            cache.insert(key(&format!("/{i}")), entry());
        }
        assert!(!cache.is_ready(&page));
        assert!(cache.ready(page.request_hash()).is_none());
    }

    #[test]
    fn a_response_too_large_is_not_kept() {
        let cache = PageCache::default();
        cache.insert(
            key("/big"),
            Entry {
                extensions: Default::default(),
                headers: HeaderMap::new(),
                body: Bytes::from(vec![0u8; MAX_ENTRY_BYTES + 1]),
            },
        );
        assert!(cache.is_empty());
    }

    #[test]
    fn a_cache_of_zero_bytes_keeps_nothing() {
        let cache = PageCache::with_max_bytes(0);
        cache.insert(
            key("/"),
            Entry {
                extensions: Default::default(),
                headers: HeaderMap::new(),
                body: Bytes::from_static(b"x"),
            },
        );
        assert!(cache.is_empty());
    }
}
