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

/// Interim renderer for templates loaded at run time: the core interpreter
/// (parse, html/template escaping, exec) renders exact HTML, and the wire
/// output treats the whole HTML as one dynamic value (`{"s":["",""],"0":html}`
/// first, `{"0":html}` when anything changed, `{}` otherwise).
///
/// This is *not* the slot-tree diff: every change resends the whole page.
/// It keeps pages over parsed templates working until the core's `program`
/// (slot tree) lands, at which point `Template::html`/`Template::text` switch
/// to a [`WireRenderer`] over the compiled program.
struct Interpreted {
    name: String,
    fingerprint: [u8; 32],
    set: livetemplate_core::parse::TemplateSet,
    funcs: livetemplate_core::funcs::FuncMap,
    statics: std::sync::Arc<wire::Statics>,
}

impl Interpreted {
    fn compile(name: &str, source: &str, html: bool) -> livetemplate_core::Result<Interpreted> {
        use livetemplate_core::funcs::FuncMap;
        use livetemplate_core::parse::{ParseOptions, TemplateSet, parse};
        use sha2::{Digest, Sha256};
        let funcs = FuncMap::builtins();
        let is_func = |n: &str| funcs.is_func(n);
        let mut set = TemplateSet::new();
        set.add_parsed(parse(name, source, &ParseOptions::new(&is_func))?)?;
        if html {
            set = livetemplate_core::escape::escape_set(&set, name)?;
        }
        let mut h = Sha256::new();
        h.update(if html { b"html|" as &[u8] } else { b"text|" });
        h.update(name.as_bytes());
        h.update(b"|");
        h.update(source.as_bytes());
        let fingerprint: [u8; 32] = h.finalize().into();
        let salt = u64::from_le_bytes(fingerprint[..8].try_into().unwrap_or([0; 8]));
        Ok(Interpreted {
            name: name.to_string(),
            fingerprint,
            set,
            funcs,
            statics: wire::Statics::new(vec![String::new(), String::new()], salt),
        })
    }

    fn rendered(&self, data: &Value) -> livetemplate_core::Result<Rendered> {
        let html =
            livetemplate_core::exec::Exec::new(&self.set, &self.funcs).render(&self.name, data)?;
        Ok(Rendered {
            statics: std::sync::Arc::clone(&self.statics),
            dyns: vec![Dyn::Str(html)],
        })
    }
}

impl crate::renderer::Template {
    /// Parses `source` as an html/template named `name` (contextual
    /// escaping as Go's `html/template`), with the builtin functions.
    ///
    /// Interim: HTML output is exact, but until the slot-tree engine lands
    /// each update resends the whole HTML as one value (see the `engine` module).
    pub fn html(name: &str, source: &str) -> crate::Result<crate::renderer::Template> {
        Self::interpreted(name, source, true)
    }

    /// Parses `source` as a text/template named `name` (no escaping).
    /// Same interim wire behaviour as [`Self::html`].
    pub fn text(name: &str, source: &str) -> crate::Result<crate::renderer::Template> {
        Self::interpreted(name, source, false)
    }

    fn interpreted(
        name: &str,
        source: &str,
        html: bool,
    ) -> crate::Result<crate::renderer::Template> {
        let it = Interpreted::compile(name, source, html).map_err(|e| {
            crate::Error::TemplateInvalid {
                op: "parse_template",
                message: e.message,
            }
        })?;
        let fingerprint = it.fingerprint;
        let eval = move |data: &Value| it.rendered(data);
        Ok(crate::renderer::Template::from_renderer(WireRenderer::new(
            name,
            fingerprint,
            eval,
        )))
    }
}
