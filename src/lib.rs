//! # LiveTemplate
//!
//! Server-driven live HTML from Go templates: render a page once, then send
//! the browser only what changed, in the Phoenix LiveView wire format.
//!
//! The runtime: an [`Application`] (a tenant) owns [`Page`]s; a browser
//! reconnects to its page with a token ([`token`] documents every rule);
//! [`Page::render_fragments`] turns new data into [`Fragment`]s. Limits
//! (`max_pages`, page TTL, memory budget), [`metrics`] and a health check
//! come built in; configuration loads from TOML or JSON ([`Config`]).
//! Logs go through `tracing` and stay silent unless a subscriber is installed.
//!
//! ```
//! use livetemplate::{Application, Template};
//! use serde::Serialize;
//!
//! #[derive(Serialize)]
//! struct Todo {
//!     #[serde(rename = "Title")]
//!     title: String,
//!     #[serde(rename = "Items")]
//!     items: Vec<String>,
//! }
//!
//! let app = Application::new()?;
//! let template = Template::html("todo", "<h1>{{.Title}}</h1><ul>{{range .Items}}<li>{{.}}</li>{{end}}</ul>")?;
//! let page = app.new_page(&template, Todo { title: "Today".into(), items: vec!["milk".into()] })?;
//! assert_eq!(page.render()?, "<h1>Today</h1><ul><li>milk</li></ul>");
//! // The first render as LiveView JSON, then only what changed:
//! let _tree = page.render_tree()?;
//! let update = page.render_fragments(Todo { title: "Today".into(), items: vec!["milk".into(), "<eggs>".into()] })?;
//! assert_eq!(update[0].wire_json(), r#"{"1":{"k":{"1":{"0":"&lt;eggs&gt;"},"kc":2}}}"#);
//! // A browser reconnects to its page with the page's token:
//! assert!(app.get_page(&page.token()).is_ok());
//! # Ok::<(), livetemplate::Error>(())
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub use livetemplate_core as core;
pub use livetemplate_core::typed;
pub use livetemplate_macros::{GoValue, LiveTemplate, live_template};

pub mod app;
pub mod clock;
pub mod config;
pub mod data;
pub mod engine;
pub mod error;
pub mod fragment;
pub mod metrics;
pub mod page;
mod registry;
pub mod renderer;
pub mod store;
pub mod token;
pub mod typed_page;

pub use app::{Application, ApplicationBuilder};
pub use clock::{Clock, ManualClock, SystemClock};
pub use config::Config;
pub use engine::WireRenderer;
pub use error::{Error, ErrorKind, Result, TokenRejection};
pub use fragment::Fragment;
pub use metrics::{Health, HealthStatus, MetricsSnapshot};
pub use page::Page;
pub use renderer::{ClientState, Renderer, Template};
pub use store::{MemoryStore, PageStore};
#[cfg(feature = "redis")]
pub use store::{RedisStore, RedisStoreOptions};
pub use token::{Claims, SigningKey};
pub use typed_page::TypedPage;

#[cfg(test)]
mod send_sync {
    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn public_types_are_send_and_sync() {
        assert_send_sync::<crate::Application>();
        assert_send_sync::<crate::Page>();
        assert_send_sync::<crate::Template>();
        assert_send_sync::<crate::Error>();
        assert_send_sync::<crate::Fragment>();
        assert_send_sync::<crate::token::TokenService>();
    }
}
