//! Integrations and the nodes that call them (§4.7, §13 rule 25), beyond the field checks
//! of `routes.rs`.
//!
//! * A template may not stand in the scheme, host or port of an integration's URL: a flow
//!   must not be able to send data to a host `integrations.json` does not name.
//! * `${…}` texts and JSONPaths parse now, so a typo fails the build, not every session.
//! * Header names are HTTP tokens; a node's `path` holds no `?` or `#` (it is a path).

use super::http::is_token;
use super::Ctx;
use crate::diag::Diagnostics;
use crate::model::schema::NodeType;
use crate::model::{Integration, Loc, INTEGRATIONS_FILE};
use flowc_lang::envsubst::{self, EnvPart};
use flowc_lang::jsonpath;
use flowc_lang::template::{Part, Template};

/// Every rule of this module for every integration and every `api_integration` node.
pub(super) fn check_outbound(ctx: &Ctx, diags: &mut Diagnostics) {
    for integration in &ctx.bundle.integrations {
        check_env_texts(integration, diags);
        check_url(integration, diags);
        check_paths(integration, diags);
        let headers = integration.fields.templates("headers");
        for (name, value) in headers.iter().filter(|(n, _)| !is_token(n)) {
            diags.push(
                value
                    .loc
                    .error(INTEGRATIONS_FILE, None, header_message(name)),
            );
        }
    }
    let nodes = ctx
        .steps()
        .filter(|(_, _, s)| s.kind == Some(NodeType::ApiIntegration));
    for (_, flow, step) in nodes {
        for (name, value) in step.fields.templates("headers") {
            if !is_token(name) {
                let d = value
                    .loc
                    .error(&flow.file, step.number, header_message(name));
                diags.push(d);
            }
        }
        if step.fields.template("path").is_some_and(has_query) {
            let msg = "`path` is appended to the integration URL's path: it may not hold `?` or `#` (use `query` for parameters)";
            diags.push(step.field_loc("path").error(&flow.file, step.number, msg));
        }
    }
}

fn header_message(name: &str) -> String {
    if name.is_empty() {
        "a header name cannot be empty".to_owned()
    } else {
        format!("invalid header name `{name}`: a header name is an HTTP token (letters, digits and any of !#$%&'*+-.^_`|~)")
    }
}

/// Whether the literal text of a node's `path` holds `?` or `#`.
fn has_query(t: &Template) -> bool {
    t.parts
        .iter()
        .any(|p| matches!(p, Part::Text(s) if s.contains(['?', '#'])))
}

/// `${…}` in every template of the integration parses; it may not stand inside a position
/// list, whose elements are made per position at run time.
fn check_env_texts(integration: &Integration, diags: &mut Diagnostics) {
    for site in integration.fields.template_sites() {
        for part in &site.template.parts {
            let Part::Text(text) = part else { continue };
            if !envsubst::has_vars(text) {
                continue;
            }
            let message = match envsubst::parse(text) {
                Err(e) => format!("invalid environment reference: {}", strip_column(&e)),
                Ok(_) if site.in_positions => {
                    "`${…}` cannot stand inside a list from positions".to_owned()
                }
                Ok(_) => continue,
            };
            diags.push(site.loc.error(INTEGRATIONS_FILE, None, message));
        }
    }
}

/// `envsubst` counts its column within one literal piece of a template, which is not the
/// string's column: the message alone is clearer.
fn strip_column(error: &str) -> &str {
    match error.split_once(": ") {
        Some((head, rest)) if head.starts_with("column ") => rest,
        _ => error,
    }
}

/// `validation` and `base_element` are JSONPaths (besides `HTTP_RESPONSE_CODE`, and
/// besides what `routes.rs` already refuses as no JSONPath at all).
fn check_paths(integration: &Integration, diags: &mut Diagnostics) {
    for field in ["validation", "base_element"] {
        let Some(text) = integration.fields.text(field) else {
            continue;
        };
        if field == "validation" && !text.starts_with('$') {
            continue;
        }
        if let Err(e) = jsonpath::parse(text) {
            let loc = integration
                .fields
                .loc(field)
                .cloned()
                .unwrap_or_else(|| integration.loc.absent(field));
            let at = loc.inside(e.column.saturating_sub(1));
            let msg = format!("invalid JSONPath: {}", e.message);
            diags.push(at.error(INTEGRATIONS_FILE, None, msg));
        }
    }
}

/// Where in a URL the text read so far ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    /// Before `://`.
    Scheme,
    /// Host and port.
    Authority,
    /// Path, query or fragment: where values may land (percent-encoded).
    Rest,
}

/// The URL starts with `http://` or `https://`, or with a `${NAME}` that holds them (and the
/// host); a reference may only come after the host and port. The server checks the URL
/// again at start, with the variables expanded.
fn check_url(integration: &Integration, diags: &mut Diagnostics) {
    let Some(url) = integration.fields.template("url") else {
        return;
    };
    if let Some(message) = url_problem(url) {
        let loc: Loc = integration
            .fields
            .loc("url")
            .cloned()
            .unwrap_or_else(|| integration.loc.absent("url"));
        diags.push(loc.error(INTEGRATIONS_FILE, None, message));
    }
}

/// The first problem of a URL template, if any.
pub(crate) fn url_problem(url: &Template) -> Option<String> {
    walk_url(url).err()
}

fn walk_url(url: &Template) -> Result<(), String> {
    let mut walk = UrlWalk {
        section: Section::Scheme,
        scheme: String::new(),
    };
    for part in &url.parts {
        match part {
            Part::Text(text) => {
                // A text that does not parse was reported by `check_env_texts`.
                let Ok(pieces) = envsubst::parse(text) else {
                    return Ok(());
                };
                for piece in pieces {
                    match piece {
                        EnvPart::Text(t) => t.chars().try_for_each(|c| walk.literal(c))?,
                        // The variable holds the scheme and host (or more): the server
                        // checks what it holds at start.
                        EnvPart::Var { .. } if walk.section == Section::Scheme => {
                            walk.section = Section::Authority;
                        }
                        EnvPart::Var { .. } => {}
                    }
                }
            }
            Part::Ref(_) if walk.section != Section::Rest => {
                return Err("a template may not stand in the scheme, host or port of an integration's URL, only in its path and query (and in headers and the body): a flow must not send data to a host that integrations.json does not name".to_owned());
            }
            Part::Ref(_) => {}
        }
    }
    if walk.section == Section::Scheme {
        return Err(
            "the URL must start with `http://` or `https://`, or with a `${NAME}` that holds them"
                .to_owned(),
        );
    }
    Ok(())
}

/// The walk over a URL's literal characters.
struct UrlWalk {
    section: Section,
    /// The literal text before `://`.
    scheme: String,
}

impl UrlWalk {
    /// Moves past one literal character; `Err` when the literal scheme is not http(s).
    fn literal(&mut self, c: char) -> Result<(), String> {
        match self.section {
            Section::Scheme => {
                self.scheme.push(c);
                if let Some(scheme) = self.scheme.strip_suffix("://") {
                    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https")
                    {
                        return Err(format!(
                            "the URL's scheme must be `http` or `https`, not `{scheme}`"
                        ));
                    }
                    self.section = Section::Authority;
                }
            }
            Section::Authority if matches!(c, '/' | '?' | '#') => self.section = Section::Rest,
            _ => {}
        }
        Ok(())
    }
}
