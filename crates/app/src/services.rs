//! Network calls and device storage of the app.

pub(crate) mod attach;
pub(crate) mod capabilities;
pub(crate) mod catalog;
pub(crate) mod directory;
pub(crate) mod drafts;
pub(crate) mod keys;
pub(crate) mod outbox;
pub(crate) mod receipt;
pub(crate) mod sender;
pub(crate) mod signing;
pub(crate) mod store;
pub(crate) mod units;
pub(crate) mod worker;
