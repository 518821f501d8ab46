use super::*;

/// What `body` makes of a literal body: the whole text as one constant, written now by
/// the same writer as `Value::write_json`.
#[test]
fn literal_bodies_are_one_constant() {
    let env = Env::step("f");
    for source in [
        r#"{"a": 1.50, "b": [true, null, -0.0, 1e2], "é\"k": "x\n\u0001😀", "e": [], "o": {}}"#,
        r#""just text""#,
        "[[], [1]]",
    ] {
        let value = flowc_lang::json::parse(source).unwrap_or_default();
        let vt = ValueTemplate::from_value(&value).unwrap_or(ValueTemplate::Null);
        let text = value.to_json();
        let expected = quote! { ::std::string::String::from(#text) };
        let got = body(&vt, &env, &BTreeSet::new()).map(|t| t.to_string());
        assert_eq!(got, Some(expected.to_string()), "{source}");
    }
}

/// A repeated key (which no parsed bundle holds) is left to the tree, which keeps the
/// first position and the last value.
#[test]
fn a_repeated_key_keeps_the_tree() {
    let env = Env::step("f");
    let member = |k: &str, v| (k.to_owned(), v);
    let repeated = ValueTemplate::Object(vec![
        member("a", ValueTemplate::Null),
        member("a", ValueTemplate::Bool(true)),
    ]);
    let nested = ValueTemplate::Positions(Box::new(ValueTemplate::Object(vec![
        member("k", ValueTemplate::Null),
        member("k", ValueTemplate::Null),
    ])));
    let distinct = ValueTemplate::Array(vec![
        ValueTemplate::Object(vec![member("a", ValueTemplate::Null)]),
        ValueTemplate::Object(vec![member("a", ValueTemplate::Null)]),
    ]);
    assert!(body(&repeated, &env, &BTreeSet::new()).is_none());
    assert!(body(&nested, &env, &BTreeSet::new()).is_none());
    assert!(body(&distinct, &env, &BTreeSet::new()).is_some());
}
