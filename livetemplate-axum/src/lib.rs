//! # livetemplate-axum
//!
//! Serves a LiveTemplate page over [axum]: the first render as plain HTML
//! (works without JavaScript), then events in and LiveView diffs out over a
//! WebSocket.
//!
//! ```no_run
//! use livetemplate::{Application, Template};
//! use livetemplate_axum::{Event, EventError, Live, LiveView};
//!
//! #[derive(Clone, serde::Serialize)]
//! struct Counter { #[serde(rename = "N")] n: i64 }
//!
//! struct CounterView;
//! impl LiveView for CounterView {
//!     type State = Counter;
//!     fn mount(&self) -> Counter { Counter { n: 0 } }
//!     fn handle_event(&self, s: &mut Counter, e: &Event) -> Result<(), EventError> {
//!         match e.name.as_str() {
//!             "inc" => { s.n += 1; Ok(()) }
//!             _ => Err(EventError::unknown()),
//!         }
//!     }
//! }
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let template = Template::html("counter", r#"<button lvt-click="inc">{{.N}}</button>"#)?;
//! let live = Live::new(Application::new()?, template, CounterView);
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
//! axum::serve(listener, live.router()).await?;
//! # Ok(()) }
//! ```
//!
//! ## Routes
//!
//! | route | what |
//! |---|---|
//! | `GET /` | the page: a new one, or the one whose token is in the `lvt_token` cookie (a reload keeps the state) |
//! | `GET /live/ws?token=T` | the WebSocket of page `T` |
//! | `GET /live/livetemplate.js`, `/live/rendered.js`, `/live/morphdom.js` | the browser client (ES modules) |
//!
//! ## WebSocket protocol
//!
//! Every frame is one JSON text message.
//!
//! Browser to server: `{"event": "toggle", "data": {"id": "3"}}` (`data` is
//! an optional object; the client fills it from `lvt-value-*` attributes or
//! the fields of an `lvt-submit` form).
//!
//! Server to browser:
//! - `{"rendered": TREE}` right after connecting (and after every reconnect):
//!   the full LiveView rendered tree; the client replaces what it holds.
//! - `{"diff": DIFF}` after an event or a server push: a LiveView diff to merge.
//! - `{"error": {"kind": K, "message": M}}`: a refused frame. Kinds:
//!   `bad_message` (not JSON, not the shape above, or a binary frame),
//!   `unknown_event`, `event_rejected` (the view refused the data),
//!   `render_failed`; the socket stays open for these. `token_invalid`
//!   (unknown, expired or forged token), `page_closed` (the page expired or
//!   was closed while connected) and `superseded` (the page was opened by a
//!   newer connection) are followed by a close frame.
//!
//! A frame larger than [`Options::max_message_bytes`] closes the socket. Nothing
//! a browser sends can panic the server or reach a page other than the one
//! its token names.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::Router;
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use livetemplate::{Application, Page, Template};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json};
use tokio::sync::watch;

/// The browser client's entry module (`/live/livetemplate.js`).
pub const CLIENT_JS: &str = include_str!("../client/livetemplate.js");
/// The client's LiveView tree merge and render (`/live/rendered.js`).
pub const RENDERED_JS: &str = include_str!("../client/rendered.js");
/// morphdom 2.7.8 (MIT), vendored (`/live/morphdom.js`).
pub const MORPHDOM_JS: &str = include_str!("../client/morphdom.js");

/// The cookie holding the page token, so a reload reopens the same page.
pub const TOKEN_COOKIE: &str = "lvt_token";

/// An event sent by the browser.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// The event name (`lvt-click="toggle"` gives `"toggle"`).
    pub name: String,
    /// The event's data (`lvt-value-id="3"` gives `{"id": "3"}`).
    pub data: Map<String, Json>,
}

impl Event {
    /// The data field `key` as a string (numbers are formatted).
    pub fn str(&self, key: &str) -> Option<String> {
        match self.data.get(key)? {
            Json::String(s) => Some(s.clone()),
            Json::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }

    /// The data field `key` parsed as a `u64` (from a string or a number).
    pub fn u64(&self, key: &str) -> Result<u64, EventError> {
        self.str(key)
            .and_then(|s| s.trim().parse().ok())
            .ok_or_else(|| EventError::invalid(format!("{key:?} must be a non-negative integer")))
    }
}

/// Why a view refused an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventError {
    /// The view has no such event.
    Unknown,
    /// The event exists but its data is not acceptable.
    Invalid(String),
}

