//! The state of one filing: a procedure, the answers typed so far, what the
//! citizen has been shown as wrong, and the latest evaluation of the answers.
//!
//! One reducer holds it all; screens dispatch [`FilingAction`]s. Each change of
//! the answers re-evaluates the whole form (visibility, computed values,
//! errors) with the same engine the office uses, and bumps `revision`, which
//! the autosave effect watches.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::rc::Rc;

use motcua_dossier::{Attachment, ComponentId, FileName, MediaType, Sha256};
use motcua_forms::{AdminUnits, Date, Env, Evaluation, Procedure};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use yew::prelude::*;

/// A saved draft (bản nháp), as kept in IndexedDB under the procedure code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Draft {
    /// Schema version the answers were typed against.
    pub(crate) version: String,
    /// The answers, as typed.
    pub(crate) values: Value,
    /// The files attached so far (their bytes are in the `Files` area).
    #[serde(default)]
    pub(crate) attachments: Vec<AttachedFile>,
    /// The office chosen to receive the dossier.
    #[serde(default)]
    pub(crate) office: Option<String>,
    /// Scanned pages per dossier component, in order.
    #[serde(default)]
    pub(crate) pages: BTreeMap<String, Vec<PageRef>>,
    /// Components whose photos are scanned as text pages (black and white).
    #[serde(default)]
    pub(crate) text_pages: BTreeSet<String>,
    /// When it was saved, milliseconds since the Unix epoch.
    pub(crate) saved_at: f64,
    /// The id of the dossier this filing was sealed as. Such a record holds
    /// no answers (they live on in the outbox only); it is what tells a
    /// sign page reached again (Back, an old tab) not to seal a second time.
    #[serde(default)]
    pub(crate) sealed: Option<String>,
}

impl Draft {
    /// The record a sealed filing leaves behind: its dossier id, no answers.
    pub(crate) fn sealed_as(version: String, dossier: String, saved_at: f64) -> Self {
        Self {
            version,
            values: Value::Object(Default::default()),
            attachments: Vec::new(),
            office: None,
            pages: BTreeMap::new(),
            text_pages: BTreeSet::new(),
            saved_at,
            sealed: Some(dossier),
        }
    }
}

/// A processed attachment of a dossier component, ready for the manifest.
///
/// Kept in drafts (JSON, each value in its manifest spelling) and carried
/// to the worker (bincode: so no `Option` is skipped when serializing).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct AttachedFile {
    /// The dossier component (thành phần hồ sơ) it is for.
    pub(crate) component: ComponentId,
    /// File name, unique in the dossier.
    pub(crate) name: FileName,
    /// Media type (always `application/pdf` from the scanner).
    pub(crate) media_type: MediaType,
    pub(crate) size: u64,
    pub(crate) pages: Option<u32>,
    /// SHA-256 of the bytes; also (in lowercase hex) the key of its bytes
    /// in device storage.
    pub(crate) sha256: Sha256,
}

impl AttachedFile {
    /// What the protocol's conformance check reads of it.
    pub(crate) fn described(&self) -> motcua_protocol::AttachedFile<'_> {
        motcua_protocol::AttachedFile {
            component: self.component.as_str(),
            name: self.name.as_str(),
            media_type: self.media_type.as_str(),
            size: self.size,
            pages: self.pages,
        }
    }

    /// Its entry in the manifest.
    pub(crate) fn attachment(&self) -> Attachment {
        Attachment {
            component: self.component.clone(),
            name: self.name.clone(),
            media_type: self.media_type.clone(),
            size: self.size,
            pages: self.pages,
            sha256: self.sha256,
        }
    }

    /// Whether it is the file of the component with this id.
    pub(crate) fn is_for(&self, component: &str) -> bool {
        self.component.as_str() == component
    }
}

/// A scanned page (an A4 JPEG kept in the `Files` area under `id`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct PageRef {
    pub(crate) id: String,
    pub(crate) width: u32,
    pub(crate) height: u32,
    pub(crate) bytes: u64,
}

