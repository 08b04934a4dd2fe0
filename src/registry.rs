//! The page registry of one application: a `DashMap` plus exact counters for
//! the page limit and the memory budget.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use dashmap::DashMap;

use crate::error::{Error, Result};
use crate::page::PageInner;

/// Pages by id, with reservations for the page limit and the memory budget.
///
/// A page slot and its bytes are reserved *before* a page is inserted, so
/// limits hold exactly under concurrency, and a refused request never
/// disturbs existing pages.
#[derive(Debug)]
pub(crate) struct Registry {
    pages: DashMap<Arc<str>, Arc<PageInner>>,
    slots: AtomicUsize,
    memory: AtomicUsize,
    max_pages: usize,
    budget: usize,
}

impl Registry {
    pub(crate) fn new(max_pages: usize, budget: usize) -> Self {
        Registry {
            pages: DashMap::new(),
            slots: AtomicUsize::new(0),
            memory: AtomicUsize::new(0),
            max_pages,
            budget,
        }
    }

    pub(crate) fn max_pages(&self) -> usize {
        self.max_pages
    }

    pub(crate) fn budget(&self) -> usize {
        self.budget
    }

    /// Pages held (including slots reserved by a `new_page` in progress).
    pub(crate) fn len(&self) -> usize {
        self.slots.load(Ordering::SeqCst)
    }

    pub(crate) fn memory(&self) -> usize {
        self.memory.load(Ordering::SeqCst)
    }

    /// Reserves one page slot.
    pub(crate) fn reserve_slot(&self, op: &'static str) -> Result<()> {
        self.slots
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                (n < self.max_pages).then_some(n + 1)
            })
            .map(|_| ())
            .map_err(|_| Error::PageLimitExceeded {
                op,
                limit: self.max_pages,
            })
    }

    pub(crate) fn release_slot(&self) {
        let _ = self
            .slots
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1));
    }

    /// Reserves `bytes` of the budget.
    pub(crate) fn reserve_memory(&self, bytes: usize, op: &'static str) -> Result<()> {
        let budget = self.budget;
        self.memory
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |m| {
                m.checked_add(bytes).filter(|total| *total <= budget)
            })
            .map(|_| ())
            .map_err(|in_use| Error::MemoryBudgetExceeded {
                op,
                needed: bytes,
                in_use,
                budget,
            })
    }

    /// Adds `bytes` without checking the budget (state the client already holds).
    pub(crate) fn force_memory(&self, bytes: usize) {
        self.memory.fetch_add(bytes, Ordering::SeqCst);
    }

    pub(crate) fn release_memory(&self, bytes: usize) {
        let _ = self
            .memory
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |m| {
                Some(m.saturating_sub(bytes))
            });
    }

    pub(crate) fn insert(&self, page: Arc<PageInner>) {
        self.pages.insert(page.id_arc(), page);
    }

    /// Inserts `page` unless a page with its id is there; returns that one then.
    pub(crate) fn insert_if_absent(&self, page: Arc<PageInner>) -> Option<Arc<PageInner>> {
        match self.pages.entry(page.id_arc()) {
            dashmap::Entry::Occupied(e) => Some(Arc::clone(e.get())),
            dashmap::Entry::Vacant(e) => {
                e.insert(page);
                None
            }
        }
    }

    /// The page with `id`; the map's lock is released before returning.
    pub(crate) fn get(&self, id: &str) -> Option<Arc<PageInner>> {
        self.pages.get(id).map(|r| Arc::clone(r.value()))
    }

    /// Removes the entry (the caller releases the slot and memory).
    pub(crate) fn remove(&self, id: &str) -> Option<Arc<PageInner>> {
        self.pages.remove(id).map(|(_, p)| p)
    }

    /// A snapshot of all pages (locks released before returning).
    pub(crate) fn all(&self) -> Vec<Arc<PageInner>> {
        self.pages.iter().map(|r| Arc::clone(r.value())).collect()
    }

    /// Entries in the map (for tests of "nothing left behind").
    pub(crate) fn entries(&self) -> usize {
        self.pages.len()
    }
}
