//! Entry point of the app's web worker: register the engine and wait for jobs.

fn main() {
    motcua_app::register_worker();
}
