//! [`Client`]: runs outbox entries and status look-ups over a platform's
//! [`Transport`] and [`Attachments`].

use std::fmt;
use std::time::Duration;

use motcua_dossier::{DossierCode, DossierId};
use serde::Deserialize;
use serde_json::json;

use crate::error::Error;
use crate::office::{Endpoint, ServerInfo};
use crate::outbox::OutboxEntry;
use crate::policy::Policy;
use crate::problem;
use crate::status::StatusReport;
use crate::transport::{Attachments, Method, Request, Transport};

/// What the client reports while it works, for progress bars and logs.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// The office's capabilities were read.
    Discovered {
        /// The dossier.
        dossier: DossierId,
        /// The server's software, as it names itself.
        server: String,
    },
    /// The server confirmed more bytes.
    Progress {
        /// The dossier.
        dossier: DossierId,
        /// Bytes the server holds, of all files.
        sent: u64,
        /// Bytes of all files.
        total: u64,
    },
    /// An attempt failed; the next follows after `delay_ms`.
    Retrying {
        /// The dossier.
        dossier: DossierId,
        /// Failures in a row.
        attempt: u32,
        /// The wait before the next attempt.
        delay_ms: u64,
        /// Why.
        error: Error,
    },
    /// The office acknowledged the dossier.
    Acknowledged {
        /// The dossier.
        dossier: DossierId,
        /// Its code at the office.
        code: DossierCode,
    },
}

type Listener = Box<dyn Fn(&Event)>;

/// The protocol client: one per platform, serving any number of outbox
/// entries (each entry holds its own office's address).
///
/// ```
/// # use motcua_submit::{Client, Transport, Attachments};
/// # fn make<T: Transport, A: Attachments>(transport: T, files: A) {
/// let client = Client::new(transport, files)
///     .on_event(|event| println!("{event:?}"));
/// # let _ = client; }
/// ```
pub struct Client<T, A> {
    transport: T,
    attachments: A,
    policy: Policy,
    listener: Option<Listener>,
}

impl<T, A> fmt::Debug for Client<T, A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

impl<T: Transport, A: Attachments> Client<T, A> {
    /// A client with the default [`Policy`].
    pub fn new(transport: T, attachments: A) -> Self {
        Self {
            transport,
            attachments,
            policy: Policy::default(),
            listener: None,
        }
    }

    /// The policy.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// Replaces the policy.
    pub fn with_policy(mut self, policy: Policy) -> Self {
        self.policy = policy;
        self
    }

    /// Calls `listener` with every [`Event`].
    pub fn on_event(mut self, listener: impl Fn(&Event) + 'static) -> Self {
        self.listener = Some(Box::new(listener));
        self
    }

    /// The transport.
    pub fn transport(&self) -> &T {
        &self.transport
    }

    /// The attachments' source.
    pub fn attachments(&self) -> &A {
        &self.attachments
    }

    pub(crate) fn emit(&self, event: Event) {
        if let Some(listener) = &self.listener {
            listener(&event);
        }
    }

    /// Reads an office's capabilities document.
    pub async fn discover(&self, endpoint: &Endpoint) -> Result<ServerInfo, Error> {
        let request = Request::new(Method::Get, endpoint.capabilities_url())
            .header("accept", "application/json");
        let response = self.transport.send(request).await?;
        ServerInfo::from_response(endpoint, &response)
    }

    /// Advances `entry` by one step (at most one request). Acknowledged and
    /// failed entries come back unchanged; see
    /// [`Failed::retry`](crate::Failed::retry).
    pub async fn step(&self, entry: OutboxEntry) -> OutboxEntry {
        match entry {
            OutboxEntry::Waiting(s) => s.step(self).await,
            OutboxEntry::Uploading(s) => s.step(self).await,
            OutboxEntry::Delivering(s) => s.step(self).await,
            settled @ (OutboxEntry::Acknowledged(_) | OutboxEntry::Failed(_)) => settled,
        }
    }

    /// Steps `entry` until it is acknowledged or fails for good, calling
    /// `save` with every state (persist it there). Retryable failures wait
    /// with backoff and try again, up to [`Policy::max_attempts`] in a row;
    /// then the failed entry is returned for the app to schedule.
    pub async fn run(
        &self,
        mut entry: OutboxEntry,
        mut save: impl FnMut(&OutboxEntry),
    ) -> OutboxEntry {
        loop {
            save(&entry);
            entry = match entry {
                OutboxEntry::Acknowledged(_) => return entry,
                OutboxEntry::Failed(failed) => {
                    let attempts = failed.job().attempts();
                    let Some(at) = failed
                        .next_attempt_at_ms()
                        .filter(|_| attempts < self.policy.max_attempts)
                    else {
                        return OutboxEntry::Failed(failed);
                    };
                    let delay_ms = at.saturating_sub(self.transport.now_ms());
                    self.emit(Event::Retrying {
                        dossier: failed.job().dossier_id(),
                        attempt: attempts,
                        delay_ms,
                        error: failed.error().clone(),
                    });
                    self.transport.sleep(Duration::from_millis(delay_ms)).await;
                    failed.resume()
                }
                other => self.step(other).await,
            };
        }
    }

    /// Looks up where a dossier stands at the office: `None` when the office
    /// knows no dossier with this code and personal ID number (it does not
    /// say which of the two is wrong).
    pub async fn status(
        &self,
        endpoint: &Endpoint,
        code: &DossierCode,
        personal_id: &str,
    ) -> Result<Option<StatusReport>, Error> {
        let server = self.discover(endpoint).await?;
        let body = json!({ "dossier_code": code, "personal_id": personal_id });
        let request = Request::new(Method::Post, &server.status)
            .header("content-type", "application/json")
            .header("accept", "application/json")
            .body(body.to_string().into_bytes());
        let response = self.transport.send(request).await?;
        match response.status {
            200 => {
                let report = StatusReport::deserialize(&mut serde_json::Deserializer::from_slice(
                    &response.body,
                ))
                .map_err(|e| Error::Protocol {
                    detail: format!("the status answer is not as expected: {e}"),
                })?;
                Ok(Some(report))
            }
            404 => Ok(None),
            _ => Err(problem::refusal(&response)),
        }
    }
}
