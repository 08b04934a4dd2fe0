//! Adapter from the core wire engine to the runtime's [`Renderer`] boundary.
//!
//! The wire format of `livetemplate-core` (`wire::Rendered`,
//! `wire::first_render`, `wire::diff`) is wired here: given any function that
//! evaluates a template over a [`Value`] into a [`Rendered`] tree, a
//! [`WireRenderer`] produces full HTML, the first LiveView tree and real
//! LiveView diffs, keeping the last `Rendered` as the client state.
//!
//! What is still missing in the core is that evaluation function for parsed
//! templates (the slot-tree compiler `program`); once it lands, a template
//! becomes a `WireRenderer` whose function runs the program.

use livetemplate_core::value::Value;
use livetemplate_core::wire::{self, Dyn, Rendered};

use crate::renderer::{ClientState, Renderer};

/// A [`Renderer`] over an evaluation function `Fn(&Value) -> Rendered`.
pub struct WireRenderer<F> {
    name: String,
    fingerprint: [u8; 32],
    eval: F,
}

impl<F> std::fmt::Debug for WireRenderer<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WireRenderer")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl<F> WireRenderer<F>
where
    F: Fn(&Value) -> livetemplate_core::Result<Rendered> + Send + Sync + 'static,
{
    /// A renderer named `name`, whose template hashes to `fingerprint`, evaluating with `eval`.
    pub fn new(name: impl Into<String>, fingerprint: [u8; 32], eval: F) -> Self {
        WireRenderer {
            name: name.into(),
            fingerprint,
            eval,
        }
    }
}

/// Estimated bytes held by a rendered tree (statics are shared and not counted).
pub fn estimate_rendered(r: &Rendered) -> usize {
    std::mem::size_of::<Rendered>() + dyns_bytes(&r.dyns)
}

fn dyns_bytes(dyns: &[Dyn]) -> usize {
    dyns.iter()
        .map(|d| {
            std::mem::size_of::<Dyn>()
                + match d {
                    Dyn::Str(s) => s.capacity(),
                    Dyn::Node(n) => estimate_rendered(n),
                    Dyn::Comp(c) => c
                        .items
                        .iter()
                        .map(|i| {
                            std::mem::size_of_val(i)
                                + i.key.as_ref().map_or(0, String::capacity)
                                + dyns_bytes(&i.dyns)
                        })
                        .sum(),
                }
        })
        .sum()
}

impl<F> Renderer for WireRenderer<F>
where
    F: Fn(&Value) -> livetemplate_core::Result<Rendered> + Send + Sync + 'static,
{
    fn name(&self) -> &str {
        &self.name
    }

    fn fingerprint(&self) -> [u8; 32] {
        self.fingerprint
    }

    fn render(&self, data: &Value) -> livetemplate_core::Result<String> {
        Ok((self.eval)(data)?.to_html())
    }

    fn first_tree(&self, data: &Value) -> livetemplate_core::Result<(String, ClientState)> {
        let rendered = (self.eval)(data)?;
        let wire = wire::first_render(&rendered);
        let bytes = estimate_rendered(&rendered);
        Ok((wire, ClientState::new(rendered, bytes)))
    }

    fn diff(&self, state: &mut ClientState, data: &Value) -> livetemplate_core::Result<String> {
        let new = (self.eval)(data)?;
        let bytes = estimate_rendered(&new);
        let wire = match state.downcast_mut::<Rendered>() {
            Some(old) => {
                let wire = wire::diff(old, &new);
                *old = new;
                wire
            }
            None => {
                // State from another renderer: start over with a full tree.
                let wire = wire::first_render(&new);
                *state = ClientState::new(new, bytes);
                wire
            }
        };
        state.set_memory_usage(bytes);
        Ok(wire)
    }
}
