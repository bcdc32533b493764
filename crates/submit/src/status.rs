//! The answer to a status look-up: the protocol crate's types, named here
//! for users of the client.

pub use motcua_protocol::{DossierStatus, StatusEvent, StatusQuery, StatusReport};
