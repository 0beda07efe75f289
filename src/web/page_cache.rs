//! Rendered responses kept in memory until the data changes. A page depends only on its
//! address, the data's revision, the day (statuses judged against today) and the encoding
//! negotiated, so a repeat view is served from memory instead of rebuilt: the cost of a
//! popular page does not grow with the archive at all.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

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
                headers: HeaderMap::new(),
                body: Bytes::from_static(b"x"),
            },
        );
        assert!(cache.is_empty());
    }
}
