use super::*;
use crate::template::RequestRef;

/// The expression as an S-expression, to check precedence and associativity.
fn sexpr(e: &Expr) -> String {
    match e {
        Expr::Num(n) => n.0.to_string(),
        Expr::Str(s) => format!("'{s}'"),
        Expr::Ref(_) => "ref".to_owned(),
        Expr::Neg(e) => format!("(neg {})", sexpr(e)),
        Expr::Bin(op, a, b) => format!("({op:?} {} {})", sexpr(a), sexpr(b)),
        Expr::Call(f, args) => {
            let args: Vec<String> = args.iter().map(sexpr).collect();
            format!("({f:?} {})", args.join(" "))
        }
        Expr::Sum(e) => format!("(sum {})", sexpr(e)),
        Expr::Count(e) => format!("(count {})", sexpr(e)),
    }
}

/// Evaluates `source` with `[[request:body…]]` read from the JSON `body`, and checks the
/// outcome: a number in its shortest form, `true`/`false`, or `error: <part of message>`.
fn check(source: &str, body: &str, want: &str) {
    let expr = parse(source).unwrap_or_else(|e| panic!("{source:?}: {e:?}"));
    let body = crate::json::parse(body).unwrap();
    let mut lookup = |r: &Ref, pos: Option<usize>| match r {
        Ref::Request(RequestRef::Body(path)) => path.get(&body, pos).cloned(),
        _ => None,
    };
    let got = match eval(&expr, &mut lookup) {
        Outcome::Number(n) => n.to_string(),
        Outcome::Bool(b) => b.to_string(),
        Outcome::Error(message) => format!("error: {message}"),
    };
    match want.strip_prefix("error: ") {
        Some(needle) => assert!(
            got.starts_with("error: ") && got.contains(needle),
            "{source:?} on {body:?}: {got:?}, want {want:?}"
        ),
        None => assert_eq!(got, want, "{source:?} on {body:?}"),
    }
}

/// A build error at `column` whose message contains `needle`.
fn check_error(source: &str, column: usize, needle: &str) {
    match parse(source) {
        Ok(e) => panic!("{source:?} should be rejected, got {}", sexpr(&e)),
        Err(e) => {
            assert_eq!(e.column, column, "{source:?} column ({})", e.message);
            assert!(
                e.message.contains(needle),
                "{source:?}: {:?} lacks {needle:?}",
                e.message
            );
        }
    }
}

#[test]
fn precedence_and_associativity() {
    let cases: &[(&str, &str)] = &[
        ("2 + 3 * 4 - 6 / 2", "(Sub (Add 2 (Mul 3 4)) (Div 6 2))"),
        ("100 / 10 / 5", "(Div (Div 100 10) 5)"),
        ("10 - 4 - 3", "(Sub (Sub 10 4) 3)"),
        (
            "-2 * (3 + 1) - 10 / 4",
            "(Sub (Mul (neg 2) (Add 3 1)) (Div 10 4))",
        ),
        ("--2", "(neg (neg 2))"),
        ("2 * -3", "(Mul 2 (neg 3))"),
        ("1 + 2 > 3 * 4", "(Gt (Add 1 2) (Mul 3 4))"),
        ("1 = 2 = 3", "(Eq (Eq 1 2) 3)"),
        ("1 != 2", "(Ne 1 2)"),
        ("1>=2", "(Ge 1 2)"),
        ("1<=2", "(Le 1 2)"),
        ("1<2", "(Lt 1 2)"),
        ("(1 < 2)", "(Lt 1 2)"),
        ("'it''s' = 'gold'", "(Eq 'it's' 'gold')"),
        ("''", "''"),
        ("1.50", "1.50"),
        ("round(2.5)", "(Round 2.5)"),
        ("round(1 + 1, 2)", "(Round (Add 1 1) 2)"),
        ("min(3, 1, 2)", "(Min 3 1 2)"),
        ("max( 1 )", "(Max 1)"),
        (
            "abs(-1) + floor(1.5) * ceil(1.5)",
            "(Add (Abs (neg 1)) (Mul (Floor 1.5) (Ceil 1.5)))",
        ),
        ("\t1\n+\n2 ", "(Add 1 2)"),
    ];
    for (source, want) in cases {
        let got = parse(source).map(|e| sexpr(&e));
        assert_eq!(got.as_deref(), Ok(*want), "{source:?}");
    }
}

