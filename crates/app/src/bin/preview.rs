//! Entry point of the preview worker: render the first page of each PDF the
//! page posts, answer, and wait for the next.

fn main() {
    motcua_app::register_preview_worker();
}
