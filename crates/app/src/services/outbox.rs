//! The outbox (hộp thư đi): sealed dossiers kept on the device until an
//! office has acknowledged them (DESIGN.md: "a sealed dossier waits in the
//! outbox until an office has acknowledged it"). The page lists them; the
//! worker sends them and records each step here, so a reload or a browser
//! restart resumes where it stopped.
//!
//! An entry stores where the protocol client has got with it once, typed
//! ([`SendState`]); what the screens show ([`Delivery`]) is derived from
//! it whenever an entry is read or its state changes, never stored. Entries
//! stored by earlier versions of the app (the client's state as JSON text
//! beside a copy of the screen's view) are read as well: citizens' browsers
//! hold them.

use motcua_forms::LocalizedText;
use motcua_submit::OutboxEntry as Protocol;
use serde::{Deserialize, Serialize};

use crate::services::store::{Area, Store, StoreError};

/// Where a dossier stands, as the outbox screen shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub(crate) enum Delivery {
    /// Sealed, not yet sent.
    Waiting,
    /// Being sent: `sent` of `total` attachment bytes are at the office.
    Sending { sent: u64, total: u64 },
    /// Stopped: why, whether trying again may help, and when the next
    /// automatic attempt is due (ms since the Unix epoch).
    Failed {
        message: LocalizedText,
        retryable: bool,
        next_attempt_at: Option<f64>,
    },
    /// Acknowledged: the office's verified receipt.
    Sent(Sent),
    /// Handed to an office's older backend (multipart), which answered with
    /// a reference but signs no receipt: not a verified receipt.
    Delivered { reference: String },
}

/// What an office's verified receipt says, for the receipt screen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Sent {
    /// The dossier code (mã hồ sơ) the office gave.
    pub(crate) code: String,
    /// When the office received it (RFC 3339, UTC).
    pub(crate) received: String,
    /// The receipt: a JWS signed by the office.
    pub(crate) receipt: String,
    /// What the QR code holds (Circular 01/2023/TT-VPCP: dossier code,
    /// procedure code, applicant's identifier).
    pub(crate) qr_text: String,
    /// The QR code as SVG.
    pub(crate) qr_svg: String,
}

/// Where the protocol client has got with an entry: what is stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum SendState {
    /// Sealed; the protocol client has not begun.
    Sealed,
    /// The protocol client could not begin: the office's directory entry or
    /// address is unusable. Trying again does not help.
    Refused { message: LocalizedText },
    /// The protocol client's own state (motcua-submit's outbox entry).
    Client(Box<Protocol>),
    /// Read from an earlier app's entry whose client state cannot be read
    /// back: the screen's view it stored, shown as it was.
    Shown(Delivery),
}

/// One sealed dossier in the outbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(from = "StoredEntry", into = "StoredEntry")]
pub(crate) struct OutboxEntry {
    /// What the entry is: the dossier and what the screens say of it.
    pub(crate) about: About,
    /// Where the sending stands (stored).
    state: SendState,
    /// What the screens show of `state` (derived, not stored).
    delivery: Delivery,
}

impl std::ops::Deref for OutboxEntry {
    type Target = About;

    fn deref(&self) -> &About {
        &self.about
    }
}

