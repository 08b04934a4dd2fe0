//! Adapter from the core wire engine to the runtime's [`Renderer`] boundary.
//!
//! The wire format of `livetemplate-core` (`wire::Rendered`,
//! `wire::first_render`, `wire::diff_into`) is wired here: given any function that
//! evaluates a template over a [`Value`] into a [`Rendered`] tree, a
//! [`WireRenderer`] produces full HTML, the first LiveView tree and real
//! LiveView diffs, keeping the last `Rendered` as the client state.
//!
//! Templates parsed at run time ([`crate::Template::html`]) are driven by the
//! core's slot-tree [`Program`].

use livetemplate_core::Mode;
use livetemplate_core::program::Program;
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
        diff_into(state, (self.eval)(data)?)
    }
}

/// A [`Renderer`] over a template loaded at run time: the core's slot-tree
/// [`Program`] evaluates the data into a [`Rendered`] tree, from which the
/// first render and the diffs are written; full HTML comes straight from the
/// interpreter (the same output, without building the tree).
struct ProgramRenderer {
    name: String,
    fingerprint: [u8; 32],
    program: Program,
}

impl Renderer for ProgramRenderer {
    fn name(&self) -> &str {
        &self.name
    }

    fn fingerprint(&self) -> [u8; 32] {
        self.fingerprint
    }

    fn render(&self, data: &Value) -> livetemplate_core::Result<String> {
        self.program.render_html(data)
    }

    fn first_tree(&self, data: &Value) -> livetemplate_core::Result<(String, ClientState)> {
        let rendered = self.program.render(data)?;
        let wire = wire::first_render(&rendered);
        let bytes = estimate_rendered(&rendered);
        Ok((wire, ClientState::new(rendered, bytes)))
    }

    fn diff(&self, state: &mut ClientState, data: &Value) -> livetemplate_core::Result<String> {
        // Evaluate given the held tree: unchanged items of pure range
        // bodies are carried over instead of evaluated again.
        let new = match state.downcast_mut::<Rendered>() {
            Some(held) => self.program.render_update(held, data)?,
            None => self.program.render(data)?,
        };
        diff_into(state, new)
    }

    fn statics_table(&self) -> Vec<std::sync::Arc<livetemplate_core::wire::Statics>> {
        self.program
            .blocks()
            .iter()
            .map(|b| std::sync::Arc::clone(&b.statics))
            .collect()
    }
}

/// Diffs `new` against the [`Rendered`] held in `state` and keeps there
/// what the client then holds.
fn diff_into(state: &mut ClientState, new: Rendered) -> livetemplate_core::Result<String> {
    let bytes = estimate_rendered(&new);
    let wire = match state.downcast_mut::<Rendered>() {
        // The held tree becomes what the client holds after this diff.
        Some(held) => wire::diff_into(held, new),
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

impl crate::renderer::Template {
    /// Parses `source` as an html/template named `name` (contextual
    /// escaping as Go's `html/template`), with the builtin functions, and
    /// compiles it into a slot tree.
    pub fn html(name: &str, source: &str) -> crate::Result<crate::renderer::Template> {
        Self::parsed(name, source, Mode::Html)
    }

    /// Parses `source` as a text/template named `name` (no escaping).
    pub fn text(name: &str, source: &str) -> crate::Result<crate::renderer::Template> {
        Self::parsed(name, source, Mode::Text)
    }

    /// A template from a compiled [`Program`] (for custom functions,
    /// delimiters, options or several files: build it with
    /// [`livetemplate_core::Template`]). `source_hash` identifies the
    /// template's sources and options; it goes into fragment ids.
    pub fn from_program(
        name: &str,
        source_hash: [u8; 32],
        program: Program,
    ) -> crate::renderer::Template {
        crate::renderer::Template::from_renderer(ProgramRenderer {
            name: name.to_string(),
            fingerprint: source_hash,
            program,
        })
    }

    fn parsed(name: &str, source: &str, mode: Mode) -> crate::Result<crate::renderer::Template> {
        use sha2::{Digest, Sha256};
        let invalid = |e: livetemplate_core::Error| crate::Error::TemplateInvalid {
            op: "parse_template",
            message: e.message,
        };
        let mut t = livetemplate_core::Template::new(name, mode);
        t.parse(source).map_err(invalid)?;
        let program = t.compile(name).and_then(Program::new).map_err(invalid)?;
        let mut h = Sha256::new();
        h.update(if mode == Mode::Html {
            b"html|" as &[u8]
        } else {
            b"text|"
        });
        h.update(name.as_bytes());
        h.update(b"|");
        h.update(source.as_bytes());
        Ok(Self::from_program(name, h.finalize().into(), program))
    }
}
