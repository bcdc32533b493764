//! The reference one-stop intake server (bộ phận một cửa).
//!
//! It serves the filing app and the procedure catalog, announces its
//! capabilities at `/.well-known/motcua`, and keeps its data in a directory
//! (an embedded SQLite database by default). [`router`] builds the whole HTTP
//! service without a socket, so tests call it directly; [`serve`] binds it.
//!
//! ```no_run
//! use motcua_intake::{Catalog, Config, Server};
//!
//! # async fn run() -> Result<(), motcua_intake::Error> {
//! let config = Config::new(([127, 0, 0, 1], 8080).into(), "data".into(), "dist".into());
//! let catalog = Catalog::from_dir("web/procedures".as_ref())?;
//! let server = Server::bind(config, catalog).await?;
//! println!("serving on http://{}", server.local_addr());
//! server.run(async { let _ = tokio::signal::ctrl_c().await; }).await?;
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod assets;
mod blobs;
mod capabilities;
mod code;
mod config;
mod conn;
mod content;
mod cors;
mod directory;
mod dossiers;
mod error;
mod gc;
mod headers;
mod health;
mod keys;
mod rate_limit;
mod server;
mod state;
mod status;
mod storage;
#[cfg(test)]
mod tests;
mod uploads;

pub use capabilities::{Capabilities, Endpoints, Limits, PROTOCOL};
pub use code::CodeFormat;
pub use config::{Catalog, Config};
pub use conn::ConnectionLimits;
pub use cors::normalize_origin;
pub use directory::{DIRECTORY_PATH, PUBLISHERS_PATH, PublishedDirectory};
pub use error::Error;
pub use keys::{PUBLISHER_KEY_FILE, directory_publisher_key, receipt_key};
pub use rate_limit::RateLimit;
pub use server::{Server, router, serve};
pub use state::AppState;
pub use storage::{
    DossierReceipt, DossierRecord, DossierStatus, NewAttachment, NewDossier, PostgresStorage,
    ReceiptIssuer, SqliteStorage, StatusEvent, Storage, StoreOutcome, Upload, UploadId,
};
