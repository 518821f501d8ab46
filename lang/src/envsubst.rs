//! `${NAME}` environment references in `integrations.json` (§4.7, §13 rule 25).
//!
//! The text is parsed at build time ([`parse`]) and expanded at server start ([`expand`]), so
//! one build serves sandbox and production. `${NAME:-default}` falls back to `default` when
//! `NAME` is unset or empty (as in a POSIX shell); `$${` is a literal `${`; any other `$` is
//! itself. [`vars`] lists what a bundle needs, for `flowc check`.

/// A piece of a text with environment references.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum EnvPart {
    /// Literal text (`$${` already turned into `${`).
    Text(String),
    /// `${name}` or `${name:-default}`.
    Var {
        /// The variable's name.
        name: String,
        /// The text after `:-`, if given.
        default: Option<String>,
    },
}

/// Parses a text; an unclosed `${`, a bad name or a nested `${` is an error naming the
/// 1-based column (in characters) of its `$`.
pub fn parse(text: &str) -> Result<Vec<EnvPart>, String> {
    let mut parts = Vec::new();
    let mut literal = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        literal.push_str(&rest[..at]);
        let tail = &rest[at..];
        if let Some(after) = tail.strip_prefix("$${") {
            literal.push_str("${");
            rest = after;
        } else if let Some(after) = tail.strip_prefix("${") {
            let column = text[..text.len() - tail.len()].chars().count() + 1;
            let close = after
                .find('}')
                .ok_or_else(|| format!("column {column}: `${{` is not closed by `}}`"))?;
            let var = parse_var(&after[..close]).map_err(|e| format!("column {column}: {e}"))?;
            if !literal.is_empty() {
                parts.push(EnvPart::Text(std::mem::take(&mut literal)));
            }
            parts.push(var);
            rest = &after[close + 1..];
        } else {
            literal.push('$');
            rest = &tail[1..];
        }
    }
    literal.push_str(rest);
    if !literal.is_empty() {
        parts.push(EnvPart::Text(literal));
    }
    Ok(parts)
}