/// A sealed dossier and what the screens say of it, fixed when sealed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct About {
    /// The dossier id (also the idempotency key of its submission).
    pub(crate) id: String,
    /// Procedure code and name, for the list.
    pub(crate) procedure: String,
    pub(crate) procedure_name: LocalizedText,
    /// The chosen office's code.
    pub(crate) office: String,
    /// The office's intake server (`https://host`), when no directory entry
    /// says otherwise.
    pub(crate) endpoint: String,
    /// The office's entry in the verified directory (JSON): its name,
    /// backend, adapter and receipt key.
    #[serde(default)]
    pub(crate) office_entry: Option<String>,
    /// The office's name, to show.
    #[serde(default)]
    pub(crate) office_name: Option<LocalizedText>,
    /// The commune and province of the office, to show with its name.
    #[serde(default)]
    pub(crate) office_place: Option<String>,
    /// Whom the dossier is for (the procedure's subject field), so that
    /// two dossiers of one procedure read apart.
    #[serde(default)]
    pub(crate) subject: Option<String>,
    /// The applicant's personal ID number, for the receipt's QR code.
    #[serde(default)]
    pub(crate) applicant_id: Option<String>,
    /// The applicant's name, for the receipt slip.
    #[serde(default)]
    pub(crate) applicant_name: Option<String>,
    /// SHA-256 of the canonical manifest, as shown when signing.
    pub(crate) digest: String,
    /// The sealed dossier (JSON text).
    pub(crate) dossier: String,
    /// The answers as typed (the manifest holds them normalized), so that
    /// "copy into a new filing" can begin a new draft from them.
    #[serde(default)]
    pub(crate) values: Option<serde_json::Value>,
    /// Keys of the attachment bytes in the `Files` area, by SHA-256.
    pub(crate) files: Vec<String>,
    /// When it was sealed, ms since the Unix epoch.
    pub(crate) sealed_at: f64,
}

/// An entry as device storage holds it: [`About`]'s members, and the
/// sending state in `send` — or, from earlier apps, in `protocol` (JSON
/// text) and `delivery` (a copy of the screen's view), read only.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoredEntry {
    #[serde(flatten)]
    about: About,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    send: Option<SendState>,
    #[serde(default, skip_serializing)]
    protocol: Option<String>,
    #[serde(default, skip_serializing)]
    delivery: Option<Delivery>,
}

impl From<StoredEntry> for OutboxEntry {
    fn from(stored: StoredEntry) -> Self {
        let state = match stored.send {
            Some(state) => state,
            None => migrate(stored.protocol.as_deref(), stored.delivery),
        };
        Self::new(stored.about, state)
    }
}

impl From<OutboxEntry> for StoredEntry {
    fn from(entry: OutboxEntry) -> Self {
        Self {
            about: entry.about,
            send: Some(entry.state),
            protocol: None,
            delivery: None,
        }
    }
}

/// The state of an entry stored by an earlier app: its client state where
/// it reads back, else what its stored view says.
fn migrate(protocol: Option<&str>, delivery: Option<Delivery>) -> SendState {
    if let Some(client) = protocol.and_then(|json| serde_json::from_str::<Protocol>(json).ok()) {
        return SendState::Client(Box::new(client));
    }
    match delivery {
        None | Some(Delivery::Waiting) => SendState::Sealed,
        // Without a client state, a stop could only be the client not
        // beginning (it never retried those).
        Some(Delivery::Failed {
            message,
            retryable: false,
            ..
        }) => SendState::Refused { message },
        Some(shown) => SendState::Shown(shown),
    }
}

impl OutboxEntry {
    /// An entry in `state`.
    pub(crate) fn new(about: About, state: SendState) -> Self {
        let delivery = view(&state, &about);
        Self {
            about,
            state,
            delivery,
        }
    }

    /// Where the sending stands.
    pub(crate) fn state(&self) -> &SendState {
        &self.state
    }

    /// What the screens show of it.
    pub(crate) fn delivery(&self) -> &Delivery {
        &self.delivery
    }

    /// Moves the sending on to `state`; the screens' view follows.
    pub(crate) fn set_state(&mut self, state: SendState) {
        self.delivery = view(&state, &self.about);
        self.state = state;
    }

    /// Whether the worker should (still) send it now.
    pub(crate) fn wants_sending(&self, now_ms: f64) -> bool {
        match &self.delivery {
            Delivery::Waiting | Delivery::Sending { .. } => true,
            Delivery::Failed {
                retryable: true,
                next_attempt_at,
                ..
            } => next_attempt_at.is_none_or(|at| at <= now_ms),
            Delivery::Failed { .. } | Delivery::Sent(_) | Delivery::Delivered { .. } => false,
        }
    }
}

