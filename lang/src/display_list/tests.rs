use super::*;
use crate::eval::MapScope;
use crate::json;
use crate::path::Path;
use crate::scope::NodeOutput;
use crate::template::{NodePart, RequestRef};

fn v(text: &str) -> Value {
    json::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

/// The catalog of the shared case `display_list/pattern-numbered-exclude`, plus a request
/// body with awkward items.
fn scope() -> MapScope {
    let products = r#"{"products": [
        {"id": "1001", "desc": "Potatoes", "unitPrice": 100},
        {"id": "1002", "desc": "Melon", "unitPrice": 200},
        {"id": "1003", "desc": "Carrots", "unitPrice": 50}]}"#;
    let body = r#"{"items": [
        {"name": "tea", "note": null}, {"name": "cake", "note": "x"}, {"name": "tea"}],
        "empty": [], "title": "Menu"}"#;
    let mut scope = MapScope::new()
        .with_body(v(body))
        .with_node(
            "lookup",
            NodeOutput {
                result: Some(v(products)),
                ..NodeOutput::default()
            },
        )
        .with_node(
            "none",
            NodeOutput {
                result: Some(v(r#"{"products": []}"#)),
                ..NodeOutput::default()
            },
        );
    scope.session.id = "s-1".into();
    scope
}

fn opts(separator: &str, numbered: bool, index_separator: &str, exclude: &[&str]) -> ListOptions {
    ListOptions {
        separator: separator.to_owned(),
        numbered,
        index_separator: index_separator.to_owned(),
        exclude: exclude.iter().map(|s| (*s).to_owned()).collect(),
    }
}

/// Parses `pattern`, renders it over [`scope`] and compares text and count.
fn check(pattern: &str, options: &ListOptions, text: &str, count: usize) {
    let p = parse(pattern).unwrap_or_else(|e| panic!("{pattern:?}: {e:?}"));
    let got = render_in_scope(&p, options, &scope());
    assert_eq!(
        got,
        (text.to_owned(), count),
        "{pattern:?} with {options:?}"
    );
}

#[test]
fn renders_like_the_shared_case_and_more() {
    let plain = ListOptions::default();
    let products = "[lookup:products.#.desc]";
    for (pattern, options, text, count) in [
        // The shared conformance case.
        (
            "[lookup:products.#.desc] ([lookup:products.#.unitPrice] cents)",
            plain.clone(),
            "Potatoes (100 cents)\nMelon (200 cents)\nCarrots (50 cents)",
            3,
        ),
        (
            products,
            opts(", ", true, ". ", &[]),
            "1. Potatoes, 2. Melon, 3. Carrots",
            3,
        ),
        (
            products,
            opts(" | ", true, ") ", &["Melon"]),
            "1) Potatoes | 2) Carrots",
            2,
        ),
        ("[none:products.#.desc]", plain.clone(), "", 0),
        // Exclusion compares whole rendered items and numbering counts what remains.
        (
            "[request:body.items.#.name]",
            opts(",", true, ":", &["tea"]),
            "1:cake",
            1,
        ),
        (
            "[request:body.items.#.name]",
            opts(",", false, ". ", &["te"]),
            "tea,cake,tea",
            3,
        ),
        (
            "[request:body.items.#.name]",
            opts(",", true, ". ", &["tea", "cake"]),
            "",
            0,
        ),
        // A key present with null is present (renders empty); an absent key ends the list.
        (
            "[request:body.items.#.name]=[request:body.items.#.note]",
            opts(";", false, ". ", &[]),
            "tea=;cake=x",
            2,
        ),
        ("[request:body.empty.#]", plain.clone(), "", 0),
        ("[request:body.missing.#.x]", plain.clone(), "", 0),
        // Escapes and brackets without a `:` are text.
        (
            "\\[[a:b]] [lookup:products.#.id]",
            opts(" ", false, "", &[]),
            "[[a:b]] 1001 [[a:b]] 1002 [[a:b]] 1003",
            3,
        ),
        (
            "\\[x\\] [lookup:products.#.id]",
            opts(" ", false, "", &[]),
            "[x\\] 1001 [x\\] 1002 [x\\] 1003",
            3,
        ),
        (
            "[x] [lookup:products.#.id]",
            opts(" ", false, "", &[]),
            "[x] 1001 [x] 1002 [x] 1003",
            3,
        ),
        (
            "\\\\[lookup:products.#.id]",
            opts(" ", false, "", &[]),
            "\\1001 \\1002 \\1003",
            3,
        ),
        // `[[…]]` is expanded once per list; single-bracket references without `#` per item.
        (
            "[[request:body.title]]: [lookup:products.#.id] ([session:id])",
            opts(", ", false, "", &[]),
            "Menu: 1001 (s-1), Menu: 1002 (s-1), Menu: 1003 (s-1)",
            3,
        ),
        (
            "[lookup:products.#.id][[request:body.nope]][lookup:nope]",
            opts(" ", false, "", &[]),
            "1001 1002 1003",
            3,
        ),
        // A function as the item: it ends where its `#` reference does.
        (
            "[upper:[[lookup:products.#.desc]]]",
            opts(" ", false, "", &[]),
            "POTATOES MELON CARROTS",
            3,
        ),
        (
            "[see [[request:body.title]]] [lookup:products.#.id]",
            opts(" ", false, "", &[]),
            "[see Menu] 1001 [see Menu] 1002 [see Menu] 1003",
            3,
        ),
    ] {
        check(pattern, &options, text, count);
    }
}

#[test]
fn once_parts_are_looked_up_once_per_list() {
    let p = parse("[[uuid]]-[request:body.items.#.name]").unwrap();
    let mut once_calls = 0;
    let mut lookup = |i: usize, pos: Option<usize>| match (i, pos) {
        (0, None) => {
            once_calls += 1;
            Some(Value::str(format!("u{once_calls}")))
        }
        (2, Some(pos)) if pos <= 2 => Some(Value::str(format!("n{pos}"))),
        _ => None,
    };
    let got = render_list(&p.shape(), &ListOptions::default(), &mut lookup);
    assert_eq!(got, ("u1-n1\nu1-n2".to_owned(), 2));
    assert_eq!(once_calls, 1);
}

#[test]
fn parts_and_refs() {
    let p = parse("\\[ [[title]] [node:items.#.name] [a b]").unwrap();
    let name = Ref::Node {
        node: "node".to_owned(),
        part: NodePart::Other(Path::parse("items.#.name")),
    };
    let title = Ref::Var {
        name: "title".to_owned(),
        path: Path::default(),
    };
    assert_eq!(
        p.parts,
        vec![
            ListPart::Text("[ ".to_owned()),
            ListPart::Once(title.clone()),
            ListPart::Text(" ".to_owned()),
            ListPart::Item(name.clone()),
            ListPart::Text(" [a b]".to_owned()),
        ]
    );
    let refs: Vec<(usize, &Ref, bool)> = p.refs().collect();
    assert_eq!(refs, vec![(1, &title, false), (3, &name, true)]);
    let p = parse("[request:body.items.#.name]").unwrap();
    assert!(matches!(
        p.parts.as_slice(),
        [ListPart::Item(Ref::Request(RequestRef::Body(_)))]
    ));
}

#[test]
fn bad_patterns_point_at_their_column() {
    for (pattern, column, fragment) in [
        (
            "Items: [[lookup:products.#.desc]]",
            7,
            "rendered once per list",
        ),
        ("[lookup:products.1.desc]", 0, "repeats nothing"),
        ("plain text", 0, "repeats nothing"),
        ("[lookup:products.#.desc", 0, "repeats nothing"),
        ("[lookup:products.#.desc] [[title", 25, "unclosed `[[`"),
    ] {
        match parse(pattern) {
            Ok(p) => panic!("{pattern:?} should fail, got {p:?}"),
            Err(e) => {
                assert_eq!(e.column, column, "{pattern:?}: {e:?}");
                assert!(e.message.contains(fragment), "{pattern:?}: {e:?}");
            }
        }
    }
}

#[test]
fn template_errors_inside_single_brackets_keep_their_column() {
    // The template parser's error inside `[[…]]` maps back to the pattern.
    let inside = "bad name:x.#";
    let template_error = crate::template::parse(&format!("[[{inside}]]")).unwrap_err();
    let e = parse(&format!("ab [{inside}]")).unwrap_err();
    assert_eq!(e.column, 3 + 1 + template_error.column - 2, "{e:?}");
    assert_eq!(e.message, template_error.message);
}
