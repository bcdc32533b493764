//! Bulk filing (issue 14): a business files many dossiers of one procedure
//! from one spreadsheet. The logic is `motcua-bulk`'s; this is the thin
//! shell around it, over two threads:
//!
//! - in the bulk worker (the `motcua-bulk-worker` binary, loaded only when
//!   the bulk screen opens, so the first screen's wasm carries none of the
//!   spreadsheet code): `engine`, which holds the procedure, the sheet, its
//!   mapping and the checked rows;
//! - on the page: `client` (the screen's side of that worker) and `state`
//!   (the screen's reducer);
//! - on both sides: `jobs`, the messages between them.

pub(crate) mod client;
pub(crate) mod engine;
pub(crate) mod jobs;
pub(crate) mod state;
