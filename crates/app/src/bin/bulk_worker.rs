//! Entry point of the bulk worker: hold one spreadsheet of one procedure,
//! read, match and check its rows as the bulk screen asks.

fn main() {
    motcua_app::register_bulk_worker();
}
