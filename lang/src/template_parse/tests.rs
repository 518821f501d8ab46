//! Parser tables: every row is a template and the parse it must give, written compactly.

use super::*;
use crate::json;
use crate::path::Seg;

/// A template written compactly: texts quoted, references in braces, joined with ` + `.
fn show(t: &Template) -> String {
    let parts: Vec<String> = t
        .parts
        .iter()
        .map(|p| match p {
            Part::Text(s) => format!("{s:?}"),
            Part::Ref(r) => format!("{{{}}}", show_ref(r)),
        })
        .collect();
    if parts.is_empty() {
        "<empty>".to_owned()
    } else {
        parts.join(" + ")
    }
}

fn show_ref(r: &Ref) -> String {
    match r {
        Ref::Var { name, path } => format!("var {name} {}", path.to_dotted()),
        Ref::Node { node, part } => format!("node {node} {}", show_part(part)),
        Ref::Request(req) => match req {
            RequestRef::Body(p) => format!("body {}", p.to_dotted()),
            RequestRef::Query(k) => format!("query {}", k.as_deref().unwrap_or("*")),
            RequestRef::Header(h) => format!("header {h}"),
            other => format!("{other:?}"),
        },
        Ref::Session(s) => format!("session {s:?}"),
        Ref::Call(call) => {
            let args: Vec<String> = call.args.iter().map(show).collect();
            format!("{}({})", call.func.name(), args.join(", "))
        }
    }
}

fn show_part(part: &NodePart) -> String {
    match part {
        NodePart::Result(p) => format!("result {}", p.to_dotted()),
        NodePart::Other(p) => format!("other {}", p.to_dotted()),
        NodePart::Header(h) => format!("header {h}"),
        other => format!("{other:?}"),
    }
}

/// `parse(input)` shown, or `error@column: message`.
fn check(input: &str, expected: &str) {
    let got = match parse(input) {
        Ok(t) => show(&t),
        Err(e) => format!("error@{}: {}", e.column, e.message),
    };
    assert_eq!(got, expected, "parse({input:?})");
}

