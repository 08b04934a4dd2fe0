//! The WebSocket endpoint over a real loopback server: the event loop, and
//! bad frames (unknown event, malformed JSON, wrong token, oversized frame)
//! answered with an error frame or a closed socket, never touching another page.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use livetemplate::{Application, Template};
use livetemplate_axum::{Event, EventError, Live, LiveView, Options};
use serde::Serialize;
use serde_json::Value as Json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, connect_async};

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

#[derive(Clone, Serialize, Debug, PartialEq)]
struct Counter {
    #[serde(rename = "N")]
    n: i64,
    #[serde(rename = "Items")]
    items: Vec<String>,
}

struct CounterView;

impl LiveView for CounterView {
    type State = Counter;

    fn mount(&self) -> Counter {
        Counter {
            n: 0,
            items: vec!["a".into(), "b".into()],
        }
    }

    fn handle_event(&self, s: &mut Counter, e: &Event) -> Result<(), EventError> {
        match e.name.as_str() {
            "inc" => {
                s.n += match e.data.get("by") {
                    Some(_) => i64::try_from(e.u64("by")?)
                        .map_err(|_| EventError::invalid("by is too large"))?,
                    None => 1,
                };
                Ok(())
            }
            "fail" => {
                s.n = -1000; // discarded: the error keeps the old state
                Err(EventError::invalid("always fails"))
            }
            _ => Err(EventError::unknown()),
        }
    }
}

const TEMPLATE: &str =
    r#"<p>count: <b>{{.N}}</b></p><ul>{{range .Items}}<li data-key="{{.}}">{{.}}</li>{{end}}</ul>"#;

struct Server {
    live: Live<CounterView>,
    addr: std::net::SocketAddr,
}

async fn server(max: usize) -> Server {
    let template = Template::html("counter", TEMPLATE).unwrap();
    let options = Options {
        max_message_bytes: max,
        ..Options::default()
    };
    let live = Live::with_options(Application::new().unwrap(), template, CounterView, options);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = live.router();
    tokio::spawn(async move { axum::serve(listener, router).await });
    Server { live, addr }
}

async fn connect(addr: std::net::SocketAddr, token: &str) -> Ws {
    let (ws, _) = connect_async(format!("ws://{addr}/live/ws?token={token}"))
        .await
        .unwrap();
    ws
}

/// The next frame within 5 s: `Some(json)` for text, `None` for close/end.
async fn next(ws: &mut Ws) -> Option<Json> {
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(5), ws.next())
            .await
            .expect("no frame within 5 s");
        match msg {
            Some(Ok(Message::Text(t))) => return Some(serde_json::from_str(&t).unwrap()),
            Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
            _ => return None,
        }
    }
}

async fn send(ws: &mut Ws, text: &str) {
    ws.send(Message::text(text)).await.unwrap();
}

fn error_kind(frame: &Json) -> &str {
    frame["error"]["kind"].as_str().unwrap_or("")
}

async fn joined(s: &Server) -> (String, Ws) {
    let token = s.live.new_page().unwrap().token;
    let mut ws = connect(s.addr, &token).await;
    let first = next(&mut ws).await.unwrap();
    assert!(first["rendered"].is_object(), "{first}");
    (token, ws)
}