#[test]
fn comparisons_are_seen_through_parentheses() {
    let cases: &[(&str, bool)] = &[
        ("1 < 2", true),
        ("((1 = 2))", true),
        ("1 + 2", false),
        ("-(1)", false),
        ("round(1 > 2)", false),
    ];
    for (source, want) in cases {
        assert_eq!(parse(source).unwrap().is_comparison(), *want, "{source:?}");
    }
}

#[test]
fn syntax_errors() {
    let cases: &[(&str, usize, &str)] = &[
        ("", 0, "empty"),
        ("   ", 0, "empty"),
        ("1 +", 3, "unexpected end"),
        ("1 2", 2, "unexpected number"),
        ("(1 + 2", 0, "unclosed `(`"),
        ("(1 + 2 3)", 7, "expected `)`"),
        ("1 + 2)", 5, "unexpected `)`"),
        ("* 2", 0, "expected a number"),
        ("1 == 2", 3, "expected a number"),
        ("1 ! 2", 2, "`!` must be followed by `=`"),
        ("1 + x", 4, "unknown function `x`"),
        ("foo(1)", 0, "unknown function `foo`"),
        ("round 1", 0, "expected `(` after `round`"),
        ("1 ^ 2", 2, "unexpected character `^`"),
        ("1.", 1, "digits after the decimal point"),
        ("1.x", 1, "digits after the decimal point"),
        (".5", 0, "unexpected character `.`"),
        ("'abc", 0, "unterminated string"),
        ("1 + [x]", 4, "unexpected character `[`"),
        ("1 + [[x", 4, "unterminated reference"),
        ("round()", 0, "1 or 2 arguments, not 0"),
        ("round(1, 2, 3)", 0, "1 or 2 arguments, not 3"),
        ("floor(1, 2)", 0, "exactly 1 argument"),
        ("abs()", 0, "exactly 1 argument"),
        ("ceil(1,2)", 0, "exactly 1 argument"),
        ("min()", 0, "at least 1 argument"),
        ("1 + max()", 4, "at least 1 argument"),
        ("round(1, 29)", 9, "from 0 to 28"),
        ("round(1, 1.5)", 9, "from 0 to 28"),
        ("round(1, -1)", 9, "from 0 to 28"),
        ("min(1,)", 6, "expected a number"),
        ("min(1 2)", 6, "expected `,` or `)`"),
        ("min(1", 3, "unclosed `(`"),
        ("sum()", 0, "exactly 1 argument"),
        ("count(1, 2)", 0, "exactly 1 argument"),
        ("sum(1)", 0, "needs a `#` reference"),
        ("99999999999999999999999999999999", 0, "out of range"),
    ];
    for (source, column, needle) in cases {
        check_error(source, *column, needle);
    }
}

#[test]
fn nesting_is_bounded() {
    let deep = format!("{}1{}", "(".repeat(300), ")".repeat(300));
    check_error(&deep, 256, "nested too deeply");
    let long = vec!["1"; 300].join(" + ");
    assert!(parse(&long)
        .unwrap_err()
        .message
        .contains("nested too deeply"));
    let minus = format!("{}1", "-".repeat(300));
    assert!(parse(&minus)
        .unwrap_err()
        .message
        .contains("nested too deeply"));
    let fine = vec!["1"; 200].join(" + ");
    check(&fine, "{}", "200");
}

#[test]
fn reference_errors() {
    let cases: &[(&str, usize, &str)] = &[
        (
            "[[request:body.items.#.qty]] * 2",
            0,
            "`#` is only allowed inside",
        ),
        (
            "1 + round([[request:body.items.#.qty]])",
            10,
            "`#` is only allowed inside",
        ),
        (
            "sum(sum([[request:body.items.#.qty]]))",
            4,
            "cannot be used inside",
        ),
        (
            "count(1 + sum([[request:body.items.#.qty]]))",
            10,
            "cannot be used inside",
        ),
        ("sum([[request:body.total]])", 0, "needs a `#` reference"),
    ];
    for (source, column, needle) in cases {
        check_error(source, *column, needle);
    }
}

