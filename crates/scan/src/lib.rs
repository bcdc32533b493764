//! Attachments: sniff, decode, orient, fit to A4, encode JPEG, assemble PDF, hash, enforce limits.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
