//! Network calls and device storage of the app.

pub(crate) mod catalog;
pub(crate) mod drafts;
pub(crate) mod store;
pub(crate) mod units;
