//! Calendar dates, owned by the protocol crate (the manifest and receipts
//! write them too) and named here so that the form modules read as before.

pub use motcua_protocol::Date;