#[test]
fn references_parse() {
    let cases: &[(&str, &str)] = &[
        ("[[request:body.a]] / [[request:body.b]]", "(Div ref ref)"),
        (
            "[[request:body.a]]*2>=[[request:body.b]]+1",
            "(Ge (Mul ref 2) (Add ref 1))",
        ),
        (
            "sum([[request:body.items.#.qty]] * [[request:body.items.#.price]])",
            "(sum (Mul ref ref))",
        ),
        ("count([[request:body.items.#.qty]])", "(count ref)"),
        (
            "sum(round([[request:body.items.#.qty]], 2)) + 1",
            "(Add (sum (Round ref 2)) 1)",
        ),
        ("[[upper:[[request:body.a]]]] = 'X'", "(Eq ref 'X')"),
    ];
    for (source, want) in cases {
        let got = parse(source).map(|e| sexpr(&e));
        assert_eq!(got.as_deref(), Ok(*want), "{source:?}");
    }
    let mut refs = 0;
    parse("sum([[request:body.items.#.qty]] * [[request:body.items.#.price]]) + [[x]]")
        .unwrap()
        .visit_refs(&mut |_| refs += 1);
    assert_eq!(refs, 3);
}

#[test]
fn evaluates_literals() {
    let cases: &[(&str, &str)] = &[
        // calculate/precedence-and-decimals.
        ("2 + 3 * 4 - 6 / 2", "11"),
        ("0.1 + 0.2", "0.3"),
        ("-2 * (3 + 1) - 10 / 4", "-10.5"),
        ("100 / 10 / 5", "2"),
        ("10 - 4 - 3", "3"),
        ("1.10 + 2.20", "3.3"),
        // calculate/comparisons.
        ("0.1 + 0.2 = 0.3", "true"),
        ("1 / 3", "0.3333333333333333333333333333"),
        ("2 / 3", "0.6666666666666666666666666667"),
        ("-(2 - 2)", "0"),
        ("--5", "5"),
        ("10 / 0", "error: division by zero"),
        ("10 / (1 - 1)", "error: division by zero"),
        ("0 / 0", "error: division by zero"),
        // Functions.
        ("min(5, 4, 3, 2)", "2"),
        ("min(7, 6, 5, 4, 3, 2, 1.5, 9)", "1.5"),
        ("max(1, 2, 3, 4, 5, 6)", "6"),
        ("max(1, 'x', 3, 4, 5, 'y')", "error: 'x' is not a number"),
        ("min(1, 2, 3, 'z')", "error: 'z' is not a number"),
        ("round(2.5)", "2"),
        ("round(3.5)", "4"),
        ("round(-2.5)", "-2"),
        ("round(2.675, 2)", "2.68"),
        ("round(1.005, 2)", "1"),
        ("round(2.5, 0)", "2"),
        ("round(1.23456, 1 + 1)", "1.23"),
        ("round(1, 3 - 4)", "error: from 0 to 28"),
        ("round(1, 0.5 * 3)", "error: from 0 to 28"),
        ("floor(-1.5)", "-2"),
        ("ceil(-1.5)", "-1"),
        ("ceil(1.2)", "2"),
        ("abs(-3.25)", "3.25"),
        ("min(3, -1, 2)", "-1"),
        ("max(3, -1, 2)", "3"),
        ("max('7', 2)", "7"),
        ("min('x', 2)", "error: 'x' is not a number"),
        // Strings: numeric ones are numbers, others are compared as text.
        ("'5' + 1", "6"),
        ("'+5' * 2", "10"),
        ("'1e2' + 0", "100"),
        ("' 5' + 1", "error: ' 5' is not a number"),
        ("'1,000' + 1", "error: '1,000' is not a number"),
        ("'gold' = 'gold'", "true"),
        ("'gold' = 'Gold'", "false"),
        ("'gold' != 'Gold'", "true"),
        ("'5.0' = 5", "true"),
        ("'5.0' != 5", "false"),
        ("'10' = '10.00'", "true"),
        ("'abc' > 'abb'", "error: 'abc' is not a number"),
        ("'2' < 10", "true"),
        ("'7'", "7"),
        ("'gold'", "error: the result 'gold' is not a number"),
        // Comparisons.
        ("2 > 3", "false"),
        ("3 >= 3", "true"),
        ("3 <= 2.9", "false"),
        ("-1 < 0", "true"),
        ("(1 < 2) + 1", "error: is not a number"),
        ("1 = 1 = 1", "error: cannot be compared"),
        ("-(1 < 2)", "error: is not a number"),
        // Overflow.
        ("79228162514264337593543950335 + 1", "error: too large"),
        ("79228162514264337593543950335 * 2", "error: too large"),
    ];
    for (source, want) in cases {
        check(source, "{}", want);
    }
}

