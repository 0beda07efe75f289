//! Value types shared by the dataset, the database and the web layer.

pub mod commitment;
pub mod date;
pub mod exports;
pub mod filter;
pub mod language;
pub mod links;
pub mod phase;
pub mod query;
pub mod readout;
pub mod search;
pub mod slug;
pub mod vocabulary;

pub use date::{FuzzyDate, Precision};
pub use filter::{FilterError, TimelineFilter};
pub use language::LanguageTag;
pub use slug::Slug;
pub use vocabulary::*;
