//! Evaluation tables, many rows taken from the shared conformance cases
//! (`templates/*.json`, `set_variable/*.json`).

use super::*;
use crate::json;
use crate::scope::RareParts;
use crate::template::{self, ValueTemplate};

fn v(text: &str) -> Value {
    match json::parse(text) {
        Ok(v) => v,
        Err(e) => panic!("{text}: {e}"),
    }
}

/// The scope of the conformance cases: their request bodies merged, a few variables and
/// nodes, and request / session facts.
fn scope() -> MapScope {
    let body = v(r#"{
        "name": "Ada Lovelace", "padded": "  hi there \t", "items": [1, 2, 3],
        "obj": {"a": 1, "b": [true, null]}, "empty": "", "q": "a b&c=d/é",
        "n": 5, "d": 1.50, "e": 2.0, "b": true, "f": false, "z": null,
        "o": {"k": "v", "list": [1, 2]}, "a": ["x", {"y": 1}], "s": "text",
        "lines": [{"code": "A1", "qty": 2}, {"code": "B2", "qty": 1}, {"qty": 9}],
        "skus": [{"sku": "A"}, {"sku": "B"}], "uni": {"ключ": "значение"}, "three": "3", "neg": -2
    }"#);
    let mut scope = MapScope::new()
        .with_body(body)
        .with_var("a", v("1"))
        .with_var("b", v(r#""two""#))
        .with_var("x", v(r#"{"list": ["p", "q"]}"#))
        .with_var("a", v(r#""latest""#))
        .with_node(
            "calc",
            NodeOutput {
                result: Some(v("23.38")),
                error: None,
                ..NodeOutput::default()
            },
        )
        .with_node(
            "lookup",
            NodeOutput {
                result: Some(v(r#"{"products": [{"desc": "Tea"}, {"desc": "Cake"}]}"#)),
                rare: Some(Box::new(RareParts {
                    status_code: Some(v("200")),
                    headers: vec![("x-rate".to_owned(), "7".to_owned())],
                    ..RareParts::EMPTY
                })),
                ..NodeOutput::default()
            },
        )
        .with_node(
            "cid",
            NodeOutput {
                groups: vec![Some(v(r#""C123""#)), None],
                ..NodeOutput::default()
            },
        );
    scope.request.method = "POST".into();
    scope.request.path = "/dynamic/r1".into();
    scope.request.ip = "127.0.0.1".into();
    scope.request.query.insert("lang".to_owned(), v(r#""en""#));
    scope
        .request
        .headers
        .push(("x-tenant".to_owned(), "acme".to_owned()));
    scope.session = SessionData {
        id: "req-1".into(),
        route: "greeter".into(),
        flow: "greet".into(),
        started_at: "2026-11-25T17:26:42.123Z".into(),
        msisdn: Some("+27821234567".to_owned()),
    };
    scope
}

/// `eval_template(source)` as compact JSON (so a string shows its quotes).
fn check(source: &str, expected: &str) {
    let t = match template::parse(source) {
        Ok(t) => t,
        Err(e) => panic!("{source}: {e:?}"),
    };
    let got = eval_template(&t, &scope(), None).to_json();
    assert_eq!(got, expected, "eval_template({source:?})");
}

#[test]
fn functions_case() {
    for (source, expected) in [
        ("[[lower:[[request:body.name]]]]", r#""ada lovelace""#),
        ("[[upper:[[request:body.name]]]]", r#""ADA LOVELACE""#),
        ("[[left:3:[[request:body.name]]]]", r#""Ada""#),
        ("[[right:8:[[request:body.name]]]]", r#""Lovelace""#),
        ("[[left:50:abc]]", r#""abc""#),
        ("[[right:3:tvwxyz]]", r#""xyz""#),
        ("[[substr:2:6:abcdABCD]]", r#""cdAB""#),
        ("[[substr:4:99:[[request:body.name]]]]", r#""Lovelace""#),
        ("<[[trim:[[request:body.padded]]]]>", r#""<hi there>""#),
        ("n=[[length:[[request:body.name]]]]", r#""n=12""#),
        ("n=[[length:[[request:body.items]]]]", r#""n=3""#),
        ("n=[[length:[[request:body.obj]]]]", r#""n=2""#),
        ("n=[[length:[[request:body.nope]]]]", r#""n=0""#),
        ("[[default:none:[[request:body.nope]]]]", r#""none""#),
        ("[[default:none:[[request:body.empty]]]]", r#""none""#),
        (
            "[[default:none:[[request:body.name]]]]",
            r#""Ada Lovelace""#,
        ),
        (
            "[[json:[[request:body.obj]]]]",
            r#""{\"a\":1,\"b\":[true,null]}""#,
        ),
        (
            "[[urlencode:[[request:body.q]]]]",
            r#""a%20b%26c%3Dd%2F%C3%A9""#,
        ),
        ("[[urlencode:a b&c=d/é]]", r#""a%20b%26c%3Dd%2F%C3%A9""#),
        ("[[upper:[[left:3:[[request:body.name]]]]]]", r#""ADA""#),
        ("[[left:3:a:b:c]]", r#""a:b""#),
        ("[[upper:ümlaut]]", r#""ÜMLAUT""#),
    ] {
        check(source, expected);
    }
}

#[test]
fn typed_function_results() {
    for (source, expected) in [
        // §13 rule 2: length is a number, default keeps X's type, json gives text.
        ("[[length:[[request:body.items]]]]", "3"),
        ("[[length:abc]]", "3"),
        ("[[length:]]", "0"),
        ("[[default:none:[[request:body.n]]]]", "5"),
        (
            "[[default:none:[[request:body.o]]]]",
            r#"{"k":"v","list":[1,2]}"#,
        ),
        ("[[default:7:[[request:body.z]]]]", r#""7""#),
        (
            "[[default:[[request:body.n]]:[[request:body.nope]]]]",
            r#""5""#,
        ),
        ("[[json:5]]", r#""\"5\"""#),
        ("[[json:[[request:body.n]]]]", r#""5""#),
        ("[[json:[[request:body.nope]]]]", r#""null""#),
        ("[[json:[[request:body.s]]]]", r#""\"text\"""#),
        (
            "[[json:[[request:body.uni]]]]",
            r#""{\"ключ\":\"значение\"}""#,
        ),
        ("[[upper:[[request:body.n]]]]", r#""5""#),
        // Integer arguments may be references; negative counts as 0; S > E is "".
        ("[[left:[[request:body.three]]:abcdef]]", r#""abc""#),
        ("[[left:[[request:body.d]]:abcdef]]", r#""a""#),
        ("[[left:[[request:body.neg]]:abcdef]]", r#""""#),
        ("[[left:x:abcdef]]", r#""""#),
        ("[[substr:4:2:abcdef]]", r#""""#),
        ("[[right:[[request:body.nope]]:abc]]", r#""""#),
    ] {
        check(source, expected);
    }
}

#[test]
fn string_rendering_and_paths_case() {
    for (source, expected) in [
        ("n=[[request:body.n]]", r#""n=5""#),
        ("d=[[request:body.d]]", r#""d=1.5""#),
        ("e=[[request:body.e]]", r#""e=2""#),
        ("[[request:body.b]]/[[request:body.f]]", r#""true/false""#),
        ("z=[[request:body.z]]", r#""z=""#),
        ("x=[[request:body.nope.deeper]]", r#""x=""#),
        (
            "o=[[request:body.o]]",
            r#""o={\"k\":\"v\",\"list\":[1,2]}""#,
        ),
        ("a=[[request:body.a]]", r#""a=[\"x\",{\"y\":1}]""#),
        ("[[request:body.skus.2.sku]]", r#""B""#),
        ("sku3=[[request:body.skus.3.sku]]", r#""sku3=""#),
        (
            "\\[[request:body.n]] is [[request:body.n]]",
            r#""[[request:body.n]] is 5""#,
        ),
        ("\\\\[[request:body.n]]", r#""\\5""#),
        ("u=[[request:body.uni]]", r#""u={\"ключ\":\"значение\"}""#),
        ("", r#""""#),
        ("plain", r#""plain""#),
    ] {
        check(source, expected);
    }
}

#[test]
fn typed_single_reference_case() {
    for (source, expected) in [
        ("[[request:body.n]]", "5"),
        ("[[request:body.d]]", "1.5"),
        ("[[request:body.b]]", "true"),
        ("[[request:body.z]]", "null"),
        ("[[request:body.s]]", r#""text""#),
        ("[[request:body.o]]", r#"{"k":"v","list":[1,2]}"#),
        ("[[request:body.a]]", r#"["x",{"y":1}]"#),
        ("[[request:body.a.2.y]]", "1"),
        ("[[request:body.o.list.1]]", "1"),
        ("[[request:body.o.list.0]]", "null"),
        ("[[request:body.o.list.3]]", "null"),
        ("[[request:body.s.1]]", "null"),
        ("[[request:body.nope]]", "null"),
        (" [[request:body.n]]", r#"" 5""#),
    ] {
        check(source, expected);
    }
}

#[test]
fn variables_nodes_request_and_session() {
    for (source, expected) in [
        ("[[a]]", r#""latest""#),
        ("[[b]]+[[a]]", r#""two+latest""#),
        ("[[x.list.2]]", r#""q""#),
        ("[[undefined]]", "null"),
        ("[[calc:result]]", "23.38"),
        ("[[lookup:result.products.2.desc]]", r#""Cake""#),
        ("[[lookup:products.1.desc]]", r#""Tea""#),
        ("[[lookup:HTTP_RESPONSE_CODE]]", "200"),
        ("[[lookup:header.x-rate]]", r#""7""#),
        ("[[lookup:header.x-none]]", "null"),
        ("[[lookup:error]]", "null"),
        ("[[nobody:result]]", "null"),
        (
            "[[request:method]] [[request:path]] [[request:ip]]",
            r#""POST /dynamic/r1 127.0.0.1""#,
        ),
        ("[[request:header.x-tenant]]", r#""acme""#),
        ("[[request:header.x-none]]", "null"),
        ("[[request:query.lang]]", r#""en""#),
        ("[[request:query.none]]", "null"),
        ("[[request:query]]", r#"{"lang":"en"}"#),
        (
            "[[session:id]]|[[session:route]]|[[session:flow]]",
            r#""req-1|greeter|greet""#,
        ),
        ("[[session:started_at]]", r#""2026-11-25T17:26:42.123Z""#),
        ("[[session:msisdn]]", r#""+27821234567""#),
    ] {
        check(source, expected);
    }
}

#[test]
fn resolved_parts_and_absent_msisdn() {
    let mut s = scope();
    s.session.msisdn = None;
    let group = |i| Ref::Node {
        node: "cid".to_owned(),
        part: NodePart::Group(i),
    };
    assert_eq!(
        eval_ref(&group(0), &s, None).map(Cow::into_owned),
        Some(v(r#""C123""#))
    );
    assert_eq!(eval_ref(&group(1), &s, None), None);
    assert_eq!(eval_ref(&group(7), &s, None), None);
    assert_eq!(eval_ref(&Ref::Session(SessionRef::Msisdn), &s, None), None);
    s.request.body = None;
    assert_eq!(
        eval_ref(
            &Ref::Request(RequestRef::Body(Default::default())),
            &s,
            None
        ),
        None
    );
}

#[test]
fn uuid_and_now_are_fresh_strings() {
    let t = template::parse("[[uuid]] [[now]]").unwrap_or_default();
    let Value::String(s) = eval_template(&t, &scope(), None) else {
        panic!("not a string")
    };
    assert_eq!(s.len(), 36 + 1 + 24);
}

fn value_template(text: &str) -> ValueTemplate {
    match ValueTemplate::from_value(&v(text)) {
        Ok(vt) => vt,
        Err(e) => panic!("{text}: {e:?}"),
    }
}

/// `eval_value` of a value template written as JSON.
fn check_value(text: &str, expected: &str) {
    let got = eval_value(&value_template(text), &scope(), None).to_json();
    assert_eq!(got, expected, "eval_value({text})");
}

#[test]
fn value_templates_and_position_lists() {
    for (text, expected) in [
        (
            r#"{"n": 0.1, "s": "Hi [[b]]", "t": "[[request:body.n]]", "l": 7, "f": false, "z": null}"#,
            r#"{"n":0.1,"s":"Hi two","t":5,"l":7,"f":false,"z":null}"#,
        ),
        (
            r#"{"items": [{"sku": "[[request:body.lines.#.code]]", "q": "[[request:body.lines.#.qty]]"}]}"#,
            r#"{"items":[{"sku":"A1","q":2},{"sku":"B2","q":1}]}"#,
        ),
        (r##"["[[request:body.lines.#.qty]]"]"##, "[2,1,9]"),
        (
            r##"["#[[request:body.lines.#.qty]]"]"##,
            r##"["#2","#1","#9"]"##,
        ),
        (
            r##"["[[upper:[[request:body.lines.#.code]]]]"]"##,
            r#"["A1","B2"]"#,
        ),
        (r##"["[[request:body.nope.#]]"]"##, "[]"),
        (r##"["[[x.list.#]]"]"##, r#"["p","q"]"#),
        (r##"["[[lookup:products.#.desc]]"]"##, r#"["Tea","Cake"]"#),
        (
            r##"["[[request:body.lines.#.code]]", "x"]"##,
            r#"[null,"x"]"#,
        ),
        (r#"["[[request:body.n]]"]"#, "[5]"),
        (
            r#"{"missing": "[[request:body.nope]]"}"#,
            r#"{"missing":null}"#,
        ),
    ] {
        check_value(text, expected);
    }
}

#[test]
fn set_variable_evaluate_then_assign_case() {
    // Step 2 assigns a and b from the body, step 5 swaps them: every value is evaluated
    // against the scope as it was before the node.
    let mut s = MapScope::new().with_body(v(r#"{"x": 1, "y": "two"}"#));
    for assign in [
        r#"{"a": "[[request:body.x]]", "b": "[[request:body.y]]"}"#,
        r#"{"a": "[[b]]", "b": "[[a]]", "both": "[[a]]+[[b]]"}"#,
    ] {
        let Value::Object(values) = eval_value(&value_template(assign), &s, None) else {
            panic!("not an object")
        };
        for (k, val) in values {
            s.vars.push((k, val));
        }
    }
    let end = eval_value(
        &value_template(r#"{"a": "[[a]]", "b": "[[b]]", "both": "[[both]]"}"#),
        &s,
        None,
    );
    assert_eq!(end.to_json(), r#"{"a":"two","b":1,"both":"1+two"}"#);
}

#[test]
fn hash_refs_present_is_the_stop_rule() {
    let vt = value_template(
        r#"{"c": "[[request:body.lines.#.code]]", "q": "[[request:body.lines.#.qty]]"}"#,
    );
    let s = scope();
    assert!(hash_refs_present(&vt, &s, 1));
    assert!(hash_refs_present(&vt, &s, 2));
    assert!(!hash_refs_present(&vt, &s, 3));
    assert!(!hash_refs_present(&vt, &s, 0));
    let plain = value_template(r#""[[request:body.n]]""#);
    assert!(hash_refs_present(&plain, &s, 1));
    // A `#` with no position is absent.
    let t = template::parse("[[request:body.lines.#.code]]").unwrap_or_default();
    assert_eq!(eval_template(&t, &s, None), Value::Null);
    assert_eq!(eval_template(&t, &s, Some(2)), v(r#""B2""#));
}

#[test]
fn positions_without_hash_are_empty() {
    // Never built by `from_value`; the compiled emitter makes such a list empty too.
    let vt = ValueTemplate::Positions(Box::new(ValueTemplate::Number(crate::Number::from_i64(1))));
    assert_eq!(eval_value(&vt, &scope(), None).to_json(), "[]");
}

#[test]
fn position_lists_have_no_cap() {
    // The data bounds the list; the old safety net stopped at 1 000 000 elements.
    let len = 1_000_001;
    let s = MapScope::new().with_var("big", Value::Array(vec![Value::Bool(true); len]));
    let Value::Array(items) = eval_value(&value_template(r##"["[[big.#]]"]"##), &s, None) else {
        panic!("not an array")
    };
    assert_eq!(items.len(), len);
}

#[test]
fn hash_refs_are_collected_once_in_source_order() {
    // (value template, the `#` references it holds, shown as their paths)
    for (text, expected) in [
        (r#""[[request:body.n]]""#, vec![]),
        (r##""[[x.#]] and [[y.#.z]]""##, vec!["x #", "y #.z"]),
        (
            r##"{"a": "[[upper:[[left:2:[[x.#]]]]]]", "b": ["[[y]]", "[[z.#]]"]}"##,
            vec!["x #", "z #"],
        ),
        (r##""[[length:[[x]]]]""##, vec![]),
    ] {
        let vt = value_template(text);
        let got: Vec<String> = template::hash_refs(&vt)
            .into_iter()
            .map(|r| match r {
                Ref::Var { name, path } => format!("{name} {}", path.to_dotted()),
                other => format!("{other:?}"),
            })
            .collect();
        assert_eq!(got, expected, "hash_refs({text})");
    }
}
