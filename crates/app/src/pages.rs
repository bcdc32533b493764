//! One module per route, and the screens of a filing.

pub(crate) mod attachments;
pub(crate) mod bulk;
pub(crate) mod filing;
pub(crate) mod form_section;
pub(crate) mod home;
pub(crate) mod not_found;
pub(crate) mod outbox;
pub(crate) mod procedure;
pub(crate) mod receipt;
pub(crate) mod review;
pub(crate) mod sealed;
pub(crate) mod sign;