#[tokio::test]
async fn events_answer_with_small_diffs() {
    let s = server(64 * 1024).await;
    let page = s.live.new_page().unwrap();
    assert!(page.html.contains("<p>count: <b>0</b></p>"));
    assert!(
        page.html
            .contains(&format!("data-lvt-token=\"{}\"", page.token))
    );
    let mut ws = connect(s.addr, &page.token).await;
    let first = next(&mut ws).await.unwrap();
    let tree = first["rendered"].to_string();
    assert!(tree.contains("count: <b>"), "{tree}");
    send(&mut ws, r#"{"event":"inc","data":{"by":"5"}}"#).await;
    let diff = next(&mut ws).await.unwrap();
    assert_eq!(diff["diff"]["0"], "5", "{diff}");
    assert!(diff.to_string().len() < 40, "{diff}");
    send(&mut ws, r#"{"event":"inc"}"#).await;
    assert_eq!(next(&mut ws).await.unwrap()["diff"]["0"], "6");
    assert_eq!(s.live.state(&page.token).unwrap().n, 6);
}

#[tokio::test]
async fn unknown_event_and_malformed_json_get_error_frames_and_touch_nothing() {
    let s = server(64 * 1024).await;
    let (other_token, mut other) = joined(&s).await;
    send(&mut other, r#"{"event":"inc"}"#).await;
    next(&mut other).await.unwrap();
    let (token, mut ws) = joined(&s).await;

    for (frame, kind) in [
        (r#"{"event":"explode","data":{}}"#, "unknown_event"),
        (r#"{"event":"inc","#, "bad_message"),
        ("not json at all", "bad_message"),
        (r#"["inc"]"#, "bad_message"),
        (r#"{"event":7}"#, "bad_message"),
        (r#"{"event":"inc","data":"x"}"#, "bad_message"),
        (r#"{"event":"inc","token":"x"}"#, "bad_message"),
        (r#"{"event":"inc","data":{"by":"-3"}}"#, "event_rejected"),
        (r#"{"event":"fail"}"#, "event_rejected"),
    ] {
        send(&mut ws, frame).await;
        let reply = next(&mut ws).await.expect("socket stays open");
        assert_eq!(error_kind(&reply), kind, "{frame} -> {reply}");
    }
    ws.send(Message::binary(vec![1, 2, 3])).await.unwrap();
    assert_eq!(error_kind(&next(&mut ws).await.unwrap()), "bad_message");

    // Nothing changed, here or on the other page; the socket still works.
    assert_eq!(s.live.state(&token).unwrap().n, 0);
    assert_eq!(s.live.state(&other_token).unwrap().n, 1);
    send(&mut ws, r#"{"event":"inc"}"#).await;
    assert_eq!(next(&mut ws).await.unwrap()["diff"]["0"], "1");
    assert_eq!(s.live.state(&other_token).unwrap().n, 1);
}

#[tokio::test]
async fn wrong_tokens_are_refused_and_closed() {
    let s = server(64 * 1024).await;
    let (token, _ws) = joined(&s).await;
    let mut forged = token.clone();
    forged.pop();
    forged.push(if token.ends_with('A') { 'B' } else { 'A' });
    let other_app = Application::new().unwrap();
    let foreign = other_app
        .new_page(&Template::html("x", "{{.}}").unwrap(), 1)
        .unwrap()
        .token();
    for bad in ["", "garbage", forged.as_str(), foreign.as_str()] {
        let mut ws = connect(s.addr, bad).await;
        let reply = next(&mut ws).await.unwrap();
        assert_eq!(error_kind(&reply), "token_invalid", "{bad}: {reply}");
        assert_eq!(next(&mut ws).await, None, "closed after the error");
    }
    assert_eq!(s.live.state(&token).unwrap().n, 0);
}

#[tokio::test]
async fn oversized_frames_close_the_socket() {
    let s = server(1024).await;
    let (token, mut ws) = joined(&s).await;
    let big = format!(
        r#"{{"event":"inc","data":{{"pad":"{}"}}}}"#,
        "x".repeat(4096)
    );
    // The server may close before the whole frame is written.
    let _ = ws.send(Message::text(big)).await;
    loop {
        match tokio::time::timeout(Duration::from_secs(5), ws.next()).await {
            Ok(Some(Ok(Message::Text(t)))) => {
                let j: Json = serde_json::from_str(&t).unwrap();
                assert!(
                    j.get("diff").is_none(),
                    "no diff for an oversized frame: {j}"
                );
            }
            Ok(Some(Ok(_))) => {}
            Ok(None | Some(Err(_))) => break,
            Err(_) => panic!("socket not closed within 5 s"),
        }
    }
    assert_eq!(s.live.state(&token).unwrap().n, 0);
    // The page is still usable from a new connection.
    let mut again = connect(s.addr, &token).await;
    assert!(next(&mut again).await.unwrap()["rendered"].is_object());
    send(&mut again, r#"{"event":"inc"}"#).await;
    assert_eq!(next(&mut again).await.unwrap()["diff"]["0"], "1");
}

#[tokio::test]
async fn reconnect_gets_the_full_tree_and_supersedes_the_old_socket() {
    let s = server(64 * 1024).await;
    let (token, mut old) = joined(&s).await;
    send(&mut old, r#"{"event":"inc","data":{"by":2}}"#).await;
    assert_eq!(next(&mut old).await.unwrap()["diff"]["0"], "2");
    let mut new = connect(s.addr, &token).await;
    let first = next(&mut new).await.unwrap();
    assert_eq!(first["rendered"]["0"], "2", "{first}");
    // An event on the old socket after the takeover changes nothing.
    let _ = old.send(Message::text(r#"{"event":"inc"}"#)).await;
    assert_eq!(error_kind(&next(&mut old).await.unwrap()), "superseded");
    assert_eq!(s.live.state(&token).unwrap().n, 2);
    assert_eq!(next(&mut old).await, None);
    send(&mut new, r#"{"event":"inc"}"#).await;
    assert_eq!(next(&mut new).await.unwrap()["diff"]["0"], "3");
}

/// `GET /` over plain HTTP/1.1; returns the whole response.
async fn get(addr: std::net::SocketAddr, path: &str, cookie: Option<&str>) -> String {
    let mut tcp = TcpStream::connect(addr).await.unwrap();
    let cookie = cookie
        .map(|c| format!("Cookie: {c}\r\n"))
        .unwrap_or_default();
    let req = format!("GET {path} HTTP/1.1\r\nHost: x\r\n{cookie}Connection: close\r\n\r\n");
    tcp.write_all(req.as_bytes()).await.unwrap();
    let mut out = String::new();
    tokio::time::timeout(Duration::from_secs(5), tcp.read_to_string(&mut out))
        .await
        .unwrap()
        .unwrap();
    out
}

#[tokio::test]
async fn http_page_cookie_and_client() {
    let s = server(64 * 1024).await;
    let resp = get(s.addr, "/", None).await;
    assert!(resp.starts_with("HTTP/1.1 200"), "{resp}");
    assert!(resp.contains("<p>count: <b>0</b></p><ul><li data-key=\"a\">a</li>"));
    let token = resp
        .split("lvt_token=")
        .nth(1)
        .and_then(|r| r.split(';').next())
        .unwrap()
        .to_string();
    // Change the page, then reload with the cookie: same page, state kept.
    let mut ws = connect(s.addr, &token).await;
    next(&mut ws).await.unwrap();
    send(&mut ws, r#"{"event":"inc","data":{"by":41}}"#).await;
    next(&mut ws).await.unwrap();
    let again = get(s.addr, "/", Some(&format!("lvt_token={token}"))).await;
    assert!(again.contains("<b>41</b>"), "{again}");
    assert!(!again.contains("set-cookie"));
    assert_eq!(s.live.page_count(), 1);
    // A stale cookie gets a new page.
    let fresh = get(s.addr, "/", Some("lvt_token=stale")).await;
    assert!(fresh.contains("<b>0</b>") && fresh.contains("set-cookie: lvt_token="));
    assert_eq!(s.live.page_count(), 2);
    for path in [
        "/live/livetemplate.js",
        "/live/rendered.js",
        "/live/morphdom.js",
    ] {
        let js = get(s.addr, path, None).await;
        assert!(
            js.starts_with("HTTP/1.1 200") && js.contains("text/javascript"),
            "{path}"
        );
    }
}

struct TickView;

impl LiveView for TickView {
    type State = i64;

    fn mount(&self) -> i64 {
        0
    }

    fn handle_event(&self, _: &mut i64, _: &Event) -> Result<(), EventError> {
        Err(EventError::unknown())
    }

    fn tick_interval(&self) -> Option<Duration> {
        Some(Duration::from_millis(20))
    }

    fn tick(&self, n: &mut i64) -> bool {
        *n += 1;
        true
    }
}

#[tokio::test]
async fn server_timer_pushes_diffs() {
    let template = Template::html("tick", "<p>{{.}}</p>").unwrap();
    let live = Live::new(Application::new().unwrap(), template, TickView);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = live.router();
    tokio::spawn(async move { axum::serve(listener, router).await });
    let token = live.new_page().unwrap().token;
    let mut ws = connect(addr, &token).await;
    assert_eq!(next(&mut ws).await.unwrap()["rendered"]["0"], "0");
    // No event is sent: the server timer pushes each change as a diff.
    for want in ["1", "2", "3"] {
        let push = next(&mut ws).await.unwrap();
        assert_eq!(push["diff"]["0"], want, "{push}");
        assert_eq!(push["diff"].as_object().unwrap().len(), 1, "{push}");
    }
}

#[tokio::test]
async fn a_page_closed_while_connected_closes_its_socket_only() {
    let s = server(64 * 1024).await;
    let (other_token, mut other) = joined(&s).await;
    let (token, mut ws) = joined(&s).await;
    s.live
        .application()
        .get_page(&token)
        .expect("live page")
        .close();
    send(&mut ws, r#"{"event":"inc"}"#).await;
    assert_eq!(error_kind(&next(&mut ws).await.unwrap()), "page_closed");
    assert_eq!(next(&mut ws).await, None);
    send(&mut other, r#"{"event":"inc"}"#).await;
    assert_eq!(next(&mut other).await.unwrap()["diff"]["0"], "1");
    assert_eq!(s.live.state(&other_token).unwrap().n, 1);
}
