//! The reference one-stop intake server.
