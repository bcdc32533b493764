//! Does a dossier hold what its procedure asks for, within an office's
//! limits? The one check the app runs before sealing, the command line
//! before writing a dossier and the office's server on receipt.

use crate::component::Component;
use crate::i18n::LocalizedText;
use crate::limits::Limits;
use crate::problem::FieldProblem;

/// What the check needs to know of one attached file (the manifest's
/// attachment entry, or a file the app holds before sealing).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttachedFile<'a> {
    /// The dossier component it stands for.
    pub component: &'a str,
    /// Its file name.
    pub name: &'a str,
    /// Its media type.
    pub media_type: &'a str,
    /// Its size in bytes.
    pub size: u64,
    /// Its page count, when known.
    pub pages: Option<u32>,
}

/// Every way `files` fail `components` and `limits`, in a stable order:
/// each file against its component's rule (known component, accepted
/// type, bytes, pages), then the dossier against the limits (count, total
/// bytes), then each required component without a file (Decree
/// 45/2020/NĐ-CP: a dossier is complete when it holds every required
/// paper). Empty when the dossier conforms.
pub fn check_dossier(
    components: &[Component],
    files: &[AttachedFile<'_>],
    limits: &Limits,
) -> Vec<FieldProblem> {
    let mut findings = Vec::new();
    for file in files {
        check_file(components, file, limits, &mut findings);
    }
    if files.len() > limits.max_attachments as usize {
        findings.push(problem(
            "attachments".to_owned(),
            "too_many_attachments",
            format!(
                "Hồ sơ có {} tệp đính kèm, tối đa {} tệp.",
                files.len(),
                limits.max_attachments
            ),
            format!(
                "The dossier has {} attachments, at most {}.",
                files.len(),
                limits.max_attachments
            ),
        ));
    }
    let total = files.iter().fold(0u64, |sum, f| sum.saturating_add(f.size));
    if total > limits.max_dossier_bytes {
        findings.push(problem(
            "attachments".to_owned(),
            "dossier_too_large",
            format!(
                "Các tệp đính kèm có tổng cộng {total} byte, tối đa {} byte.",
                limits.max_dossier_bytes
            ),
            format!(
                "The attachments total {total} bytes, at most {}.",
                limits.max_dossier_bytes
            ),
        ));
    }
    for component in missing_components(components, files) {
        findings.push(problem(
            format!("components/{}", component.id),
            "required",
            format!("Thiếu thành phần hồ sơ bắt buộc \"{}\".", component.name.vi),
            format!(
                "The required dossier component \"{}\" is missing.",
                component.name.en
            ),
        ));
    }
    findings
}

/// The required components that no file stands for, in procedure order.
pub fn missing_components<'c>(
    components: &'c [Component],
    files: &[AttachedFile<'_>],
) -> Vec<&'c Component> {
    components
        .iter()
        .filter(|c| c.required && !files.iter().any(|f| f.component == c.id))
        .collect()
}

fn check_file(
    components: &[Component],
    file: &AttachedFile<'_>,
    limits: &Limits,
    findings: &mut Vec<FieldProblem>,
) {
    let name = file.name;
    let path = format!("attachments/{name}");
    let Some(component) = components.iter().find(|c| c.id == file.component) else {
        findings.push(problem(
            path,
            "unknown_component",
            format!(
                "Thủ tục này không có thành phần hồ sơ \"{}\".",
                file.component
            ),
            format!(
                "This procedure has no dossier component \"{}\".",
                file.component
            ),
        ));
        return;
    };
    let rule = &component.attachment;
    if !rule.accept.iter().any(|m| m == file.media_type) {
        let accepted = rule.accept.join(", ");
        findings.push(problem(
            path.clone(),
            "media_type",
            format!(
                "Tệp \"{name}\" có kiểu {}, không được nhận cho \"{}\" (chỉ nhận {accepted}).",
                file.media_type, component.name.vi
            ),
            format!(
                "The file \"{name}\" is {}, not accepted for \"{}\" (accepted: {accepted}).",
                file.media_type, component.name.en
            ),
        ));
    }
    let max_bytes = rule.max_bytes.min(limits.max_attachment_bytes);
    if file.size > max_bytes {
        findings.push(problem(
            path.clone(),
            "too_large",
            format!(
                "Tệp \"{name}\" có {} byte, tối đa {max_bytes} byte.",
                file.size
            ),
            format!(
                "The file \"{name}\" has {} bytes, at most {max_bytes}.",
                file.size
            ),
        ));
    }
    if let Some(pages) = file.pages.filter(|p| *p > rule.max_pages) {
        findings.push(problem(
            path,
            "too_many_pages",
            format!(
                "Tệp \"{name}\" có {pages} trang, tối đa {} trang.",
                rule.max_pages
            ),
            format!(
                "The file \"{name}\" has {pages} pages, at most {}.",
                rule.max_pages
            ),
        ));
    }
}