#[test]
fn evaluates_references() {
    let cases: &[(&str, &str, &str)] = &[
        // calculate/precedence-and-decimals.
        (
            "[[request:body.price]] * [[request:body.qty]]",
            r#"{"price": "19.99", "qty": 3}"#,
            "59.97",
        ),
        // calculate/division-by-zero-and-non-numeric.
        (
            "[[request:body.a]] / [[request:body.b]]",
            r#"{"a": 10, "b": 4}"#,
            "2.5",
        ),
        (
            "[[request:body.a]] / [[request:body.b]]",
            r#"{"a": "7.5", "b": "2.5"}"#,
            "3",
        ),
        (
            "[[request:body.a]] / [[request:body.b]]",
            r#"{"a": 10, "b": 0}"#,
            "error: division by zero",
        ),
        (
            "[[request:body.a]] / [[request:body.b]]",
            r#"{"a": "ten", "b": 2}"#,
            "error: 'ten' is not a number",
        ),
        (
            "[[request:body.a]] / [[request:body.b]]",
            r#"{"b": 2}"#,
            "error: absent",
        ),
        // calculate/comparisons.
        (
            "[[request:body.a]] = [[request:body.b]]",
            r#"{"a": 5, "b": "5.0"}"#,
            "true",
        ),
        (
            "[[request:body.a]] = [[request:body.b]]",
            r#"{"a": "10", "b": "10.00"}"#,
            "true",
        ),
        (
            "[[request:body.a]] = [[request:body.b]]",
            r#"{"a": "abc", "b": "abc"}"#,
            "true",
        ),
        (
            "[[request:body.a]] = [[request:body.b]]",
            r#"{"a": "abc", "b": "ABC"}"#,
            "false",
        ),
        (
            "[[request:body.a]] > [[request:body.b]]",
            r#"{"a": "10", "b": "9"}"#,
            "true",
        ),
        (
            "[[request:body.a]] > [[request:body.b]]",
            r#"{"a": 2, "b": 3}"#,
            "false",
        ),
        (
            "[[request:body.a]] * 2 >= [[request:body.b]] + 1",
            r#"{"a": 5, "b": 9}"#,
            "true",
        ),
        (
            "[[request:body.a]] * 2 >= [[request:body.b]] + 1",
            r#"{"a": 4.5, "b": 9}"#,
            "false",
        ),
        // Absent, null, booleans and containers.
        ("[[request:body.a]] = ''", r#"{}"#, "true"),
        ("[[request:body.a]] = ''", r#"{"a": null}"#, "true"),
        ("[[request:body.a]] != 'x'", r#"{}"#, "true"),
        ("[[request:body.a]] > 1", r#"{}"#, "error: absent"),
        (
            "[[request:body.a]] + 1",
            r#"{"a": null}"#,
            "error: '' is not a number",
        ),
        (
            "[[request:body.a]] + 1",
            r#"{"a": true}"#,
            "error: 'true' is not a number",
        ),
        ("[[request:body.a]] = 'true'", r#"{"a": true}"#, "true"),
        ("[[request:body.a]] = '[1,2]'", r#"{"a": [1, 2]}"#, "true"),
        ("[[request:body.a]] = 'x'", r#"{"a": 5}"#, "false"),
        ("[[request:body.a]]", r#"{"a": "19.99"}"#, "19.99"),
        ("[[request:body.a]]", r#"{}"#, "error: absent"),
        ("-[[request:body.a]]", r#"{"a": "0"}"#, "0"),
        // calculate/sum-and-count.
        (
            "sum([[request:body.items.#.qty]] * [[request:body.items.#.price]])",
            r#"{"items": [{"qty": 2, "price": "1.50"}, {"qty": 3, "price": 0.1}, {"qty": 1, "price": 10}]}"#,
            "13.3",
        ),
        (
            "count([[request:body.items.#.qty]])",
            r#"{"items": [{"qty": 2}, {"qty": 3}, {"qty": 1}]}"#,
            "3",
        ),
        (
            "sum([[request:body.items.#.qty]]) + 1",
            r#"{"items": [{"qty": 2}, {"qty": 3}, {"qty": 1}]}"#,
            "7",
        ),
        // The iteration stops at the first position where any `#` reference is absent.
        (
            "sum([[request:body.items.#.qty]] * [[request:body.items.#.price]])",
            r#"{"items": [{"qty": 2, "price": 1}, {"qty": 3}, {"qty": 1, "price": 10}]}"#,
            "2",
        ),
        (
            "count([[request:body.items.#.qty]])",
            r#"{"items": [{"qty": 2}, {"x": 3}, {"qty": 1}]}"#,
            "1",
        ),
        // A present null counts as a position, and is no number.
        (
            "count([[request:body.items.#]])",
            r#"{"items": [1, null, 3]}"#,
            "3",
        ),
        (
            "sum([[request:body.items.#]])",
            r#"{"items": [1, null, 3]}"#,
            "error: '' is not a number",
        ),
        // No positions: 0.
        ("sum([[request:body.items.#.qty]])", r#"{}"#, "0"),
        (
            "count([[request:body.items.#.qty]])",
            r#"{"items": []}"#,
            "0",
        ),
        (
            "sum([[request:body.items.#.qty]])",
            r#"{"items": "abc"}"#,
            "0",
        ),
        // Non-`#` references inside sum read the same value at every position.
        (
            "sum([[request:body.items.#]] * [[request:body.rate]])",
            r#"{"items": [1, 2], "rate": "0.5"}"#,
            "1.5",
        ),
        (
            "sum([[request:body.items.#]] * [[request:body.rate]])",
            r#"{"items": [1, 2]}"#,
            "error: absent",
        ),
        // Object positions are keys "1", "2", ….
        (
            "sum([[request:body.m.#]])",
            r#"{"m": {"1": 5, "2": 6, "4": 100}}"#,
            "11",
        ),
        (
            "count([[request:body.items.#]]) > 2",
            r#"{"items": [1, 2, 3]}"#,
            "true",
        ),
        (
            "max(sum([[request:body.a.#]]), count([[request:body.a.#]]))",
            r#"{"a": [0.5, 0.25]}"#,
            "2",
        ),
    ];
    for (source, body, want) in cases {
        check(source, body, want);
    }
}

#[test]
fn operand_functions() {
    let n = |s: &str| Operand::Num(Number::parse_json(s).unwrap());
    let s = |t: &str| Operand::Str(t.to_owned());
    assert_eq!(operand(None), Operand::Absent);
    assert_eq!(operand(Some(&Value::Null)), s(""));
    assert_eq!(operand(Some(&Value::Bool(false))), s("false"));
    assert_eq!(operand(Some(&Value::str("x"))), s("x"));
    assert_eq!(operand(Some(&Value::Number(Number::from_i64(3)))), n("3"));
    assert_eq!(
        to_number(&s("+1.5")),
        Ok(Number::parse_json("1.5").unwrap())
    );
    assert!(to_number(&s("true")).is_err());
    assert!(to_number(&Operand::Bool(true)).is_err());
    assert!(to_number(&Operand::Absent).is_err());
    assert_eq!(binary(BinOp::Add, n("1"), s("2")), Ok(n("3")));
    assert_eq!(
        binary(BinOp::Eq, Operand::Absent, s("")),
        Ok(Operand::Bool(true))
    );
    assert_eq!(neg(s("2")), Ok(n("-2")));
    assert_eq!(call(CalcFn::Round, &[n("2.5"), n("28")]), Ok(n("2.5")));
    assert!(call(CalcFn::Round, &[n("2.5"), n("29")]).is_err());
    assert!(call(CalcFn::Floor, &[]).is_err());
    assert_eq!(sum_step(n("1"), s("2")), Ok(n("3")));
    assert_eq!(count_result(4), n("4"));
    assert_eq!(finish(Ok(n("1"))), Outcome::Number(Number::from_i64(1)));
    assert_eq!(finish(Ok(Operand::Bool(false))), Outcome::Bool(false));
    assert_eq!(finish(Ok(s("2"))), Outcome::Number(Number::from_i64(2)));
    assert!(matches!(finish(Ok(s("x"))), Outcome::Error(_)));
    assert!(matches!(finish(Ok(Operand::Absent)), Outcome::Error(_)));
    assert_eq!(finish(Err("boom".into())), Outcome::Error("boom".into()));
}

#[test]
fn long_strings_are_cut_in_messages() {
    let long = "x".repeat(100);
    let message = to_number(&Operand::Str(long)).unwrap_err();
    assert!(message.chars().count() <= 60, "{message}");
}
