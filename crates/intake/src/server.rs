//! The HTTP service: [`router`] builds it, [`Server`] binds and runs it.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::http::Request;
use axum::http::{HeaderValue, header};
use axum::routing::get;
use axum::{Router, middleware};
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultOnFailure, TraceLayer};
use tracing::Level;

use crate::config::{Catalog, Config};
use crate::conn::{self, ConnectionLimits};
use crate::error::{self, Error};
use crate::state::AppState;
use crate::storage::{PostgresStorage, SqliteStorage, Storage};
use crate::{
    assets, capabilities, cors, directory, dossiers, gc, headers, health, rate_limit, status,
    uploads,
};

/// Builds the whole service for `state`, without binding a socket.
pub fn router(state: AppState) -> Router {
    let trace = TraceLayer::new_for_http()
        .make_span_with(|request: &Request<_>| {
            tracing::info_span!(
                "request",
                method = %request.method(),
                path = %request.uri().path(),
            )
        })
        .on_request(())
        .on_response(
            |response: &axum::http::Response<_>, latency: Duration, _span: &tracing::Span| {
                tracing::info!(
                    status = response.status().as_u16(),
                    latency_us = latency.as_micros() as u64,
                    "response"
                );
            },
        )
        .on_failure(DefaultOnFailure::new().level(Level::WARN));
    let protocol = Router::new()
        .merge(uploads::routes())
        .merge(dossiers::routes())
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            rate_limit::protocol,
        ));
    let lookups = status::routes()
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            rate_limit::lookup,
        ))
        .layer(DefaultBodyLimit::max(4096))
        // Answers about people, refusals included, are never stored.
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ));
    let csp = headers::content_security_policy(
        state
            .directory()
            .map(|d| d.backend_origins())
            .unwrap_or_default(),
    );
    Router::new()
        .route("/.well-known/motcua", get(capabilities::get))
        .route(directory::DIRECTORY_PATH, get(directory::get))
        .route(directory::PUBLISHERS_PATH, get(directory::publishers))
        .route("/healthz", get(health::get))
        .merge(assets::catalog_routes())
        .merge(protocol)
        .merge(lookups)
        .fallback(assets::static_files)
        .layer(middleware::from_fn(error::method_problem))
        .layer(middleware::from_fn_with_state(csp, headers::add))
        // Outside the rate limits (route layers): preflights take no token.
        .layer(middleware::from_fn_with_state(state.clone(), cors::handle))
        .layer(CompressionLayer::new().gzip(true).br(true))
        .layer(trace)
        .with_state(state)
}

/// Deletes expired uploads and unused blobs now and every ten minutes, and
/// forgets idle clients' rate-limit buckets.
fn spawn_housekeeping(state: AppState) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(600));
        loop {
            tick.tick().await;
            if let Err(err) = uploads::expire(&state).await {
                tracing::warn!(?err, "could not delete expired uploads");
            }
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64);
            if let Err(err) = gc::collect(&state, now).await {
                tracing::warn!(?err, "could not delete unused blobs");
            }
            state.protocol_limiter().prune(std::time::Instant::now());
            state.lookup_limiter().prune(std::time::Instant::now());
        }
    });
}

/// A server bound to its socket, ready to run.
#[derive(Debug)]
pub struct Server {
    listener: TcpListener,
    router: Router,
    local_addr: SocketAddr,
    connections: ConnectionLimits,
}

impl Server {
    /// Opens the data directory and database, checks the built app is there,
    /// and binds the socket (port 0 picks a free one).
    pub async fn bind(config: Config, catalog: Catalog) -> Result<Self, Error> {
        let listener = TcpListener::bind(config.addr)
            .await
            .map_err(|source| Error::Listen {
                addr: config.addr,
                source,
            })?;
        Self::with_listener(listener, config, catalog).await
    }

    /// As [`bind`](Self::bind), on a socket already bound: for a caller
    /// that must know the address (port 0) before the service is built,
    /// e.g. to name it in the directory it publishes.
    pub async fn with_listener(
        listener: TcpListener,
        config: Config,
        catalog: Catalog,
    ) -> Result<Self, Error> {
        if !config.dist_dir.join("index.html").is_file() {
            return Err(Error::NoApp(config.dist_dir));
        }
        let storage: Arc<dyn Storage> = match &config.database {
            Some(url) => Arc::new(PostgresStorage::connect(url).await?),
            None => {
                let data_dir = config.data_dir.clone();
                let sqlite = tokio::task::spawn_blocking(move || SqliteStorage::open(&data_dir))
                    .await
                    .map_err(|e| Error::Io {
                        action: "open database in",
                        path: config.data_dir.clone(),
                        source: std::io::Error::other(e),
                    })??;
                Arc::new(sqlite)
            }
        };
        let state = AppState::open(storage, catalog, &config).await?;
        spawn_housekeeping(state.clone());
        let local_addr = listener.local_addr().map_err(|source| Error::Listen {
            addr: config.addr,
            source,
        })?;
        Ok(Self {
            listener,
            router: router(state),
            local_addr,
            connections: config.connections,
        })
    }

    /// The address actually bound.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Serves until `shutdown` completes, then lets requests in flight finish.
    pub async fn run(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), Error> {
        conn::serve(self.listener, self.router, self.connections, shutdown).await;
        Ok(())
    }
}

/// Binds and serves `config` until `shutdown` completes.
pub async fn serve(
    config: Config,
    catalog: Catalog,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), Error> {
    Server::bind(config, catalog).await?.run(shutdown).await
}