/// Expands the parts with `lookup` (the environment at start). The error lists every
/// variable that is missing and has no default, each once, in order of appearance.
pub fn expand(
    parts: &[EnvPart],
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<String, Vec<String>> {
    let mut out = String::new();
    let mut missing: Vec<String> = Vec::new();
    for part in parts {
        match part {
            EnvPart::Text(text) => out.push_str(text),
            EnvPart::Var { name, default } => match (lookup(name), default) {
                (Some(value), Some(default)) if value.is_empty() => out.push_str(default),
                (Some(value), _) => out.push_str(&value),
                (None, Some(default)) => out.push_str(default),
                (None, None) if missing.contains(name) => {}
                (None, None) => missing.push(name.clone()),
            },
        }
    }
    if missing.is_empty() {
        Ok(out)
    } else {
        Err(missing)
    }
}

/// The variables the parts read, each once in order of appearance, with whether every use
/// of it has a default (`false` means the server cannot start without it).
pub fn vars(parts: &[EnvPart]) -> Vec<(String, bool)> {
    let mut out: Vec<(String, bool)> = Vec::new();
    for part in parts {
        let EnvPart::Var { name, default } = part else {
            continue;
        };
        match out.iter_mut().find(|(n, _)| n == name) {
            Some((_, has_default)) => *has_default &= default.is_some(),
            None => out.push((name.clone(), default.is_some())),
        }
    }
    out
}

/// Whether the text holds any `${`: a quick test that spares most strings a parse.
pub fn has_vars(text: &str) -> bool {
    text.contains("${")
}

/// `NAME` or `NAME:-default` (the text between `${` and `}`).
fn parse_var(inner: &str) -> Result<EnvPart, String> {
    let (name, default) = match inner.split_once(":-") {
        Some((name, default)) => (name, Some(default)),
        None => (inner, None),
    };
    if !is_var_name(name) {
        return Err(format!(
            "`{name}` is not a variable name (letters, digits and `_`, not starting with a digit; a default is written `${{NAME:-default}}`)"
        ));
    }
    if default.is_some_and(|d| d.contains("${")) {
        return Err(format!(
            "the default of `{name}` holds another `${{`, which is not supported"
        ));
    }
    Ok(EnvPart::Var {
        name: name.to_owned(),
        default: default.map(str::to_owned),
    })
}

/// `[A-Za-z_][A-Za-z0-9_]*`, the names a shell can export.
fn is_var_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> EnvPart {
        EnvPart::Text(s.to_owned())
    }

    fn var(name: &str, default: Option<&str>) -> EnvPart {
        EnvPart::Var {
            name: name.to_owned(),
            default: default.map(str::to_owned),
        }
    }

    #[test]
    fn parses() {
        let rows: Vec<(&str, Vec<EnvPart>)> = vec![
            ("", vec![]),
            ("plain", vec![text("plain")]),
            ("${A}", vec![var("A", None)]),
            (
                "${CRM_URL}/users/[[id]]",
                vec![var("CRM_URL", None), text("/users/[[id]]")],
            ),
            ("Bearer ${T}", vec![text("Bearer "), var("T", None)]),
            (
                "${A:-http://x:8080/b}",
                vec![var("A", Some("http://x:8080/b"))],
            ),
            ("${A:-}", vec![var("A", Some(""))]),
            ("$${A}", vec![text("${A}")]),
            ("a$${A}${B}", vec![text("a${A}"), var("B", None)]),
            ("$$${A}", vec![text("$${A}")]),
            ("$5 $x $", vec![text("$5 $x $")]),
            ("$$", vec![text("$$")]),
            ("${_a1}${b}", vec![var("_a1", None), var("b", None)]),
            ("${A:-x:-y}", vec![var("A", Some("x:-y"))]),
            ("é${A}é", vec![text("é"), var("A", None), text("é")]),
        ];
        for (input, expected) in rows {
            assert_eq!(parse(input).as_ref(), Ok(&expected), "{input}");
        }
    }

    #[test]
    fn rejects() {
        let rows = [
            ("${A", "column 1: `${` is not closed"),
            ("ab${A", "column 3: `${` is not closed"),
            ("é${A", "column 2: `${` is not closed"),
            ("${}", "column 1: `` is not a variable name"),
            ("${1A}", "`1A` is not a variable name"),
            ("${A-b}", "`A-b` is not a variable name"),
            ("${A B}", "`A B` is not a variable name"),
            ("${A:-${B}}", "holds another `${`"),
        ];
        for (input, expected) in rows {
            let err = parse(input).expect_err(input);
            assert!(err.contains(expected), "{input}: {err}");
        }
    }

    fn env(name: &str) -> Option<String> {
        match name {
            "URL" => Some("http://crm".to_owned()),
            "EMPTY" => Some(String::new()),
            _ => None,
        }
    }

    #[test]
    fn expands() {
        let rows: &[(&str, Result<&str, &[&str]>)] = &[
            ("${URL}/users", Ok("http://crm/users")),
            ("${NOPE:-http://localhost:9}/x", Ok("http://localhost:9/x")),
            ("${URL:-other}", Ok("http://crm")),
            ("[${EMPTY}]", Ok("[]")),
            ("[${EMPTY:-d}]", Ok("[d]")),
            ("$${URL}", Ok("${URL}")),
            ("${A}${B}${A}${URL}", Err(&["A", "B"])),
            ("${A:-x}${A}", Err(&["A"])),
        ];
        for (input, expected) in rows {
            let parts = parse(input).expect(input);
            let got = expand(&parts, &env);
            let expected = expected
                .map(str::to_owned)
                .map_err(|names| names.iter().map(|n| n.to_string()).collect::<Vec<_>>());
            assert_eq!(got, expected, "{input}");
        }
    }

    #[test]
    fn lists_vars() {
        let rows: &[(&str, &[(&str, bool)])] = &[
            ("none", &[]),
            ("${A}/${B:-x}", &[("A", false), ("B", true)]),
            ("${A:-x}${A}", &[("A", false)]),
            ("${A:-x}${A:-y}", &[("A", true)]),
            ("$${A}", &[]),
        ];
        for (input, expected) in rows {
            let parts = parse(input).expect(input);
            let expected: Vec<(String, bool)> =
                expected.iter().map(|(n, d)| (n.to_string(), *d)).collect();
            assert_eq!(vars(&parts), expected, "{input}");
        }
        assert!(has_vars("a${B}") && !has_vars("a$B"));
    }
}
