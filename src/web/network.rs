//! `/network`: who met whom among the officials, drawn on the server.

use askama::Template;
use axum::extract::State;
use axum::response::Html;

use super::PageAt;
use super::charts::network::{self, Network};
use crate::catalog;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "network.html")]
pub struct NetworkPage {
    pub title: String,
    pub section: &'static str,
    pub network: Option<Network>,
    /// How many officials took part in any event, of whom the busiest are drawn.
    pub officials: i64,
}

/// The most officials drawn: beyond this the picture stops being readable (and its cost would
/// grow with the record). The rest are on `/officials`.
pub const MAX_OFFICIALS: i64 = 40;
/// The most pairs drawn, the strongest first.
pub const MAX_PAIRS: i64 = 150;

pub async fn show(State(state): State<AppState>) -> PageAt {
    let (revision, graph) = catalog::overview::network(&state.db, MAX_OFFICIALS, MAX_PAIRS)
        .await?
        .into_parts();
    let page = NetworkPage {
        title: "Who met whom".into(),
        section: "officials",
        network: network::lay_out(&graph.nodes, &graph.edges),
        officials: graph.officials,
    };
    Ok((revision, Html(page.render()?)))
}
