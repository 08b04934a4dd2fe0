//! The boundary between the runtime and the template engine.
//!
//! A [`Page`](crate::Page) never looks inside a template: it calls a
//! [`Renderer`] to produce full HTML, the first wire tree (with the state of
//! what the client now holds), and diffs against that state. The slot-tree
//! engine of `livetemplate-core` (`program`/`wire`) and the typed templates of
//! `livetemplate-macros` plug in by implementing this trait; a [`Template`]
//! is a cheap, shareable handle to one.

use std::any::Any;
use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, OnceLock};

use livetemplate_core::value::Value;
use livetemplate_core::wire::{Rendered, Statics};

/// What the client holds after a first render or a diff, opaque to the runtime.
///
/// The engine stores whatever it needs (fingerprints, last slot values, item
/// keys) and reports an estimate of its heap size for memory accounting.
pub struct ClientState {
    inner: Box<dyn Any + Send + Sync>,
    bytes: usize,
}

impl fmt::Debug for ClientState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientState")
            .field("bytes", &self.bytes)
            .finish_non_exhaustive()
    }
}

impl ClientState {
    /// Wraps engine state `state` whose estimated size is `bytes`.
    pub fn new<T: Any + Send + Sync>(state: T, bytes: usize) -> Self {
        ClientState {
            inner: Box::new(state),
            bytes,
        }
    }

    /// The engine's state, if it is a `T`.
    pub fn downcast_ref<T: Any>(&self) -> Option<&T> {
        self.inner.downcast_ref()
    }

    /// The engine's state, mutably, if it is a `T`.
    pub fn downcast_mut<T: Any>(&mut self) -> Option<&mut T> {
        self.inner.downcast_mut()
    }

    /// Estimated bytes held.
    pub fn memory_usage(&self) -> usize {
        self.bytes
    }

    /// Updates the size estimate (call after changing the state in `diff`).
    pub fn set_memory_usage(&mut self, bytes: usize) {
        self.bytes = bytes;
    }
}

/// A compiled template the runtime can drive.
///
/// Implementations must be deterministic: the same data gives the same
/// output. Wire JSON is the Phoenix LiveView rendered-tree format (a JSON
/// object); a diff with nothing changed is `{}`.
pub trait Renderer: Send + Sync + 'static {
    /// The template's name (for logs).
    fn name(&self) -> &str;

    /// A hash of everything about the template that does not depend on data
    /// (its source and options); it goes into fragment ids.
    fn fingerprint(&self) -> [u8; 32];

    /// Full HTML for `data`.
    fn render(&self, data: &Value) -> livetemplate_core::Result<String>;

    /// The first wire tree for `data`, and the state of what the client then holds.
    fn first_tree(&self, data: &Value) -> livetemplate_core::Result<(String, ClientState)>;

    /// The wire diff taking the client from `state` to `data`; updates `state`.
    fn diff(&self, state: &mut ClientState, data: &Value) -> livetemplate_core::Result<String>;

    /// Every statics object this template can produce (used to rebuild a
    /// client state loaded from a [page store](crate::store), which holds
    /// only statics fingerprints). The default is empty: the runtime then
    /// learns the statics by evaluating the page's data once.
    fn statics_table(&self) -> Vec<Arc<Statics>> {
        Vec::new()
    }
}

/// A shareable handle to a [`Renderer`]; clone it freely (an `Arc`).
#[derive(Clone)]
pub struct Template {
    renderer: Arc<dyn Renderer>,
    fingerprint_hex: Arc<str>,
    statics: Arc<OnceLock<HashMap<u64, Arc<Statics>>>>,
}

impl fmt::Debug for Template {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Template")
            .field("name", &self.renderer.name())
            .field("fingerprint", &self.fingerprint_hex)
            .finish()
    }
}

impl Template {
    /// A template driven by `renderer`.
    pub fn from_renderer(renderer: impl Renderer) -> Self {
        Template::from_arc(Arc::new(renderer))
    }

    /// A template driven by a shared renderer.
    pub fn from_arc(renderer: Arc<dyn Renderer>) -> Self {
        let fingerprint_hex = hex::encode(renderer.fingerprint()).into();
        Template {
            renderer,
            fingerprint_hex,
            statics: Arc::new(OnceLock::new()),
        }
    }

    /// The renderer's statics by fingerprint (built once per template).
    pub(crate) fn statics_map(&self) -> &HashMap<u64, Arc<Statics>> {
        self.statics.get_or_init(|| {
            self.renderer
                .statics_table()
                .into_iter()
                .map(|s| (s.fingerprint, s))
                .collect()
        })
    }

    /// A copy of a client state, when it is a [`Rendered`] tree (the state
    /// of every renderer in this crate).
    pub(crate) fn clone_state(state: &ClientState) -> Option<ClientState> {
        state
            .downcast_ref::<Rendered>()
            .map(|r| ClientState::new(r.clone(), state.memory_usage()))
    }

    /// The template's name.
    pub fn name(&self) -> &str {
        self.renderer.name()
    }

    /// The template fingerprint as 64 hex digits.
    pub fn fingerprint_hex(&self) -> &str {
        &self.fingerprint_hex
    }

    /// The renderer.
    pub fn renderer(&self) -> &dyn Renderer {
        &*self.renderer
    }
}

impl<R: Renderer> From<R> for Template {
    fn from(renderer: R) -> Self {
        Template::from_renderer(renderer)
    }
}
