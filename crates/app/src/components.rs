//! Reusable parts of the screens.

pub(crate) mod header;
pub(crate) mod procedure_list;
pub(crate) mod status;
