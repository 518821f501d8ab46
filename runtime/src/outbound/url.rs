//! Building an integration's URL from rendered parts (§13 rule 25).
//!
//! Rendered values are percent-encoded for where they land — a path segment or a query
//! component — and may never land in the scheme, host or port: a flow must not be able to
//! send data to a host that `integrations.json` does not name.

use flowc_lang::func::urlencode;

/// A piece of a URL template after rendering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UrlPart {
    /// Literal text of the template (`${ENV}` already expanded), used as written.
    Literal(String),
    /// A rendered reference: percent-encoded for where it lands (a path segment or a query
    /// component); it may not land in the scheme, host or port.
    Value(String),
}

/// Checks an integration URL at start, with `${ENV}` expanded: it must be an http(s) URL
/// whose scheme, host and port are literal, so no template can send data to a host
/// `integrations.json` does not name.
pub fn check_url(url: &[UrlPart]) -> Result<(), String> {
    let mut text = String::new();
    let mut section = Section::Scheme;
    for part in url {
        match part {
            UrlPart::Literal(s) => push_literal(&mut text, &mut section, s),
            UrlPart::Value(_) => {
                guard_value(section)?;
                text.push('x');
            }
        }
    }
    let parsed = reqwest::Url::parse(&text).map_err(|e| format!("not a valid URL ({e})"))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err("the URL must start with http:// or https:// and a host".to_owned());
    }
    Ok(())
}

/// The complete URL: rendered values percent-encoded where they land, the node's path
/// appended with one `/`, then the query parameters.
pub fn build_url(
    url: &[UrlPart],
    path: &[UrlPart],
    query: &[(String, String)],
) -> Result<String, String> {
    let mut text = String::new();
    let mut section = Section::Scheme;
    let mut path_at = None;
    let mut tail_at = None;
    for part in url {
        match part {
            UrlPart::Literal(s) => {
                for c in s.chars() {
                    let before = section;
                    push_literal(&mut text, &mut section, c.encode_utf8(&mut [0; 4]));
                    if before == Section::Authority && section != Section::Authority {
                        path_at = Some(text.len() - 1);
                    }
                    if tail_at.is_none() && matches!(section, Section::Query | Section::Fragment) {
                        tail_at = Some(text.len() - 1);
                    }
                }
            }
            UrlPart::Value(v) => {
                guard_value(section)?;
                text.push_str(&urlencode(v));
            }
        }
    }
    let path_at = match (path_at, section) {
        (Some(at), _) => at,
        (None, Section::Authority) => text.len(),
        (None, _) => return Err("the integration URL has no scheme and host".to_owned()),
    };
    let tail = text.split_off(tail_at.unwrap_or(text.len()));
    append_path(&mut text, path_at, path);
    append_query(&mut text, tail, query);
    Ok(text)
}

/// Where in a URL the text written so far ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    /// Before `://`.
    Scheme,
    /// Host and port, up to the first `/`, `?` or `#`.
    Authority,
    /// The path.
    Path,
    /// After `?`.
    Query,
    /// After `#`.
    Fragment,
}

/// Appends literal text, following the section it moves into.
fn push_literal(text: &mut String, section: &mut Section, literal: &str) {
    for c in literal.chars() {
        text.push(c);
        *section = match (*section, c) {
            (Section::Scheme, _) if text.ends_with("://") => Section::Authority,
            (Section::Authority, '/') => Section::Path,
            (Section::Authority | Section::Path, '?') => Section::Query,
            (Section::Authority | Section::Path | Section::Query, '#') => Section::Fragment,
            (s, _) => s,
        };
    }
}

/// A rendered value may not decide the scheme, host or port (issue: a flow must not send
/// data to a host the integration does not name).
fn guard_value(section: Section) -> Result<(), String> {
    match section {
        Section::Scheme | Section::Authority => Err(
            "a template may not change the scheme, host or port of an integration's URL".to_owned(),
        ),
        _ => Ok(()),
    }
}

/// Appends the node's path to the URL's path with exactly one `/` between them.
fn append_path(text: &mut String, path_at: usize, path: &[UrlPart]) {
    let mut rendered = String::new();
    for part in path {
        match part {
            UrlPart::Literal(s) => rendered.push_str(s),
            UrlPart::Value(v) => rendered.push_str(&urlencode(v)),
        }
    }
    let rendered = rendered.trim_start_matches('/');
    if rendered.is_empty() {
        return;
    }
    while text.len() > path_at && text.ends_with('/') {
        text.pop();
    }
    text.push('/');
    text.push_str(rendered);
}

/// Appends `tail` (the URL's own `?query#fragment`) with the parameters added to its query.
fn append_query(text: &mut String, tail: String, query: &[(String, String)]) {
    let (own_query, fragment) = match tail.find('#') {
        Some(at) => tail.split_at(at),
        None => (tail.as_str(), ""),
    };
    text.push_str(own_query);
    for (i, (name, value)) in query.iter().enumerate() {
        let first = i == 0 && own_query.len() <= 1;
        if first && own_query.is_empty() {
            text.push('?');
        } else if !first {
            text.push('&');
        }
        text.push_str(&urlencode(name));
        text.push('=');
        text.push_str(&urlencode(value));
    }
    text.push_str(fragment);
}