/// What the outbox screen shows for a sending state.
fn view(state: &SendState, about: &About) -> Delivery {
    let protocol = match state {
        SendState::Sealed => return Delivery::Waiting,
        SendState::Refused { message } => {
            return Delivery::Failed {
                message: message.clone(),
                retryable: false,
                next_attempt_at: None,
            };
        }
        SendState::Shown(shown) => return shown.clone(),
        SendState::Client(protocol) => protocol,
    };
    match &**protocol {
        Protocol::Waiting(_) => Delivery::Waiting,
        Protocol::Uploading(_) | Protocol::Delivering(_) => {
            let (sent, total) = protocol.job().progress();
            Delivery::Sending { sent, total }
        }
        Protocol::Failed(failed) => Delivery::Failed {
            message: failed.error().message(),
            retryable: failed.is_retryable(),
            next_attempt_at: failed.next_attempt_at_ms().map(|ms| ms as f64),
        },
        Protocol::Delivered(delivered) => Delivery::Delivered {
            reference: delivered.reference().to_owned(),
        },
        Protocol::Acknowledged(ack) => {
            let claims = ack.claims();
            let qr_text = serde_json::json!({
                "ma_ho_so": claims.dossier_code,
                "ma_thu_tuc": about.procedure,
                "so_dinh_danh": about.applicant_id,
            })
            .to_string();
            Delivery::Sent(Sent {
                code: claims.dossier_code.to_string(),
                received: claims.received.to_string(),
                receipt: ack.receipt().to_owned(),
                qr_svg: qr_svg(&qr_text),
                qr_text,
            })
        }
    }
}

/// The QR code of `text` as an SVG document.
fn qr_svg(text: &str) -> String {
    match qrcode::QrCode::with_error_correction_level(text, qrcode::EcLevel::M) {
        Ok(code) => code
            .render::<qrcode::render::svg::Color<'_>>()
            .min_dimensions(200, 200)
            .quiet_zone(true)
            .build(),
        Err(_) => String::new(),
    }
}

/// Adds or replaces an entry.
pub(crate) async fn put(entry: &OutboxEntry) -> Result<(), StoreError> {
    Store::open()
        .await?
        .put_json(Area::Outbox, &entry.id, entry)
        .await
}

/// One entry.
pub(crate) async fn get(id: &str) -> Result<Option<OutboxEntry>, StoreError> {
    Store::open().await?.get_json(Area::Outbox, id).await
}

