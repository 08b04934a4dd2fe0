//! A live dashboard pushed by the server:
//! `cargo run -p livetemplate-axum --example dashboard`.
//!
//! Each connected page gets a server timer (once a second): the numbers
//! change on the server and only a LiveView diff of the changed values
//! crosses the wire; no browser event is involved. "Pause" is a browser
//! event that stops the updates. `PORT` picks the port (default 3001).

use std::time::Duration;

use livetemplate::{Application, Template};
use livetemplate_axum::{Event, EventError, Live, LiveView, Options, listen_addr};
use serde::Serialize;

#[derive(Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
struct Card {
    name: &'static str,
    value: String,
    unit: &'static str,
    percent: u32,
}

#[derive(Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
struct Service {
    name: &'static str,
    status: &'static str,
    latency: u32,
    requests: u64,
}

#[derive(Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
struct Dashboard {
    tick: u64,
    paused: bool,
    cards: Vec<Card>,
    services: Vec<Service>,
    #[serde(skip)]
    rng: u64,
}

impl Dashboard {
    /// xorshift64: deterministic numbers without a dependency.
    fn next(&mut self, below: u32) -> u32 {
        let mut x = self.rng;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.rng = x;
        (x % u64::from(below.max(1))) as u32
    }

    fn step(&mut self) {
        self.tick += 1;
        let cpu = 20 + self.next(70);
        let mem = 40 + self.next(40);
        let rps = 800 + self.next(700);
        let err = self.next(50);
        self.cards = vec![
            card("CPU", cpu.to_string(), "%", cpu),
            card("Memory", mem.to_string(), "%", mem),
            card("Requests", rps.to_string(), "/s", rps * 100 / 1500),
            card("Errors", format!("{}.{}", err / 10, err % 10), "%", err * 2),
        ];
        for i in 0..self.services.len() {
            let latency = 20 + self.next(300);
            let added = u64::from(self.next(200));
            let s = &mut self.services[i];
            s.latency = latency;
            s.requests += added;
            s.status = match latency {
                0..=250 => "ok",
                251..=310 => "degraded",
                _ => "down",
            };
        }
    }
}

fn card(name: &'static str, value: String, unit: &'static str, percent: u32) -> Card {
    Card {
        name,
        value,
        unit,
        percent: percent.min(100),
    }
}

struct DashboardView;

impl LiveView for DashboardView {
    type State = Dashboard;

    fn mount(&self) -> Dashboard {
        let services = ["api", "auth", "billing", "search", "storage"]
            .into_iter()
            .map(|name| Service {
                name,
                status: "ok",
                latency: 0,
                requests: 0,
            })
            .collect();
        let mut d = Dashboard {
            tick: 0,
            paused: false,
            cards: Vec::new(),
            services,
            rng: 0x9E37_79B9_7F4A_7C15,
        };
        d.step();
        d
    }

    fn handle_event(&self, s: &mut Dashboard, event: &Event) -> Result<(), EventError> {
        match event.name.as_str() {
            "pause" => {
                s.paused = !s.paused;
                Ok(())
            }
            _ => Err(EventError::unknown()),
        }
    }

    fn tick_interval(&self) -> Option<Duration> {
        Some(Duration::from_secs(1))
    }

    fn tick(&self, s: &mut Dashboard) -> bool {
        if s.paused {
            return false;
        }
        s.step();
        true
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let template = Template::html("dashboard", include_str!("dashboard.html"))?;
    let options = Options {
        title: "LiveTemplate dashboard".into(),
        head: format!("<style>\n{}</style>", include_str!("style.css")),
        ..Options::default()
    };
    let live = Live::with_options(Application::new()?, template, DashboardView, options);
    let listener = tokio::net::TcpListener::bind(listen_addr(3001)).await?;
    println!(
        "dashboard example listening on http://{}/",
        listener.local_addr()?
    );
    axum::serve(listener, live.router()).await?;
    Ok(())
}
