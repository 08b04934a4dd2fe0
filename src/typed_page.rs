//! Pages of compile-time templates (`#[derive(LiveTemplate)]`).
//!
//! A [`TypedPage`] keeps the page's value as the typed struct, so updates
//! go through the generated change-tracked [`LiveTemplate::diff_from`]
//! (only slots and `range` items whose fields changed are rendered again)
//! instead of converting the data and re-evaluating the whole template.
//! It is a full [`Page`] of its application underneath (same registry,
//! tokens, limits, memory budget, metrics and expiry): the page's template
//! is the typed template's *dynamic twin*, the same source compiled at run
//! time, whose output is identical (the differential tests check this), so
//! the [`Page`] handle (e.g. from [`Application::get_page`]) keeps working
//! on the converted data.
//!
//! Costs and limits:
//! * every update also stores the value converted to a [`Value`] in the
//!   page ([`GoValue::to_value`], linear in the data), so that
//!   [`Page::data`], [`Page::render`] and the memory accounting stay exact;
//! * with a page store the typed page delegates to the [`Page`]'s own
//!   (dynamic, persisted) path: same output, without change tracking.

use std::any::TypeId;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::Instant;

use livetemplate_core::typed::{GoValue, LiveTemplate};
use livetemplate_core::value::Value;
use livetemplate_core::wire::Rendered;

use crate::app::Application;
use crate::engine::estimate_rendered;
use crate::error::Result;
use crate::fragment::Fragment;
use crate::page::Page;
use crate::renderer::{ClientState, Template};

impl Template {
    /// The dynamic twin of the typed template `T`: its source compiled at
    /// run time (built once per type and shared). Rendering a `T` converted
    /// with [`GoValue::to_value`] gives exactly `T`'s output.
    pub fn typed<T: LiveTemplate + 'static>() -> Result<Template> {
        static CACHE: OnceLock<Mutex<HashMap<TypeId, Template>>> = OnceLock::new();
        let cache = CACHE.get_or_init(Default::default);
        let mut map = cache.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(t) = map.get(&TypeId::of::<T>()) {
            return Ok(t.clone());
        }
        let t = if T::TEXT {
            Template::text(T::NAME, T::SOURCE)?
        } else {
            Template::html(T::NAME, T::SOURCE)?
        };
        map.insert(TypeId::of::<T>(), t.clone());
        Ok(t)
    }
}

/// A live page of a typed template `T` (see the [module docs](self)).
/// Cloning is not offered: share it behind an `Arc` (all methods take
/// `&self` and are thread-safe; updates of one page are serialized).
pub struct TypedPage<T> {
    page: Page,
    value: Mutex<T>,
}

impl<T> std::fmt::Debug for TypedPage<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TypedPage")
            .field("page", &self.page)
            .finish_non_exhaustive()
    }
}

impl Application {
    /// Creates a page of the typed template `T` holding `value` (limits,
    /// tokens and errors as [`Application::new_page`]).
    pub fn new_typed_page<T>(&self, value: T) -> Result<TypedPage<T>>
    where
        T: LiveTemplate + GoValue + Send + 'static,
    {
        let template = Template::typed::<T>()?;
        let page = self.new_page_value(&template, value.to_value())?;
        Ok(TypedPage {
            page,
            value: Mutex::new(value),
        })
    }
}

fn client_tree(client: &mut Option<ClientState>) -> Option<&mut Rendered> {
    client.as_mut().and_then(|c| c.downcast_mut::<Rendered>())
}

impl<T> TypedPage<T>
where
    T: LiveTemplate + GoValue + Send + 'static,
{
    /// The underlying page (id, token, close, memory, ...).
    pub fn page(&self) -> &Page {
        &self.page
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, T> {
        self.value.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Full HTML of the current value (the generated code, no tree).
    pub fn render(&self) -> Result<String> {
        const OP: &str = "render";
        // Fails like the page when it was closed.
        self.page.typed_update(OP, None, |_| Ok(String::new()))?;
        self.lock()
            .render()
            .map_err(|e| crate::Error::from_core(OP, e))
    }

    /// The first render as LiveView wire JSON; the page then holds what the
    /// client holds (as [`Page::render_tree`]).
    pub fn render_tree(&self) -> Result<String> {
        const OP: &str = "render_tree";
        if self.page.has_store() {
            return self.page.render_tree();
        }
        let value = self.lock();
        self.page.typed_update(OP, None, |client| {
            let (wire, tree) = value.first_render()?;
            let bytes = estimate_rendered(&tree);
            *client = Some(ClientState::new(tree, bytes));
            Ok(wire)
        })
    }

    /// Replaces the value and returns what the client needs to catch up
    /// (as [`Page::render_fragments`]): the change-tracked diff from the
    /// previous value, or the full first tree before any render. On a
    /// render error nothing changes: the typed value, the page's data and
    /// the client state stay as they were (the next update diffs from them).
    pub fn render_fragments(&self, new: T) -> Result<Vec<Fragment>> {
        const OP: &str = "render_fragments";
        let started = Instant::now();
        let data: Value = new.to_value();
        if self.page.has_store() {
            let fragments = self.page.render_fragments_value(data, started)?;
            *self.lock() = new;
            return Ok(fragments);
        }
        let mut value = self.lock();
        let wire = self.page.typed_update(OP, Some(data), |client| {
            if let Some(tree) = client_tree(client) {
                let wire = new.diff_from(&value, tree)?;
                let bytes = estimate_rendered(tree);
                if let Some(c) = client.as_mut() {
                    c.set_memory_usage(bytes);
                }
                return Ok(wire);
            }
            let (wire, tree) = new.first_render()?;
            let bytes = estimate_rendered(&tree);
            *client = Some(ClientState::new(tree, bytes));
            Ok(wire)
        })?;
        *value = new;
        drop(value);
        self.page.typed_fragments(wire, OP, started)
    }

    /// A copy of the current value.
    pub fn value(&self) -> T
    where
        T: Clone,
    {
        self.lock().clone()
    }
}
