//! Network calls of the app.

pub(crate) mod catalog;
