//! Entry point of the filing app: mount and nothing else.

fn main() {
    if let Some(host) = motcua_app::default_host() {
        motcua_app::mount(host);
    }
}
