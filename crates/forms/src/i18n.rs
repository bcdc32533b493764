//! Text in the two languages motcua speaks, owned by the protocol crate and
//! named here so that the form modules read as before.

pub use motcua_protocol::{Lang, LocalizedText};