#[test]
fn text_and_escapes() {
    for (input, expected) in [
        ("", "<empty>"),
        ("plain text", r#""plain text""#),
        (
            r"\[[request:body.n]] is [[request:body.n]]",
            r#""[[request:body.n]] is " + {body n}"#,
        ),
        (r"\\[[x]]", r#""\\" + {var x }"#),
        (r"a\b\\c", r#""a\\b\\\\c""#),
        (r"\\\[[x]]", r#""\\\\" + {var x }"#),
        ("x]]y", r#""x]]y""#),
        ("a [b] c", r#""a [b] c""#),
        ("[[[x]]]", r#""[" + {var x } + "]""#),
        ("[x]", r#""[x]""#),
        ("é[[x]]é", r#""é" + {var x } + "é""#),
        ("[[a]][[b]]", "{var a } + {var b }"),
        (r"\[[", r#""[[""#),
        ("[[x]]]]", r#"{var x } + "]]""#),
    ] {
        check(input, expected);
    }
}

#[test]
fn variables_and_paths() {
    for (input, expected) in [
        ("[[x]]", "{var x }"),
        ("[[_a1.b.2.#]]", "{var _a1 b.2.#}"),
        ("Hi [[name]]!", r#""Hi " + {var name } + "!""#),
        (
            "[[a..b]]",
            "error@4: empty path segment (a path is `a.b.2`, without `..` or a dot at an end)",
        ),
        (
            "[[a.]]",
            "error@4: empty path segment (a path is `a.b.2`, without `..` or a dot at an end)",
        ),
        (
            "[[.a]]",
            "error@2: `` is not a valid variable name ([A-Za-z_][A-Za-z0-9_]*)",
        ),
        (
            "[[1a]]",
            "error@2: `1a` is not a valid variable name ([A-Za-z_][A-Za-z0-9_]*)",
        ),
        (
            "[[a b]]",
            "error@2: `a b` is not a valid variable name ([A-Za-z_][A-Za-z0-9_]*)",
        ),
        (
            "[[request]]",
            "error@2: `request` needs a part, e.g. [[request:body.x]]",
        ),
        (
            "[[session]]",
            "error@2: `session` needs a part, e.g. [[session:id]]",
        ),
        ("[[lower]]", "error@2: `lower` is a function: [[lower:X]]"),
        ("[[left.x]]", "error@2: `left` is a function: [[left:N:X]]"),
        ("[[]]", "error@2: empty reference `[[]]`"),
        (
            "[[a.[[b]]]]",
            "error@4: a path or name cannot contain a reference",
        ),
    ] {
        check(input, expected);
    }
}

#[test]
fn request_and_session() {
    for (input, expected) in [
        ("[[request:body]]", "{body }"),
        ("[[request:body.a.b]]", "{body a.b}"),
        ("[[request:body.lines.#.code]]", "{body lines.#.code}"),
        ("[[request:body.a:b]]", "{body a:b}"),
        ("[[request:query]]", "{query *}"),
        ("[[request:query.lang]]", "{query lang}"),
        ("[[request:header.X-Tenant]]", "{header x-tenant}"),
        ("[[request:method]]", "{Method}"),
        ("[[request:ip]]", "{Ip}"),
        ("[[request:path]]", "{Path}"),
        ("[[session:id]]", "{session Id}"),
        ("[[session:route]]", "{session Route}"),
        ("[[session:flow]]", "{session Flow}"),
        ("[[session:started_at]]", "{session StartedAt}"),
        ("[[session:msisdn]]", "{session Msisdn}"),
        ("[[request:body.]]", "error@15: empty path segment (a path is `a.b.2`, without `..` or a dot at an end)"),
        ("[[request:header]]", "error@10: `request:header` needs a name, e.g. [[request:header.x-name]]"),
        ("[[request:query.]]", "error@16: `query.` needs a name after the dot"),
        (
            "[[request:bodyx]]",
            "error@10: unknown request part `bodyx` (body, body.<path>, query, query.<key>, header.<name>, method, ip, path)",
        ),
        (
            "[[request:method.x]]",
            "error@10: unknown request part `method.x` (body, body.<path>, query, query.<key>, header.<name>, method, ip, path)",
        ),
        ("[[session:ID]]", "error@10: unknown session part `ID` (id, route, flow, started_at, msisdn)"),
        ("[[session:]]", "error@10: unknown session part `` (id, route, flow, started_at, msisdn)"),
    ] {
        check(input, expected);
    }
}

#[test]
fn node_parts() {
    for (input, expected) in [
        ("[[calc:result]]", "{node calc result }"),
        (
            "[[lookup:result.products.1.desc]]",
            "{node lookup result products.1.desc}",
        ),
        ("[[n:error]]", "{node n Error}"),
        ("[[n:count]]", "{node n Count}"),
        ("[[n:message_id]]", "{node n MessageId}"),
        ("[[n:HTTP_RESPONSE_CODE]]", "{node n StatusCode}"),
        ("[[n:header.X-Rate]]", "{node n header x-rate}"),
        ("[[cid:1]]", "{node cid other 1}"),
        ("[[cid:year]]", "{node cid other year}"),
        (
            "[[lookup:products.#.desc]]",
            "{node lookup other products.#.desc}",
        ),
        ("[[n:error.x]]", "{node n other error.x}"),
        (
            "[[n:http_response_code]]",
            "{node n other http_response_code}",
        ),
        ("[[n:]]", "error@4: `n:` needs a part, e.g. [[n:result]]"),
        (
            "[[n:header]]",
            "error@4: `header` needs a name, e.g. [[n:header.x-name]]",
        ),
        (
            "[[n:result.]]",
            "error@11: empty path segment (a path is `a.b.2`, without `..` or a dot at an end)",
        ),
        (
            "[[9n:result]]",
            "error@2: `9n` is not a valid node name ([A-Za-z_][A-Za-z0-9_]*)",
        ),
        (
            "[[a.b:result]]",
            "error@2: `a.b` is not a valid node name ([A-Za-z_][A-Za-z0-9_]*)",
        ),
    ] {
        check(input, expected);
    }
}

#[test]
fn function_calls() {
    for (input, expected) in [
        ("[[upper:[[request:body.name]]]]", "{upper({body name})}"),
        ("[[left:3:a:b:c]]", r#"{left("3", "a:b:c")}"#),
        (
            "[[substr:2:6:abcdABCD]]",
            r#"{substr("2", "6", "abcdABCD")}"#,
        ),
        (
            "[[left:[[n]]:x[[y]]z]]",
            r#"{left({var n }, "x" + {var y } + "z")}"#,
        ),
        ("[[default::[[x]]]]", "{default(<empty>, {var x })}"),
        ("[[lower:]]", "{lower(<empty>)}"),
        ("[[json:5]]", r#"{json("5")}"#),
        ("[[uuid]]", "{uuid()}"),
        ("[[now]]", "{now()}"),
        (
            "[[upper:[[left:3:[[request:body.name]]]]]]",
            "{upper({left(\"3\", {body name})})}",
        ),
        (
            "[[default:[[a:b]]:[[c]]]]",
            "{default({node a other b}, {var c })}",
        ),
        ("[[upper:\\[[x]]", r#"{upper("[[x")}"#),
        ("[[trim:a]]]]b", r#"{trim("a")} + "]]b""#),
        (
            "[[left:3]]",
            "error@2: `left` takes 2 arguments: [[left:N:X]]",
        ),
        (
            "[[substr:1:abc]]",
            "error@2: `substr` takes 3 arguments: [[substr:S:E:X]]",
        ),
        (
            "[[left::abc]]",
            "error@7: missing argument of `left`: [[left:N:X]]",
        ),
        (
            "[[substr:1::abc]]",
            "error@11: missing argument of `substr`: [[substr:S:E:X]]",
        ),
        ("[[uuid:x]]", "error@6: `uuid` takes no arguments: [[uuid]]"),
        ("[[now:]]", "error@5: `now` takes no arguments: [[now]]"),
        (
            "x [[upper:[[y]]",
            "error@2: unclosed `[[` (a reference ends with `]]`)",
        ),
        (
            "[[upper:[[y:]]]]",
            "error@12: `y:` needs a part, e.g. [[y:result]]",
        ),
    ] {
        check(input, expected);
    }
}

#[test]
fn unclosed_references_point_at_their_brackets() {
    for (input, expected) in [
        ("[[x", "error@0: unclosed `[[` (a reference ends with `]]`)"),
        (
            "ab [[x] ]",
            "error@3: unclosed `[[` (a reference ends with `]]`)",
        ),
        (
            "éé [[x",
            "error@3: unclosed `[[` (a reference ends with `]]`)",
        ),
        (
            "[[a]] [[b",
            "error@6: unclosed `[[` (a reference ends with `]]`)",
        ),
        (
            r"\\[[x",
            "error@2: unclosed `[[` (a reference ends with `]]`)",
        ),
    ] {
        check(input, expected);
    }
}

#[test]
fn single_reference_and_literals() {
    let t = parse("[[calc:result]]").unwrap_or_default();
    assert!(t.single_ref().is_some());
    let t = parse(" [[calc:result]]").unwrap_or_default();
    assert!(t.single_ref().is_none());
    assert_eq!(
        parse(r"a\[[b").map(|t| t.as_literal()),
        Ok(Some("a[[b".to_owned()))
    );
    let hash = parse("[[request:body.lines.#.code]]").unwrap_or_default();
    let segs = match hash.single_ref() {
        Some(Ref::Request(RequestRef::Body(p))) => p.segs.clone(),
        _ => Vec::new(),
    };
    assert_eq!(segs[1], Seg::Hash);
    assert_eq!(segs[2], Seg::key("code"));
}

fn value_template_of(text: &str) -> Result<ValueTemplate, Vec<ValueTemplateError>> {
    let value = match json::parse(text) {
        Ok(v) => v,
        Err(e) => panic!("{text}: {e}"),
    };
    value_template(&value)
}

/// The shape of a value template: kinds only, with strings shown as templates.
fn shape(vt: &ValueTemplate) -> String {
    match vt {
        ValueTemplate::Null => "null".to_owned(),
        ValueTemplate::Bool(b) => b.to_string(),
        ValueTemplate::Number(n) => n.to_string(),
        ValueTemplate::Str(t) => show(t),
        ValueTemplate::Array(items) => format!(
            "[{}]",
            items.iter().map(shape).collect::<Vec<_>>().join(", ")
        ),
        ValueTemplate::Positions(item) => format!("positions({})", shape(item)),
        ValueTemplate::Object(members) => {
            let inner: Vec<String> = members
                .iter()
                .map(|(k, v)| format!("{k}: {}", shape(v)))
                .collect();
            format!("{{{}}}", inner.join(", "))
        }
    }
}

#[test]
fn value_templates_mark_position_lists() {
    for (input, expected) in [
        (
            r#"{"n": 0.1, "s": "Hi [[x]]", "b": true, "z": null}"#,
            r#"{n: 0.1, s: "Hi " + {var x }, b: true, z: null}"#,
        ),
        (
            r#"{"items": [{"sku": "[[request:body.lines.#.code]]"}]}"#,
            "{items: positions({sku: {body lines.#.code}})}",
        ),
        (
            r##"["[[upper:[[x.#]]]]"]"##,
            "positions({upper({var x #})})",
        ),
        (r##"["[[x.#]]", "[[y]]"]"##, "[{var x #}, {var y }]"),
        (r#"["[[x.1]]"]"#, "[{var x 1}]"),
        (r#"[]"#, "[]"),
        (r#""\\[[x.#]]""#, r#""[[x.#]]""#),
        (r##"[{"a": "\\[[x.#]]"}]"##, r#"[{a: "[[x.#]]"}]"#),
    ] {
        let got = match value_template_of(input) {
            Ok(vt) => shape(&vt),
            Err(errors) => format!("{errors:?}"),
        };
        assert_eq!(got, expected, "value_template({input})");
    }
}

/// A list inside a position list shares its `#` (N² values): an error at the inner list.
#[test]
fn position_lists_do_not_nest() {
    const NESTED: &str = "a list inside a position list is not supported: both would share `#`";
    // (value template, the errors as `pointer@column: message`, or its shape)
    for (input, expected) in [
        (r##"[["[[request:body.#]]"]]"##, vec!["/0@0"]),
        (
            r##"[{"tags": ["[[request:body.lines.#.tags.#]]"]}]"##,
            vec!["/0/tags@0"],
        ),
        (
            r##"{"a": [{"b": [1, ["[[x.#]]"]], "c": "[[y.#]]"}]}"##,
            vec!["/a/0/b/1@0"],
        ),
        (r##"[[["[[x.#]]"]]]"##, vec!["/0/0@0"]),
        (
            r##"[{"k/~": ["[[x.#]]"], "v": "[[y.#]]"}]"##,
            vec!["/0/k~1~0@0"],
        ),
        // A plain list inside a position list is fine: its `#` is the outer position.
        (
            r##"[{"pair": ["[[x.#]]", "[[y.#]]"]}]"##,
            vec!["positions({pair: [{var x #}, {var y #}]})"],
        ),
        (
            r##"[{"n": "[[x.#]]", "tags": ["[[t]]"]}]"##,
            vec!["positions({n: {var x #}, tags: [{var t }]})"],
        ),
        // Two position lists side by side are fine.
        (
            r##"{"a": ["[[x.#]]"], "b": ["[[y.#]]"]}"##,
            vec!["{a: positions({var x #}), b: positions({var y #})}"],
        ),
    ] {
        let got: Vec<String> = match value_template_of(input) {
            Ok(vt) => vec![shape(&vt)],
            Err(errors) => errors
                .iter()
                .map(|e| {
                    assert_eq!(e.error.message, NESTED, "{input}");
                    format!("{}@{}", e.pointer, e.error.column)
                })
                .collect(),
        };
        assert_eq!(got, expected, "value_template({input})");
    }
}

#[test]
fn value_template_errors_are_all_collected_with_pointers() {
    let errors = value_template_of(
        r#"{"items": [{"sku": "[[x"}, "ok", "[[]]"], "a/b~c": {"d": "[[request:nope]]"}}"#,
    )
    .err()
    .unwrap_or_default();
    let got: Vec<(String, usize)> = errors
        .iter()
        .map(|e| (e.pointer.clone(), e.error.column))
        .collect();
    assert_eq!(
        got,
        vec![
            ("/items/0/sku".to_owned(), 0),
            ("/items/2".to_owned(), 2),
            ("/a~1b~0c/d".to_owned(), 10)
        ]
    );
    let top = value_template_of(r#""[[x""#).err().unwrap_or_default();
    assert_eq!(top.len(), 1);
    assert_eq!(top[0].pointer, "");
}