impl EventError {
    /// The view has no such event.
    pub fn unknown() -> Self {
        EventError::Unknown
    }

    /// The data is not acceptable, for `reason`.
    pub fn invalid(reason: impl Into<String>) -> Self {
        EventError::Invalid(reason.into())
    }
}

impl fmt::Display for EventError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EventError::Unknown => f.write_str("unknown event"),
            EventError::Invalid(r) => write!(f, "invalid event: {r}"),
        }
    }
}

impl std::error::Error for EventError {}

/// The behaviour of a live page: its initial state, how events change it,
/// and optionally a server timer.
pub trait LiveView: Send + Sync + 'static {
    /// The page's data; it is serialized into the template's data.
    type State: Serialize + Clone + Send + 'static;

    /// The state of a new page.
    fn mount(&self) -> Self::State;

    /// Applies `event` to `state`. On an error the page keeps its previous
    /// state (changes made before returning the error are discarded).
    fn handle_event(&self, state: &mut Self::State, event: &Event) -> Result<(), EventError>;

    /// How often [`LiveView::tick`] runs for each connected page (`None`: never).
    fn tick_interval(&self) -> Option<Duration> {
        None
    }

    /// A server timer tick: change `state` and return whether anything changed.
    fn tick(&self, _state: &mut Self::State) -> bool {
        false
    }
}

/// A page as the integration holds it: the runtime page, the typed state,
/// and the generation of the connection that owns it.
struct Entry<S> {
    page: Page,
    state: Mutex<S>,
    generation: watch::Sender<u64>,
}

impl<S> Entry<S> {
    fn state(&self) -> MutexGuard<'_, S> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The state, locked, if the connection of `generation` still owns the page.
    fn owned_state(&self, generation: u64) -> Result<MutexGuard<'_, S>, Refusal> {
        let state = self.state();
        if *self.generation.borrow() != generation {
            return Err(superseded());
        }
        Ok(state)
    }
}

struct Inner<V: LiveView> {
    app: Application,
    template: Template,
    view: V,
    title: String,
    head: String,
    max_message_bytes: usize,
    entries: Mutex<HashMap<String, Arc<Entry<V::State>>>>,
}

impl<V: LiveView> Inner<V> {
    fn entries(&self) -> MutexGuard<'_, HashMap<String, Arc<Entry<V::State>>>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A live view served over axum. Cheap to clone (an `Arc`).
pub struct Live<V: LiveView> {
    inner: Arc<Inner<V>>,
}

impl<V: LiveView> Clone for Live<V> {
    fn clone(&self) -> Self {
        Live {
            inner: Arc::clone(&self.inner),
        }
    }
}

impl<V: LiveView> fmt::Debug for Live<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Live")
            .field("template", &self.inner.template)
            .field("pages", &self.page_count())
            .finish_non_exhaustive()
    }
}

/// A frame the server sends.
#[derive(Serialize)]
#[serde(rename_all = "snake_case")]
enum ServerFrame<'a> {
    Rendered(&'a serde_json::value::RawValue),
    Diff(&'a serde_json::value::RawValue),
    Error { kind: &'a str, message: &'a str },
}

impl ServerFrame<'_> {
    fn text(&self) -> String {
        // Serializing borrowed strings and raw JSON into a String cannot fail.
        serde_json::to_string(self).unwrap_or_else(|_| {
            r#"{"error":{"kind":"internal","message":"frame encoding"}}"#.into()
        })
    }
}

/// A frame the browser sends.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClientFrame {
    event: String,
    #[serde(default)]
    data: Option<Map<String, Json>>,
}

#[derive(Deserialize)]
struct WsQuery {
    #[serde(default)]
    token: String,
}

/// Page and socket options of a [`Live`].
#[derive(Debug, Clone)]
pub struct Options {
    /// The document title (default `LiveTemplate`); HTML-escaped.
    pub title: String,
    /// Raw HTML added to `<head>` (styles, meta tags). Trusted, not escaped.
    pub head: String,
    /// Largest WebSocket message accepted, in bytes (default 64 KiB); a
    /// larger one closes the socket.
    pub max_message_bytes: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            title: "LiveTemplate".into(),
            head: String::new(),
            max_message_bytes: 64 * 1024,
        }
    }
}