/// Whether answers were brought back from a draft, and what the citizen chose.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum DraftOffer {
    /// Nothing was restored.
    None,
    /// A draft saved at this time (ms since epoch) was restored; offer to
    /// continue with it or to start again.
    Restored(f64),
    /// The citizen chose to continue.
    Accepted,
}

/// One filing in progress.
#[derive(Debug, Clone)]
pub(crate) struct Filing {
    pub(crate) procedure: Rc<Procedure>,
    /// The answers as typed (not normalized).
    pub(crate) values: Value,
    /// Fields the citizen has left: their errors are shown.
    pub(crate) touched: Rc<HashSet<String>>,
    /// Sections the citizen tried to leave with "continue": all their errors show.
    pub(crate) checked: Rc<HashSet<String>>,
    /// Whether the whole form was checked ("check your answers").
    pub(crate) reviewed: bool,
    pub(crate) evaluation: Rc<Evaluation>,
    pub(crate) units: Option<Rc<AdminUnits>>,
    /// The unit table could not be fetched (unit codes are then checked for
    /// shape only, and the pickers say why they are empty).
    pub(crate) units_failed: bool,
    pub(crate) today: Date,
    pub(crate) draft: DraftOffer,
    /// Bumped on every change of the answers; 0 means "as loaded".
    pub(crate) revision: u64,
    /// A field to focus when its section is next shown ("change" links).
    pub(crate) focus: Option<String>,
    /// Files attached to the dossier components.
    pub(crate) attachments: Rc<Vec<AttachedFile>>,
    /// The office chosen to receive the dossier.
    pub(crate) office: Option<String>,
    /// Scanned pages per dossier component.
    pub(crate) pages: Rc<BTreeMap<String, Vec<PageRef>>>,
    /// Components whose photos are scanned as text pages ("Trang chữ").
    pub(crate) text_pages: Rc<BTreeSet<String>>,
    /// The dossier id this filing was sealed as, until a new one is begun.
    pub(crate) sealed: Option<String>,
    /// "Change" on the review was used: "continue" goes back to the review.
    pub(crate) return_to_review: bool,
    /// A pointer (finger, mouse) is down on the page.
    pub(crate) pointer_down: bool,
    /// Fields left while a pointer was down. Their errors wait for the
    /// pointer to come up: an error shown mid-tap would move what is under
    /// the finger, and the tap would land on nothing (issue #11, fault 3).
    pub(crate) held_leaves: Rc<Vec<String>>,
}

impl PartialEq for Filing {
    fn eq(&self, other: &Self) -> bool {
        // The evaluation follows from the values; compare it by identity.
        Rc::ptr_eq(&self.evaluation, &other.evaluation)
            && self.values == other.values
            && self.touched == other.touched
            && self.checked == other.checked
            && self.reviewed == other.reviewed
            && self.units.is_some() == other.units.is_some()
            && self.units_failed == other.units_failed
            && self.draft == other.draft
            && self.revision == other.revision
            && self.focus == other.focus
            && self.attachments == other.attachments
            && self.office == other.office
            && self.pages == other.pages
            && self.text_pages == other.text_pages
            && self.sealed == other.sealed
            && self.return_to_review == other.return_to_review
            && self.pointer_down == other.pointer_down
            && self.held_leaves == other.held_leaves
    }
}

