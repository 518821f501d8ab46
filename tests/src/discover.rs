//! Finding case files and turning a case's `bundle` into a [`BundleSource`].
//!
//! `build.rs` includes this file with `#[path]` (a build script cannot use its own
//! package's library), so it needs nothing beyond std, `flowc-lang` and `flowc-codegen`.
//! Both sides must agree on which files are cases and how they are named, or the runner
//! would look for compiled cases under names the build never wrote.

use flowc_codegen::BundleSource;
use flowc_lang::Value;
use std::path::{Path, PathBuf};

/// The environment variable that points the build and the runner at another cases folder.
pub const DIR_VAR: &str = "FLOWC_CONFORMANCE_DIR";

/// The cases folder: `FLOWC_CONFORMANCE_DIR` when set (a relative value is relative to the
/// workspace root, the parent of the `tests` crate), else the crate's own cases.
pub fn cases_dir(manifest_dir: &Path, var: Option<&str>) -> PathBuf {
    match var.filter(|v| !v.is_empty()) {
        Some(v) if Path::new(v).is_absolute() => PathBuf::from(v),
        Some(v) => manifest_dir.join("..").join(v),
        None => manifest_dir.join("conformance").join("cases"),
    }
}

/// Every `*.json` below `dir` as `(relative path with '/', full path)`, sorted by the
/// relative path so case numbers are stable.
pub fn find_cases(dir: &Path) -> std::io::Result<Vec<(String, PathBuf)>> {
    let mut found = Vec::new();
    walk(dir, dir, &mut found)?;
    found.sort();
    Ok(found)
}

/// Collects the JSON files of `dir` and its subfolders.
fn walk(root: &Path, dir: &Path, found: &mut Vec<(String, PathBuf)>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            walk(root, &path, found)?;
        } else if path.extension().is_some_and(|e| e == "json") {
            found.push((relative_name(root, &path), path));
        }
    }
    Ok(())
}

/// `a/b.json` for `root/a/b.json`, with `/` whatever the platform.
fn relative_name(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.join("/")
}

/// The bundle files of a case's `bundle` value: `routes.json`, `integrations.json` (when
/// given) and one `<flow>.flow.json` per flow. A flow without a usable id, or with an id
/// already taken, gets a numbered file name so a duplicate still reaches the checker.
pub fn bundle_source(origin: &str, bundle: &Value) -> Result<BundleSource, String> {
    let Value::Object(map) = bundle else {
        return Err("`bundle` must be an object".into());
    };
    let mut files = Vec::new();
    if let Some(routes) = map.get("routes") {
        files.push(("routes.json".to_owned(), routes.to_json()));
    }
    if let Some(integrations) = map.get("integrations") {
        files.push(("integrations.json".to_owned(), integrations.to_json()));
    }
    let flows = match map.get("flows") {
        None => &[][..],
        Some(Value::Array(flows)) => &flows[..],
        Some(_) => return Err("`bundle.flows` must be an array".into()),
    };
    for (i, flow) in flows.iter().enumerate() {
        let name = flow_file_name(flow, i, &files);
        files.push((name, flow.to_json()));
    }
    files.sort();
    Ok(BundleSource {
        origin: origin.to_owned(),
        files,
    })
}

/// `<flow>.flow.json`, or `flow-<i>.flow.json` when the id is missing, not a plain name, or
/// already used by an earlier flow.
fn flow_file_name(flow: &Value, index: usize, taken: &[(String, String)]) -> String {
    let id = match flow {
        Value::Object(map) => match map.get("flow") {
            Some(Value::String(s)) if is_file_safe(s) => Some(s.as_str()),
            _ => None,
        },
        _ => None,
    };
    let preferred = id.map(|id| format!("{id}.flow.json"));
    match preferred {
        Some(name) if !taken.iter().any(|(n, _)| *n == name) => name,
        _ => format!("flow-{index}.flow.json"),
    }
}

/// Whether a flow id can be used as a file name as it is.
fn is_file_safe(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// FNV-1a of a case's text: the build records it, the runner compares it to tell a stale
/// build from a current one.
pub fn text_hash(text: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_the_cases_folder() {
        let manifest = Path::new("/ws/tests");
        let rows = [
            (None, "/ws/tests/conformance/cases"),
            (Some(""), "/ws/tests/conformance/cases"),
            (Some("/abs/cases"), "/abs/cases"),
            (Some("shared/cases"), "/ws/tests/../shared/cases"),
        ];
        for (var, expected) in rows {
            assert_eq!(cases_dir(manifest, var), PathBuf::from(expected), "{var:?}");
        }
    }

    #[test]
    fn finds_json_files_recursively_in_path_order() {
        let root = std::env::temp_dir().join(format!("flowc-discover-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        for file in ["b/z.json", "a.json", "b/a/x.json", "b/notes.txt"] {
            let path = root.join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "{}").unwrap();
        }
        let found: Vec<String> = find_cases(&root)
            .unwrap()
            .into_iter()
            .map(|(rel, _)| rel)
            .collect();
        std::fs::remove_dir_all(&root).unwrap();
        assert_eq!(found, ["a.json", "b/a/x.json", "b/z.json"]);
    }

    fn names(bundle: &str) -> Result<Vec<String>, String> {
        let value = flowc_lang::json::parse(bundle).unwrap();
        bundle_source("c.json", &value).map(|s| s.files.into_iter().map(|(name, _)| name).collect())
    }

    #[test]
    fn names_bundle_files() {
        type Row<'a> = (&'a str, Result<&'a [&'a str], &'a str>);
        let rows: &[Row] = &[
            (r#"{"routes": {"routes": []}}"#, Ok(&["routes.json"])),
            (
                r#"{"routes": {}, "integrations": {}, "flows": [{"flow": "b"}, {"flow": "a"}]}"#,
                Ok(&[
                    "a.flow.json",
                    "b.flow.json",
                    "integrations.json",
                    "routes.json",
                ]),
            ),
            (
                r#"{"flows": [{"flow": "x"}, {"flow": "x"}, {"flow": "../up"}, {"steps": []}, 5]}"#,
                Ok(&[
                    "flow-1.flow.json",
                    "flow-2.flow.json",
                    "flow-3.flow.json",
                    "flow-4.flow.json",
                    "x.flow.json",
                ]),
            ),
            (r#"[]"#, Err("`bundle` must be an object")),
            (r#"{"flows": {}}"#, Err("`bundle.flows` must be an array")),
        ];
        for (bundle, expected) in rows {
            let expected = expected
                .map(|n| n.iter().map(|s| (*s).to_owned()).collect())
                .map_err(str::to_owned);
            assert_eq!(names(bundle), expected, "{bundle}");
        }
    }

    #[test]
    fn hashes_text_stably() {
        assert_eq!(text_hash(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(text_hash("a"), 0xaf63_dc4c_8601_ec8c);
        assert_ne!(text_hash("{\"a\": 1}"), text_hash("{\"a\": 2}"));
    }
}