/// A page created by [`Live::new_page`].
#[derive(Debug, Clone)]
pub struct NewPage {
    /// The page's token (for `/live/ws?token=`).
    pub token: String,
    /// The whole HTML document of the first render.
    pub html: String,
}

/// An error frame to send, and whether to close the socket after it.
struct Refusal {
    kind: &'static str,
    message: String,
    close: bool,
}

impl Refusal {
    fn open(kind: &'static str, message: impl Into<String>) -> Self {
        Refusal {
            kind,
            message: message.into(),
            close: false,
        }
    }
}

impl<V: LiveView> Live<V> {
    /// Serves `template` with `view`'s state, pages held by `app`, with
    /// default [`Options`].
    pub fn new(app: Application, template: Template, view: V) -> Self {
        Live::with_options(app, template, view, Options::default())
    }

    /// Like [`Live::new`], with `options`.
    pub fn with_options(app: Application, template: Template, view: V, options: Options) -> Self {
        Live {
            inner: Arc::new(Inner {
                app,
                template,
                view,
                title: options.title,
                head: options.head,
                max_message_bytes: options.max_message_bytes,
                entries: Mutex::new(HashMap::new()),
            }),
        }
    }

    /// The application holding the pages.
    pub fn application(&self) -> &Application {
        &self.inner.app
    }

    /// Pages this integration holds now.
    pub fn page_count(&self) -> usize {
        self.inner.entries().len()
    }

    /// The state of the page `token` opens, if it is live.
    pub fn state(&self, token: &str) -> Option<V::State> {
        let entry = self.lookup(token).ok()?;
        let state = entry.state().clone();
        Some(state)
    }

    /// The axum router with the page, WebSocket and client routes.
    pub fn router(&self) -> Router {
        Router::new()
            .route("/", get(index::<V>))
            .route("/live/ws", get(websocket::<V>))
            .route("/live/livetemplate.js", get(|| async { js(CLIENT_JS) }))
            .route("/live/rendered.js", get(|| async { js(RENDERED_JS) }))
            .route("/live/morphdom.js", get(|| async { js(MORPHDOM_JS) }))
            .with_state(self.clone())
    }

    /// Creates a page with the view's initial state; returns its token and
    /// first HTML document.
    pub fn new_page(&self) -> livetemplate::Result<NewPage> {
        self.sweep();
        let state = self.inner.view.mount();
        let page = self.inner.app.new_page(&self.inner.template, &state)?;
        let html = page.render()?;
        let token = page.token();
        let (generation, _) = watch::channel(0);
        self.inner.entries().insert(
            page.id().to_string(),
            Arc::new(Entry {
                page,
                state: Mutex::new(state),
                generation,
            }),
        );
        Ok(NewPage {
            html: self.document(&token, &html),
            token,
        })
    }

    /// The document of an existing page (a reload).
    fn existing_page(&self, token: &str) -> Option<String> {
        let entry = self.lookup(token).ok()?;
        let html = entry.page.render().ok()?;
        Some(self.document(token, &html))
    }

    /// Forgets pages the application closed or expired.
    fn sweep(&self) {
        self.inner.entries().retain(|_, e| !e.page.is_closed());
    }

    fn lookup(&self, token: &str) -> Result<Arc<Entry<V::State>>, Refusal> {
        let refused = |message: String| Refusal {
            kind: "token_invalid",
            message,
            close: true,
        };
        let page = self
            .inner
            .app
            .get_page(token)
            .map_err(|e| refused(e.to_string()))?;
        self.inner
            .entries()
            .get(page.id())
            .cloned()
            .ok_or_else(|| refused("page not served here".into()))
    }

    fn document(&self, token: &str, body: &str) -> String {
        format!(
            "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <title>{title}</title>\n{head}\n</head>\n<body>\n\
             <div id=\"lvt-root\" data-lvt-token=\"{token}\" data-lvt-ws=\"/live/ws\">{body}</div>\n\
             <script type=\"module\" src=\"/live/livetemplate.js\"></script>\n</body>\n</html>\n",
            title = escape_html(&self.inner.title),
            head = self.inner.head,
            token = escape_html(token),
        )
    }

