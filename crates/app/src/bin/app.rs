//! Entry point of the filing app: mount, and let it open offline next time.

fn main() {
    if let Some(host) = motcua_app::default_host() {
        motcua_app::mount(host);
        motcua_app::register_service_worker();
    }
}
