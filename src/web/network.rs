//! `/network`: who met whom among the officials, drawn on the server.

use askama::Template;
use axum::extract::State;
use axum::response::Html;

use super::charts::network::{self, Network};
use crate::db::charts;
use crate::error::Result;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "network.html")]
pub struct NetworkPage {
    pub title: String,
    pub section: &'static str,
    pub network: Option<Network>,
}

pub async fn show(State(state): State<AppState>) -> Result<Html<String>> {
    let nodes = charts::graph_nodes(&state.db).await?;
    let edges = charts::graph_edges(&state.db).await?;
    let page = NetworkPage {
        title: "Who met whom".into(),
        section: "officials",
        network: network::lay_out(&nodes, &edges),
    };
    Ok(Html(page.render()?))
}