    /// Applies one text frame to the page; returns the frame to send back.
    fn handle_text(
        &self,
        entry: &Entry<V::State>,
        generation: u64,
        text: &str,
    ) -> Result<Option<String>, Refusal> {
        let bad = |e: String| {
            Refusal::open(
                "bad_message",
                format!("expected {{\"event\": name, \"data\": {{...}}}}: {e}"),
            )
        };
        // Parse as an object first: serde would also accept a JSON array as the struct.
        let object: Map<String, Json> =
            serde_json::from_str(text).map_err(|e| bad(e.to_string()))?;
        let frame: ClientFrame =
            serde_json::from_value(Json::Object(object)).map_err(|e| bad(e.to_string()))?;
        let event = Event {
            name: frame.event,
            data: frame.data.unwrap_or_default(),
        };
        let mut state = entry.owned_state(generation)?;
        let mut next = state.clone();
        self.inner
            .view
            .handle_event(&mut next, &event)
            .map_err(|e| match e {
                EventError::Unknown => {
                    Refusal::open("unknown_event", format!("unknown event {:?}", event.name))
                }
                EventError::Invalid(r) => Refusal::open("event_rejected", r),
            })?;
        let out = self.render(entry, &next)?;
        *state = next;
        Ok(out)
    }

    /// Renders `state` into the page: the diff frame, or `None` if nothing changed.
    fn render(&self, entry: &Entry<V::State>, state: &V::State) -> Result<Option<String>, Refusal> {
        let fragments = entry.page.render_fragments(state).map_err(|e| {
            if entry.page.is_closed() {
                // Expired or closed while connected: nothing more can happen here.
                Refusal {
                    kind: "page_closed",
                    message: e.to_string(),
                    close: true,
                }
            } else {
                Refusal::open("render_failed", e.to_string())
            }
        })?;
        Ok(fragments.first().map(|f| ServerFrame::Diff(&f.data).text()))
    }

    async fn serve_socket(self, mut socket: WebSocket, token: String) {
        let entry = match self.lookup(&token) {
            Ok(e) => e,
            Err(r) => {
                refuse(&mut socket, &r).await;
                return;
            }
        };
        // A new connection takes the page over; an older one is told to close.
        // Under the state lock, so no diff of an older connection can slip in
        // between the new generation and the full tree the new client starts from.
        let mut generation = entry.generation.subscribe();
        let (mine, first) = {
            let _state = entry.state();
            entry.generation.send_modify(|g| *g += 1);
            (*entry.generation.borrow(), entry.page.render_tree())
        };
        generation.mark_unchanged();
        let first = match first
            .map_err(|e| e.to_string())
            .and_then(|t| serde_json::value::RawValue::from_string(t).map_err(|e| e.to_string()))
        {
            Ok(t) => ServerFrame::Rendered(&t).text(),
            Err(e) => {
                let r = Refusal {
                    kind: "render_failed",
                    message: e,
                    close: true,
                };
                refuse(&mut socket, &r).await;
                return;
            }
        };
        if socket.send(Message::text(first)).await.is_err() {
            return;
        }
        let mut ticker = self.inner.view.tick_interval().map(|d| {
            let mut t = tokio::time::interval(d.max(Duration::from_millis(10)));
            t.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
            t
        });
        loop {
            let outcome: Result<Option<String>, Refusal> = tokio::select! {
                msg = socket.recv() => match msg {
                    None | Some(Ok(Message::Close(_))) => break,
                    Some(Err(e)) => {
                        // Oversized frames and protocol errors end the connection.
                        tracing::debug!(error = %e, "websocket closed on error");
                        let r = Refusal { kind: "bad_message", message: e.to_string(), close: true };
                        refuse(&mut socket, &r).await;
                        break;
                    }
                    Some(Ok(Message::Text(t))) => self.handle_text(&entry, mine, t.as_str()),
                    Some(Ok(Message::Binary(_))) => Err(Refusal::open("bad_message", "binary frames are not accepted")),
                    Some(Ok(Message::Ping(_) | Message::Pong(_))) => Ok(None),
                },
                _ = generation.changed() => Err(superseded()),
                _ = tick(&mut ticker) => self.on_tick(&entry, mine),
            };
            match outcome {
                Ok(None) => {}
                Ok(Some(frame)) => {
                    if socket.send(Message::text(frame)).await.is_err() {
                        break;
                    }
                }
                Err(r) => {
                    if !refuse(&mut socket, &r).await || r.close {
                        break;
                    }
                }
            }
        }
        tracing::debug!(page_id = entry.page.id(), "websocket ended");
    }

