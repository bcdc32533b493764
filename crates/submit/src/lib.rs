//! Intake protocol client: resumable uploads, retries, office adapters, the outbox state machine.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
