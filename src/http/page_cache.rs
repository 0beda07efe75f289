//! Rendered responses kept in memory until the data changes. A page depends only on its
//! address, the data's revision, the day (statuses judged against today) and the encoding
//! negotiated, so a repeat view is served from memory instead of rebuilt: the cost of a
//! popular page does not grow with the archive at all.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::http::HeaderMap;

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

#[derive(Debug, Clone)]
pub struct Entry {
    pub headers: HeaderMap,
    /// What the handlers attached for the layers outside (the route matched, for metrics).
    pub extensions: axum::http::Extensions,
    pub body: Bytes,
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
            }
        }
        inner.bytes += size;
        inner.order.push_back(key.clone());
        inner.entries.insert(key, entry);
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