/// A change to a filing.
#[derive(Debug, Clone)]
pub(crate) enum FilingAction {
    /// Set the answer at a field path.
    Set(String, Value),
    /// The citizen left a field.
    Leave(String),
    /// Add a row to a repeatable group.
    AddRow(String),
    /// Remove row `.1` of a repeatable group.
    RemoveRow(String, usize),
    /// "Continue" was pressed on a section.
    CheckSection(String),
    /// "Check your answers" was opened.
    CheckAll,
    /// The administrative-unit table arrived.
    UnitsLoaded(Rc<AdminUnits>),
    /// The administrative-unit table could not be fetched.
    UnitsFailed,
    /// Continue with the restored draft.
    KeepDraft,
    /// Throw the draft away and start again.
    DiscardDraft,
    /// Focus this field when its section shows (`None`: done).
    Focus(Option<String>),
    /// Attach a processed file to its component (replacing the one before).
    Attach(AttachedFile),
    /// Remove the file of this component.
    Detach(String),
    /// Choose the receiving office.
    ChooseOffice(Option<String>),
    /// Set the scanned pages of a component.
    SetPages(String, Vec<PageRef>),
    /// Scan the photos of a component as text pages, or not.
    SetTextPages(String, bool),
    /// The dossier was sealed under this id: the filing is done, forget
    /// its answers.
    Sealed(String),
    /// Begin a new filing from these answers (as typed) of a sealed one:
    /// "copy into a new filing", which the citizen asked for.
    CopyFrom(Value),
    /// "Change" on the review: focus this field, and after its section go
    /// back to the review rather than through every later step.
    ChangeFromReview(String),
    /// A pointer went down on the page: hold blur errors.
    PointerDown,
    /// The pointer came up (and its click was handled): show held errors.
    PointerUp,
}

impl Filing {
    pub(crate) fn new(procedure: Rc<Procedure>, draft: Option<Draft>, today: Date) -> Self {
        let text_pages = draft
            .as_ref()
            .map(|d| d.text_pages.clone())
            .unwrap_or_default();
        let sealed = draft.as_ref().and_then(|d| d.sealed.clone());
        let (values, attachments, office, pages, offer) = match draft {
            Some(draft)
                if draft.values.as_object().is_some_and(|m| !m.is_empty())
                    || !draft.attachments.is_empty()
                    || !draft.pages.is_empty() =>
            {
                (
                    draft.values,
                    draft.attachments,
                    draft.office,
                    draft.pages,
                    DraftOffer::Restored(draft.saved_at),
                )
            }
            // A sealed filing's record: nothing to restore.
            _ => (
                Value::Object(Default::default()),
                Vec::new(),
                None,
                BTreeMap::new(),
                DraftOffer::None,
            ),
        };
        let evaluation = Rc::new(procedure.evaluate(&values, &Env::new(today)));
        // Answers restored are a filing in progress, not a sealed one.
        let sealed = sealed.filter(|_| offer == DraftOffer::None);
        Self {
            procedure,
            values,
            touched: Rc::default(),
            checked: Rc::default(),
            reviewed: false,
            evaluation,
            units: None,
            units_failed: false,
            today,
            draft: offer,
            revision: 0,
            focus: None,
            attachments: Rc::new(attachments),
            office,
            pages: Rc::new(pages),
            text_pages: Rc::new(text_pages),
            sealed,
            return_to_review: false,
            pointer_down: false,
            held_leaves: Rc::default(),
        }
    }

    fn evaluate(&mut self) {
        let env = Env::new(self.today);
        let env = match &self.units {
            Some(units) => env.with_units(units),
            None => env,
        };
        self.evaluation = Rc::new(self.procedure.evaluate(&self.values, &env));
    }

    fn changed(&mut self) {
        self.evaluate();
        self.revision += 1;
        // Typing after a seal begins a new filing.
        self.sealed = None;
        if matches!(self.draft, DraftOffer::Restored(_)) {
            // Typing is an answer to the offer too: keep going.
            self.draft = DraftOffer::Accepted;
        }
    }

    fn start_again(&mut self) {
        self.values = Value::Object(Default::default());
        self.attachments = Rc::default();
        self.pages = Rc::default();
        self.text_pages = Rc::default();
        self.office = None;
        self.touched = Rc::default();
        self.checked = Rc::default();
        self.reviewed = false;
        self.return_to_review = false;
        self.held_leaves = Rc::default();
        self.draft = DraftOffer::None;
        self.changed();
    }

    /// Whether errors of the field at `path` in `section` should be shown now.
    pub(crate) fn shows_errors(&self, path: &str, section: &str) -> bool {
        self.reviewed || self.checked.contains(section) || self.touched.contains(path)
    }
}

impl Reducible for Filing {
    type Action = FilingAction;