fn problem(path: String, code: &str, vi: String, en: String) -> FieldProblem {
    FieldProblem {
        path,
        code: code.to_owned(),
        message: LocalizedText::new(vi, en),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::component::{AttachmentRule, CopyKind};

    fn component(id: &str, required: bool) -> Component {
        Component {
            id: id.to_owned(),
            name: LocalizedText::new(format!("Giấy {id}"), format!("Paper {id}")),
            required,
            copy: CopyKind::Copy,
            note: None,
            attachment: AttachmentRule {
                accept: vec!["application/pdf".to_owned()],
                max_pages: 2,
                max_bytes: 1000,
            },
        }
    }

    fn file<'a>(component: &'a str, name: &'a str, size: u64) -> AttachedFile<'a> {
        AttachedFile {
            component,
            name,
            media_type: "application/pdf",
            size,
            pages: Some(1),
        }
    }

    fn codes(findings: &[FieldProblem]) -> Vec<(&str, &str)> {
        findings
            .iter()
            .map(|f| (f.path.as_str(), f.code.as_str()))
            .collect()
    }

    #[test]
    fn a_complete_dossier_conforms() {
        let components = [component("a", true), component("b", false)];
        let files = [file("a", "a.pdf", 10)];
        assert!(check_dossier(&components, &files, &Limits::default()).is_empty());
    }

    #[test]
    fn each_fault_is_named_where_it_is() {
        let components = [component("a", true), component("b", true)];
        let mut jpeg = file("b", "b.jpg", 2000);
        jpeg.media_type = "image/jpeg";
        jpeg.pages = Some(3);
        let files = [file("x", "x.pdf", 1), jpeg];
        let findings = check_dossier(&components, &files, &Limits::default());
        assert_eq!(
            codes(&findings),
            [
                ("attachments/x.pdf", "unknown_component"),
                ("attachments/b.jpg", "media_type"),
                ("attachments/b.jpg", "too_large"),
                ("attachments/b.jpg", "too_many_pages"),
                ("components/a", "required"),
            ]
        );
        assert_eq!(
            findings[4].message.en,
            "The required dossier component \"Paper a\" is missing."
        );
    }

    #[test]
    fn the_office_limits_are_checked_too() {
        let components = [component("a", true)];
        let files = [file("a", "1.pdf", 600), file("a", "2.pdf", 600)];
        let limits = Limits {
            max_attachment_bytes: 500,
            max_attachments: 1,
            max_dossier_bytes: 1000,
            ..Limits::UNBOUNDED
        };
        assert_eq!(
            codes(&check_dossier(&components, &files, &limits)),
            [
                ("attachments/1.pdf", "too_large"),
                ("attachments/2.pdf", "too_large"),
                ("attachments", "too_many_attachments"),
                ("attachments", "dossier_too_large"),
            ]
        );
    }

    #[test]
    fn missing_components_lists_only_required_ones_without_files() {
        let components = [
            component("a", true),
            component("b", false),
            component("c", true),
        ];
        let files = [file("c", "c.pdf", 1)];
        let missing: Vec<_> = missing_components(&components, &files)
            .iter()
            .map(|c| c.id.as_str())
            .collect();
        assert_eq!(missing, ["a"]);
    }
}
