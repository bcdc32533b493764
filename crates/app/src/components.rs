//! Reusable parts of the screens.

pub(crate) mod attach;
pub(crate) mod bulk;
pub(crate) mod copy_offers;
pub(crate) mod error_summary;
pub(crate) mod fields;
pub(crate) mod header;
pub(crate) mod keys;
pub(crate) mod office_chooser;
pub(crate) mod offline;
pub(crate) mod procedure_list;
pub(crate) mod status;