    fn on_tick(&self, entry: &Entry<V::State>, generation: u64) -> Result<Option<String>, Refusal> {
        let mut state = entry.owned_state(generation)?;
        let mut next = state.clone();
        if !self.inner.view.tick(&mut next) {
            return Ok(None);
        }
        let out = self.render(entry, &next)?;
        *state = next;
        Ok(out)
    }
}

fn superseded() -> Refusal {
    Refusal {
        kind: "superseded",
        message: "the page was opened by a newer connection".into(),
        close: true,
    }
}

/// Waits for the next tick, or forever without a timer.
async fn tick(ticker: &mut Option<tokio::time::Interval>) {
    match ticker {
        Some(t) => {
            t.tick().await;
        }
        None => std::future::pending::<()>().await,
    }
}

/// Sends an error frame (and a close frame if `r.close`); returns whether
/// the socket is still usable.
async fn refuse(socket: &mut WebSocket, r: &Refusal) -> bool {
    let frame = ServerFrame::Error {
        kind: r.kind,
        message: &r.message,
    }
    .text();
    if socket.send(Message::text(frame)).await.is_err() {
        return false;
    }
    if r.close {
        let code = if r.kind == "token_invalid" {
            4001
        } else {
            1008
        };
        let _ = socket
            .send(Message::Close(Some(CloseFrame {
                code,
                reason: Utf8Bytes::from_static("refused"),
            })))
            .await;
        return false;
    }
    true
}

fn js(source: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        source,
    )
        .into_response()
}

/// The `lvt_token` cookie's value, if any.
fn token_cookie(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == TOKEN_COOKIE)
        .map(|(_, v)| v)
}

async fn index<V: LiveView>(State(live): State<Live<V>>, headers: HeaderMap) -> Response {
    if let Some(html) = token_cookie(&headers).and_then(|t| live.existing_page(t)) {
        return Html(html).into_response();
    }
    match live.new_page() {
        Ok(p) => {
            let cookie = format!(
                "{TOKEN_COOKIE}={}; Path=/; HttpOnly; SameSite=Strict",
                p.token
            );
            let mut resp = Html(p.html).into_response();
            if let Ok(v) = HeaderValue::from_str(&cookie) {
                resp.headers_mut().insert(header::SET_COOKIE, v);
            }
            resp
        }
        Err(e) => {
            tracing::warn!(error = %e, "cannot create page");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                format!("cannot create page: {e}\n"),
            )
                .into_response()
        }
    }
}

async fn websocket<V: LiveView>(
    State(live): State<Live<V>>,
    Query(q): Query<WsQuery>,
    ws: WebSocketUpgrade,
) -> Response {
    let max = live.inner.max_message_bytes;
    ws.max_message_size(max)
        .max_frame_size(max)
        .on_upgrade(move |socket| live.serve_socket(socket, q.token))
}

/// Escapes text for HTML content and quoted attributes.
fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The address to listen on: `127.0.0.1` and the port in `$PORT`, or
/// `default_port` (`PORT=0` picks a free port).
pub fn listen_addr(default_port: u16) -> std::net::SocketAddr {
    let port = std::env::var("PORT")
        .ok()
        .and_then(|p| p.trim().parse().ok())
        .unwrap_or(default_port);
    std::net::SocketAddr::from(([127, 0, 0, 1], port))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_parsing() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; lvt_token=abc.def; b=2"),
        );
        assert_eq!(token_cookie(&h), Some("abc.def"));
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_static("lvt_tokenx=1"));
        assert_eq!(token_cookie(&h), None);
    }

    #[test]
    fn escaping() {
        assert_eq!(
            escape_html(r#"<a href="x">&'"#),
            "&lt;a href=&#34;x&#34;&gt;&amp;&#39;"
        );
    }

    #[test]
    fn error_frame_shape() {
        let f = ServerFrame::Error {
            kind: "bad_message",
            message: "a \"b\"",
        }
        .text();
        assert_eq!(f, r#"{"error":{"kind":"bad_message","message":"a \"b\""}}"#);
    }
}