/// Every entry, newest first.
pub(crate) async fn list() -> Result<Vec<OutboxEntry>, StoreError> {
    let store = Store::open().await?;
    let mut entries = Vec::new();
    for id in store.keys(Area::Outbox).await? {
        if let Some(entry) = store.get_json::<OutboxEntry>(Area::Outbox, &id).await? {
            entries.push(entry);
        }
    }
    entries.sort_by(|a, b| b.sealed_at.total_cmp(&a.sealed_at));
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use motcua_dossier::{DossierId, Manifest, ProcedureRef, SealedDossier, SigningKey, Timestamp};
    use serde_json::{Value, json};

    use super::*;

    /// An entry's members as every version of the app has stored them.
    fn about() -> Value {
        json!({
            "id": "0b6f6c2e-3f35-4d7a-9c8e-5c8c2b1f0a11",
            "procedure": "1.001193",
            "procedure_name": { "vi": "Đăng ký khai sinh", "en": "Birth registration" },
            "office": "00004",
            "endpoint": "https://mc.example.gov.vn",
            "office_entry": null,
            "office_name": null,
            "office_place": null,
            "subject": "Nguyễn Minh Khang",
            "applicant_id": "001204000001",
            "applicant_name": "Nguyễn Văn An",
            "digest": "ab".repeat(32),
            "dossier": "{}",
            "values": { "child_name": "Nguyễn Minh Khang" },
            "files": [],
            "sealed_at": 1_764_000_000_000.0,
        })
    }

    fn with(mut base: Value, extra: Value) -> String {
        if let (Some(map), Some(extra)) = (base.as_object_mut(), extra.as_object()) {
            map.extend(extra.clone());
        }
        base.to_string()
    }

    /// A protocol client state, as the worker kept it.
    fn client_state() -> Protocol {
        let key = SigningKey::generate_device_key().unwrap();
        let procedure = ProcedureRef {
            code: "1.001193".parse().unwrap(),
            version: "2025.1".parse().unwrap(),
        };
        let manifest = Manifest::builder(procedure, "00004".parse().unwrap())
            .id(DossierId::generate().unwrap())
            .created(Timestamp::from_unix(1_764_000_000).unwrap())
            .client("test/1".parse().unwrap())
            .build()
            .unwrap();
        let sealed =
            SealedDossier::seal(manifest, &key, Timestamp::from_unix(1_764_000_000).unwrap())
                .unwrap();
        Protocol::new(
            "https://mc.example.gov.vn".parse().unwrap(),
            &sealed.to_json(),
        )
        .unwrap()
    }

    /// Entries stored by earlier apps (the client's state as JSON text, the
    /// screen's view beside it) are read into the typed state, and written
    /// back in the new shape only.
    #[test]
    fn entries_of_the_old_shape_are_read() {
        let client = client_state();
        let old = with(
            about(),
            json!({
                "delivery": { "state": "waiting" },
                "protocol": serde_json::to_string(&client).unwrap(),
            }),
        );
        let entry: OutboxEntry = serde_json::from_str(&old).unwrap();
        assert_eq!(entry.state(), &SendState::Client(Box::new(client)));
        assert_eq!(entry.delivery(), &Delivery::Waiting);
        assert_eq!(entry.subject.as_deref(), Some("Nguyễn Minh Khang"));
        assert!(entry.wants_sending(0.0));

        let stored: Value = serde_json::to_value(&entry).unwrap();
        assert!(stored.get("protocol").is_none(), "{stored}");
        assert!(stored.get("delivery").is_none(), "{stored}");
        assert!(stored["send"]["client"].is_object(), "{stored}");
        let again: OutboxEntry = serde_json::from_value(stored).unwrap();
        assert_eq!(again, entry);
    }

    #[test]
    fn old_entries_without_a_client_state_keep_what_they_showed() {
        let waiting = with(
            about(),
            json!({ "delivery": { "state": "waiting" }, "protocol": null }),
        );
        let entry: OutboxEntry = serde_json::from_str(&waiting).unwrap();
        assert_eq!(entry.state(), &SendState::Sealed);
        assert_eq!(entry.delivery(), &Delivery::Waiting);

        let message = json!({ "vi": "Danh bạ hỏng.", "en": "The directory is broken." });
        let refused = with(
            about(),
            json!({ "delivery": {
                "state": "failed", "message": message, "retryable": false, "next_attempt_at": null,
            } }),
        );
        let entry: OutboxEntry = serde_json::from_str(&refused).unwrap();
        assert!(matches!(entry.state(), SendState::Refused { .. }));
        assert!(matches!(
            entry.delivery(),
            Delivery::Failed { retryable: false, message, .. } if message.en == "The directory is broken."
        ));
        assert!(!entry.wants_sending(f64::MAX));

        let delivered = with(
            about(),
            json!({
                "delivery": { "state": "delivered", "reference": "HS-123" },
                "protocol": "not the client's JSON",
            }),
        );
        let entry: OutboxEntry = serde_json::from_str(&delivered).unwrap();
        assert_eq!(
            entry.delivery(),
            &Delivery::Delivered {
                reference: "HS-123".into()
            }
        );
        assert!(!entry.wants_sending(f64::MAX));
    }

    /// The view follows the state: it is never set apart from it.
    #[test]
    fn the_view_follows_the_state() {
        let about: About = serde_json::from_value(about()).unwrap();
        let mut entry = OutboxEntry::new(about, SendState::Sealed);
        assert_eq!(entry.delivery(), &Delivery::Waiting);
        entry.set_state(SendState::Refused {
            message: LocalizedText::new("không", "no"),
        });
        assert!(matches!(
            entry.delivery(),
            Delivery::Failed {
                retryable: false,
                ..
            }
        ));
        entry.set_state(SendState::Client(Box::new(client_state())));
        assert_eq!(entry.delivery(), &Delivery::Waiting);
    }
}
