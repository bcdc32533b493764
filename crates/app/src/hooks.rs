//! Hooks: one `use_*` per file.

pub(crate) mod use_held_blurs;
pub(crate) mod use_remote;
pub(crate) mod use_step_start;