    fn reduce(self: Rc<Self>, action: FilingAction) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            FilingAction::Set(path, value) => {
                if motcua_forms::set_value(&mut next.values, &path, value).is_err() {
                    return self;
                }
                next.changed();
            }
            FilingAction::Leave(path) => {
                if self.touched.contains(&path) || self.held_leaves.contains(&path) {
                    return self;
                }
                if self.pointer_down {
                    Rc::make_mut(&mut next.held_leaves).push(path);
                } else {
                    Rc::make_mut(&mut next.touched).insert(path);
                }
            }
            FilingAction::PointerDown => {
                if self.pointer_down {
                    return self;
                }
                next.pointer_down = true;
            }
            FilingAction::PointerUp => {
                if !self.pointer_down && self.held_leaves.is_empty() {
                    return self;
                }
                next.pointer_down = false;
                let held = std::mem::take(Rc::make_mut(&mut next.held_leaves));
                Rc::make_mut(&mut next.touched).extend(held);
            }
            FilingAction::AddRow(group) => {
                if motcua_forms::add_row(&mut next.values, &group).is_err() {
                    return self;
                }
                next.changed();
            }
            FilingAction::RemoveRow(group, index) => {
                if motcua_forms::remove_row(&mut next.values, &group, index).is_err() {
                    return self;
                }
                // Paths of later rows moved up: forget which were left.
                Rc::make_mut(&mut next.touched).retain(|p| !p.starts_with(&format!("{group}[")));
                next.changed();
            }
            FilingAction::CheckSection(section) => {
                Rc::make_mut(&mut next.checked).insert(section);
            }
            FilingAction::CheckAll => {
                next.reviewed = true;
                // Back on the review: a later "continue" walks on as usual.
                next.return_to_review = false;
            }
            FilingAction::ChangeFromReview(path) => {
                next.focus = Some(path);
                next.return_to_review = true;
            }
            FilingAction::UnitsFailed => next.units_failed = true,
            FilingAction::UnitsLoaded(units) => {
                next.units = Some(units);
                next.evaluate();
            }
            FilingAction::KeepDraft => next.draft = DraftOffer::Accepted,
            FilingAction::Focus(path) => next.focus = path,
            FilingAction::Attach(file) => {
                let files = Rc::make_mut(&mut next.attachments);
                files.retain(|f| f.component != file.component);
                files.push(file);
                next.revision += 1;
            }
            FilingAction::Detach(component) => {
                Rc::make_mut(&mut next.attachments).retain(|f| !f.is_for(&component));
                next.revision += 1;
            }
            FilingAction::SetPages(component, pages) => {
                let all = Rc::make_mut(&mut next.pages);
                if pages.is_empty() {
                    all.remove(&component);
                } else {
                    all.insert(component, pages);
                }
                next.revision += 1;
            }
            FilingAction::SetTextPages(component, on) => {
                let all = Rc::make_mut(&mut next.text_pages);
                let changed = if on {
                    all.insert(component)
                } else {
                    all.remove(&component)
                };
                if !changed {
                    return self;
                }
                next.revision += 1;
            }
            FilingAction::ChooseOffice(office) => {
                next.office = office;
                next.revision += 1;
            }
            // Sealed: the answers live on in the outbox only, and the draft
            // is replaced by the seal's record; discarded: gone, and the
            // empty draft is deleted by the autosave. Either way the filing
            // starts again empty.
            FilingAction::Sealed(id) => {
                next.start_again();
                next.sealed = Some(id);
            }
            FilingAction::DiscardDraft => next.start_again(),
            FilingAction::CopyFrom(values) => {
                next.start_again();
                next.values = values;
                next.changed();
            }
        }
        Rc::new(next)
    }
}

/// The filing context handed to the screens of a filing.
pub(crate) type FilingContext = UseReducerHandle<Filing>;

/// Today in Vietnam (UTC+7), from the device clock.
pub(crate) fn today_in_vietnam() -> Date {
    // A clock set to nonsense still gives a date (between 1970 and 2243).
    let secs = (js_sys::Date::now() / 1000.0).clamp(0.0, 8.64e9) as i64;
    Date::in_vietnam_at(secs).expect("seconds between 0 and 8.64e9 make a date")
}
