//! The motcua filing app.
