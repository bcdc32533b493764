//! Dossier manifest, RFC 8785 canonical bytes, JWS seals, receipts and intake wire types.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
