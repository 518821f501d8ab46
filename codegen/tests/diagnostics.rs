//! Diagnostics as rendered text: small bad bundles in, the exact report out (STYLE.md
//! practice 10), plus the shared build-error conformance cases.

use flowc_codegen::BundleSource;

/// Checks a bundle given as `(file name, text)` pairs; `expected` is the rendered report
/// after a leading newline.
fn check(files: &[(&str, &str)], expected: &str) {
    let actual = report(files);
    let expected = expected.strip_prefix('\n').unwrap_or(expected);
    assert!(
        actual == expected,
        "report differs\n<<<ACTUAL\n{actual}ACTUAL>>>\nexpected:\n{expected}"
    );
}

fn source(files: &[(&str, &str)]) -> BundleSource {
    BundleSource {
        origin: "test".into(),
        files: files
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect(),
    }
}

fn report(files: &[(&str, &str)]) -> String {
    flowc_codegen::check(&source(files)).diagnostics.render()
}

/// One route `r` into flow `f`.
const ROUTES: &str = r#"{"routes": [{"id": "r1", "name": "r", "method": "POST", "allowed_ips": "127.0.0.1", "flow": "f"}]}"#;

/// Flow `f` with these steps, on one line.
fn flow(steps: &str) -> String {
    format!(r#"{{"flow": "f", "steps": [{steps}]}}"#)
}

/// `routes.json` plus flow `f` with these steps.
fn check_steps(steps: &str, expected: &str) {
    check(
        &[("routes.json", ROUTES), ("f.flow.json", &flow(steps))],
        expected,
    );
}

const START: &str = r#"{"step": 1, "type": "start", "next": 2}"#;
const END: &str = r#"{"step": 9, "type": "api_end"}"#;

// ---- files and fields (model) ----

#[test]
fn a_good_bundle_has_no_diagnostics() {
    check_steps(
        &format!(
            r#"{START}, {{"step": 2, "type": "set_variable", "assign": {{"x": 1}}, "next": 9}}, {END}"#
        ),
        r##"
0 error(s), 0 warning(s)
"##,
    );
}

#[test]
fn json_syntax_error_has_line_and_column() {
    // The route's flow is in the unreadable file: no follow-up "unknown flow" error.
    check(
        &[
            ("routes.json", ROUTES),
            ("f.flow.json", "{\"flow\": \"f\",\n  \"steps\": [}"),
        ],
        r##"
f.flow.json:2:13: error: invalid JSON: unexpected `}`, expected a value
1 error(s), 0 warning(s)
"##,
    );
}

#[test]
fn routes_json_is_required() {
    check(
        &[(
            "f.flow.json",
            &flow(&format!("{START}, {END}").replace("\"next\": 2", "\"next\": 9")),
        )],
        r##"
routes.json: error: the bundle has no `routes.json` (it is required; `{"routes": []}` declares none)
1 error(s), 0 warning(s)
"##,
    );
}

#[test]
fn unknown_top_level_keys_are_errors() {
    check(
        &[
            ("routes.json", r#"{"routes": [], "route": 1}"#),
            (
                "integrations.json",
                r#"{"integrations": [], "extra": true}"#,
            ),
            (
                "f.flow.json",
                r#"{"flow": "f", "steps": [{"step": 1, "type": "start", "next": 9}, {"step": 9, "type": "api_end"}], "stpes": []}"#,
            ),
        ],
        r##"
f.flow.json:1:108 /stpes: error: unknown key `stpes` in a flow file
integrations.json:1:31 /extra: error: unknown key `extra` in integrations.json
routes.json:1:25 /route: error: unknown key `route` in routes.json
    hint: did you mean `routes`?
3 error(s), 0 warning(s)
"##,
    );
}

#[test]
fn unknown_node_fields_are_errors_with_hints() {
    check_steps(
        &format!(
            r#"{START}, {{"step": 2, "type": "is_null", "input": "", "yes": 9, "no": 9, "nxt": 3, "zzz": 1}}, {END}"#
        ),
        r##"
f.flow.json:1:136 /steps/1/nxt (step 2): error: unknown key `nxt` in an `is_null` node
f.flow.json:1:146 /steps/1/zzz (step 2): error: unknown key `zzz` in an `is_null` node
2 error(s), 0 warning(s)
"##,
    );
}

#[test]
fn missing_required_fields_are_errors() {
    check_steps(
        &format!(
            r#"{START}, {{"step": 2, "type": "regex", "name": "m", "yes": 9, "no": 9}}, {{"type": "api_end"}}, {END}"#
        ),
        r##"
f.flow.json:1:66 /steps/1/input (step 2): error: a `regex` node needs the field `input`
f.flow.json:1:66 /steps/1/pattern (step 2): error: a `regex` node needs the field `pattern`
f.flow.json:1:128 /steps/2/step: error: an `api_end` node needs the field `step`
3 error(s), 0 warning(s)
"##,
    );
}

#[test]
fn wrong_typed_fields_are_errors() {
    check_steps(
        &format!(
            r#"{START}, {{"step": 2, "type": "regex", "name": "m", "input": 5, "pattern": "a", "full_match": "yes", "yes": "9", "no": {{"flow": "f"}}}}, {{"step": 9, "type": "api_end", "status": -1, "headers": {{"a": 1}}}}"#
        ),
        r##"
f.flow.json:1:117 /steps/1/input (step 2): error: `input` must be a string (a template), not `5`
f.flow.json:1:150 /steps/1/full_match (step 2): error: `full_match` must be true or false, not a string
f.flow.json:1:164 /steps/1/yes (step 2): error: `yes` must be a step number or {"flow": …, "step": …}, not a string
f.flow.json:1:175 /steps/1/no/step (step 2): error: a flow target needs the field `step`
f.flow.json:1:191 /steps/2 (step 9): warning: step 9 is unreachable
f.flow.json:1:232 /steps/2/status (step 9): error: `status` must be a non-negative integer, not `-1`
f.flow.json:1:253 /steps/2/headers/a (step 9): error: values of `headers` must be strings (templates), not `1`
6 error(s), 1 warning(s)
"##,
    );
}

#[test]
fn unknown_node_types_get_a_hint() {
    check_steps(
        &format!(
            r#"{START}, {{"step": 2, "type": "set_varible", "next": 9}}, {{"step": 3, "type": "send_message"}}, {END}"#
        ),
        r##"
f.flow.json:1:86 /steps/1/type (step 2): error: unknown node type `set_varible`
    hint: did you mean `set_variable`?
f.flow.json:1:113 /steps/2 (step 3): warning: step 3 is unreachable
f.flow.json:1:133 /steps/2/type (step 3): error: unknown node type `send_message`
2 error(s), 1 warning(s)
"##,
    );
}

#[test]
fn duplicate_keys_are_errors() {
    check_steps(
        r#"{"step": 1, "type": "start", "next": 9}, {"step": 9, "type": "api_end", "status": 200, "status": 201}"#,
        r##"
f.flow.json:1:122 /steps/1/status (step 9): error: duplicate key `status` (the last one would count)
1 error(s), 0 warning(s)
"##,
    );
}

#[test]
fn template_syntax_errors_point_into_the_string() {
    check_steps(
        &format!(
            r#"{START}, {{"step": 2, "type": "is_null", "input": "ab [[request:nope]]", "yes": 9, "no": 9}}, {{"step": 9, "type": "api_end", "body": {{"x": ["ok", "[[session:nope]]"]}}}}"#
        ),
        r##"
f.flow.json:1:120 /steps/1/input (step 2): error: invalid template: unknown request part `nope` (body, body.<path>, query, query.<key>, header.<name>, method, ip, path)
f.flow.json:1:212 /steps/2/body/x/1 (step 9): error: invalid template: unknown session part `nope` (id, route, flow, started_at, msisdn)
2 error(s), 0 warning(s)
"##,
    );
}

#[test]
fn expression_syntax_errors_have_a_column() {
    check_steps(
        &format!(
            r#"{START}, {{"step": 2, "type": "calculate", "name": "c", "expression": "1 + * 2", "yes": 9, "no": 9}}, {END}"#
        ),
        r##"
f.flow.json:1:131 /steps/1/expression (step 2): error: invalid expression: expected a number, a reference, `(` or a function, found `*`
1 error(s), 0 warning(s)
"##,
    );
}

#[test]
fn every_node_type_and_async_routes_are_supported() {
    // Each type of §4 once, with the fields it needs: none is "not supported yet".
    let steps = [
        r#""type": "wait_for_callback", "name": "n", "reference": "[[uuid]]", "yes": 9, "no": 9"#,
        r#""type": "opt_out", "number": "+27820000000", "channel": "sms", "yes": 9, "no": 9"#,
        r#""type": "verify_opt_out", "number": "+27820000000", "channel": "sms", "yes": 9, "no": 9"#,
        r#""type": "delete_opt_out", "number": "+27820000000", "channel": "both", "yes": 9, "no": 9"#,
        r#""type": "date_format", "name": "n", "input": "x", "input_format": "iso8601", "output_format": "yyyy", "yes": 9, "no": 9"#,
        r#""type": "number_format", "name": "n", "input": "1", "pattern": "0.00", "yes": 9, "no": 9"#,
        r#""type": "encrypt", "name": "n", "input": "x", "algorithm": "sha256", "yes": 9, "no": 9"#,
    ];
    let routes = r#"{"routes": [{"id": "r1", "name": "r", "method": "POST", "allowed_ips": "127.0.0.1", "flow": "f", "async": true}]}"#;
    for fields in steps {
        let step = format!(r#"{{"step": 2, {fields}}}"#);
        let text = report(&[
            ("routes.json", routes),
            ("f.flow.json", &flow(&format!("{START}, {step}, {END}"))),
        ]);
        assert!(!text.contains("not supported yet"), "{fields}: {text}");
        assert!(
            text.ends_with("0 error(s), 0 warning(s)\n"),
            "{fields}: {text}"
        );
    }
}

// ---- flows, steps and names (validate) ----

#[test]
fn flow_ids_are_valid_and_unique() {
    let steps = r#"[{"step": 1, "type": "start", "next": 9}, {"step": 9, "type": "api_end"}]"#;
    check(
        &[
            ("routes.json", r#"{"routes": []}"#),
            (
                "a.flow.json",
                &format!(r#"{{"flow": "Order", "steps": {steps}}}"#),
            ),
            (
                "b.flow.json",
                &format!(r#"{{"flow": "same", "steps": {steps}}}"#),
            ),
            (
                "c.flow.json",
                &format!(r#"{{"flow": "same", "status": "aproved", "steps": {steps}}}"#),
            ),
        ],
        r##"
a.flow.json:1:10 /flow: error: invalid flow id `Order`: use `[a-z0-9][a-z0-9_-]*`
c.flow.json:1:10 /flow: error: duplicate flow id `same` (also in `b.flow.json`)
c.flow.json:1:28 /status: error: unknown status `aproved`: use `draft`, `pending`, `declined` or `production_ready`
3 error(s), 0 warning(s)
"##,
    );
}

#[test]
fn step_numbers_are_positive_and_unique() {
    check_steps(
        &format!(
            r#"{START}, {{"step": 0, "type": "api_end"}}, {{"step": 2, "type": "api_end"}}, {{"step": 2, "type": "api_end"}}"#
        ),
        r##"
f.flow.json:1:75 /steps/1/step (step 0): error: step numbers start at 1
f.flow.json:1:139 /steps/3/step (step 2): error: duplicate step 2 (first at /steps/2)
2 error(s), 0 warning(s)
"##,
    );
}

#[test]
fn a_flow_without_start() {
    check_steps(
        END,
        r##"
f.flow.json:1:24 /steps: error: the flow has no `start` node
1 error(s), 0 warning(s)
"##,
    );
}

#[test]
fn a_flow_with_two_starts() {
    check_steps(
        &format!(r#"{START}, {{"step": 2, "type": "start", "next": 9}}, {END}"#),
        r##"
f.flow.json:1:86 /steps/1/type (step 2): error: a second `start` node (the first is at /steps/0)
1 error(s), 0 warning(s)
"##,
    );
}

#[test]
fn node_names_are_valid_unique_required_and_not_reserved() {
    check_steps(
        &format!(
            r#"{START}, {{"step": 2, "type": "calculate", "name": "2x", "expression": "1", "yes": 3, "no": 3}}, {{"step": 3, "type": "calculate", "name": "upper", "expression": "1", "yes": 4, "no": 4}}, {{"step": 4, "type": "calculate", "name": "c", "expression": "1", "yes": 5, "no": 5}}, {{"step": 5, "type": "calculate", "name": "c", "expression": "1", "yes": 6, "no": 6}}, {{"step": 6, "type": "remap", "mapping": {{}}, "next": 9}}, {END}"#
        ),
        r##"
f.flow.json:1:107 /steps/1/name (step 2): error: invalid node name `2x`: use `[A-Za-z_][A-Za-z0-9_]*`
f.flow.json:1:193 /steps/2/name (step 3): error: `upper` is a reserved word and cannot name a node
    hint: rename it, e.g. `upper_value`
f.flow.json:1:367 /steps/4/name (step 5): error: duplicate node name `c` (first at /steps/3)
f.flow.json:1:411 /steps/5/name (step 6): error: a `remap` node needs a `name`: its result is read as `[[name:result]]`
4 error(s), 0 warning(s)
"##,
    );
}

#[test]
fn variable_names_are_valid_and_not_reserved() {
    check_steps(
        &format!(
            r#"{START}, {{"step": 2, "type": "set_variable", "assign": {{"ok": 1, "a-b": 2, "now": 3}}, "next": 9}}, {END}"#
        ),
        r##"
f.flow.json:1:129 /steps/1/assign/a-b (step 2): error: invalid variable name `a-b`: use `[A-Za-z_][A-Za-z0-9_]*`
f.flow.json:1:139 /steps/1/assign/now (step 2): error: `now` is a reserved word and cannot name a variable
    hint: rename it, e.g. `now_value`
2 error(s), 0 warning(s)
"##,
    );
}

// ---- targets and reachability ----

#[test]
fn targets_must_exist() {
    check(
        &[
            ("routes.json", ROUTES),
            (
                "f.flow.json",
                &flow(&format!(
                    r#"{START}, {{"step": 2, "type": "is_null", "input": "", "yes": 7, "no": {{"flow": "gg", "step": 1}}}}, {{"step": 3, "type": "is_null", "input": "", "yes": {{"flow": "g", "step": 5}}, "no": 9}}, {END}"#
                )),
            ),
            (
                "g.flow.json",
                r#"{"flow": "g", "steps": [{"step": 1, "type": "start", "next": 9}, {"step": 9, "type": "api_end"}]}"#,
            ),
        ],
        r##"
f.flow.json:1:117 /steps/1/yes (step 2): error: there is no step 7 in this flow
f.flow.json:1:126 /steps/1/no (step 2): error: there is no flow `gg`
    hint: did you mean `g`?
f.flow.json:1:154 /steps/2 (step 3): warning: step 3 is unreachable
f.flow.json:1:205 /steps/2/yes (step 3): error: flow `g` has no step 5
f.flow.json:1:241 /steps/3 (step 9): warning: step 9 is unreachable
3 error(s), 2 warning(s)
"##,
    );
}

#[test]
fn left_out_branches_are_warnings() {
    check_steps(
        &format!(
            r#"{START}, {{"step": 2, "type": "switch_case", "input": "[[request:method]]", "cases": [{{"value": "GET", "next": 3}}, {{"value": "PUT"}}]}}, {{"step": 3, "type": "is_empty", "input": "", "yes": 9}}, {END}"#
        ),
        r##"
f.flow.json:1:66 /steps/1/default (step 2): warning: the `switch_case` has no `default`: an input that matches no case fails with CT04
f.flow.json:1:171 /steps/1/cases/1/next (step 2): warning: no `next` target: a session that takes it fails with CT04
f.flow.json:1:191 /steps/2/no (step 3): warning: no `no` target: a session that takes it fails with CT04
routes.json:1:13 /routes/0: warning: a session of route `r` can end without an `api_end`: step 2 of `f.flow.json` has no `default` target
0 error(s), 4 warning(s)
"##,
    );
}

#[test]
fn unreachable_steps_are_warnings() {
    check_steps(
        &format!(
            r#"{START}, {{"step": 2, "type": "set_variable", "assign": {{}}, "next": 9}}, {{"step": 3, "type": "api_end"}}, {END}"#
        ),
        r##"
f.flow.json:1:128 /steps/2 (step 3): warning: step 3 is unreachable
0 error(s), 1 warning(s)
"##,
    );
}

#[test]
fn route_entries_and_trigger_targets_make_steps_reachable() {
    let routes = r#"{"routes": [{"id": "r1", "name": "r", "method": "POST", "allowed_ips": "127.0.0.1", "flow": "f"}, {"id": "r2", "name": "r2", "method": "GET", "allowed_ips": "127.0.0.1", "flow": "f", "step": 3}]}"#;
    check(
        &[
            ("routes.json", routes),
            (
                "f.flow.json",
                &flow(
                    r#"{"step": 1, "type": "start", "next": {"flow": "g", "step": 2}}, {"step": 3, "type": "api_end"}, {"step": 4, "type": "api_end"}"#,
                ),
            ),
            (
                "g.flow.json",
                r#"{"flow": "g", "steps": [{"step": 1, "type": "start", "next": 2}, {"step": 2, "type": "set_variable", "assign": {}, "next": {"flow": "f", "step": 4}}]}"#,
            ),
        ],
        r##"
0 error(s), 0 warning(s)
"##,
    );
}

// ---- references ----

#[test]
fn variable_reads_need_a_writer_in_a_flow_that_can_trigger() {
    check(
        &[
            ("routes.json", ROUTES),
            (
                "f.flow.json",
                &flow(
                    r#"{"step": 1, "type": "start", "next": 2}, {"step": 2, "type": "set_variable", "assign": {"total": 1}, "next": {"flow": "g", "step": 1}}"#,
                ),
            ),
            (
                "g.flow.json",
                r#"{"flow": "g", "steps": [{"step": 1, "type": "start", "next": 2}, {"step": 2, "type": "set_variable", "assign": {"late": 1}, "next": 9}, {"step": 9, "type": "api_end", "body": {"a": "[[total]]", "b": "[[totl]]", "c": "\\[[nothing]]", "d": "[[upper:[[nested]]]]"}}]}"#,
            ),
            (
                "h.flow.json",
                r#"{"flow": "h", "steps": [{"step": 1, "type": "start", "next": 9}, {"step": 9, "type": "api_end", "body_text": "[[late]]"}]}"#,
            ),
        ],
        r##"
g.flow.json:1:200 /steps/2/body/b (step 9): error: no `set_variable` writes `[[totl]]` in this flow or a flow that can trigger it
    hint: did you mean `total`?
g.flow.json:1:239 /steps/2/body/d (step 9): error: no `set_variable` writes `[[nested]]` in this flow or a flow that can trigger it
h.flow.json:1:110 /steps/1/body_text (step 9): error: `[[late]]` is only written in flow `g`, which cannot trigger this flow
3 error(s), 0 warning(s)
"##,
    );
}

#[test]
fn node_reads_need_a_result_node_with_that_part() {
    check_steps(
        &format!(
            r#"{START}, {{"step": 2, "type": "regex", "name": "m", "input": "", "pattern": "(a)(?<word>b)", "yes": 3, "no": 3}}, {{"step": 3, "type": "calculate", "name": "c", "expression": "[[m:2]] + [[m:3]]", "yes": 4, "no": 4}}, {{"step": 4, "type": "remap", "name": "r", "mapping": {{"a": "[[m:word]] [[m:wrd]] [[m:0]]"}}, "next": 5}}, {{"step": 5, "type": "switch_case", "name": "sw", "input": "[[c:error]] [[c:reslt]] [[r:any.path]] [[sw:result]] [[nope:result]] [[m:result.x]]", "cases": [], "default": 9}}, {END}"#
        ),
        r##"
f.flow.json:1:229 /steps/2/expression (step 3): error: the regex `m` has no group 3 (its pattern has 2)
f.flow.json:1:329 /steps/3/mapping/a (step 4): error: the regex `m` has no group named `wrd`
    hint: did you mean `word`?
f.flow.json:1:432 /steps/4/input (step 5): error: `sw` is a `switch_case` node, which stores no results
f.flow.json:1:432 /steps/4/input (step 5): error: the `calculate` node `c` produces `result` and `error`, not `reslt`
    hint: did you mean `result`?
f.flow.json:1:432 /steps/4/input (step 5): error: the `regex` node `m` produces `result` and its groups, not `result.x`
f.flow.json:1:432 /steps/4/input (step 5): error: there is no result node named `nope` in this flow or a flow that can trigger it
6 error(s), 0 warning(s)
"##,
    );
}

#[test]
fn node_reads_across_flows_follow_triggers() {
    check(
        &[
            ("routes.json", ROUTES),
            (
                "f.flow.json",
                &flow(
                    r#"{"step": 1, "type": "start", "next": 2}, {"step": 2, "type": "calculate", "name": "c", "expression": "1", "yes": {"flow": "g", "step": 1}, "no": 9}, {"step": 9, "type": "api_end", "body": {"x": "[[d:result]]"}}"#,
                ),
            ),
            (
                "g.flow.json",
                r#"{"flow": "g", "steps": [{"step": 1, "type": "start", "next": 2}, {"step": 2, "type": "calculate", "name": "d", "expression": "[[c:result]] + 1", "yes": 9, "no": 9}, {"step": 9, "type": "api_end"}]}"#,
            ),
        ],
        r##"
f.flow.json:1:219 /steps/2/body/x (step 9): error: node `d` is in flow `g`, which cannot trigger this flow
1 error(s), 0 warning(s)
"##,
    );
}

#[test]
fn hash_only_inside_position_lists_and_sum_or_count() {
    check_steps(
        &format!(
            r#"{START}, {{"step": 2, "type": "calculate", "name": "c", "expression": "sum([[request:body.a.#]]) + [[request:body.b.#]]", "yes": 3, "no": 3}}, {{"step": 3, "type": "is_null", "input": "[[request:body.a.#]]", "yes": 9, "no": 9}}, {{"step": 9, "type": "api_end", "body": {{"ok": [{{"v": "[[request:body.a.#.v]]"}}], "bad": "[[request:body.a.#]]"}}}}"#
        ),
        r##"
f.flow.json:1:155 /steps/1/expression (step 2): error: invalid expression: `#` is only allowed inside sum(...) or count(...)
f.flow.json:1:238 /steps/2/input (step 3): error: `#` has no position here: it works inside a one-element list of a value (one item per position) or in `sum`/`count`
f.flow.json:1:370 /steps/3/body/bad (step 9): error: `#` has no position here: it works inside a one-element list of a value (one item per position) or in `sum`/`count`
3 error(s), 0 warning(s)
"##,
    );
}

// ---- node rules ----

#[test]
fn regex_patterns_and_flags_are_checked() {
    check_steps(
        &format!(
            r#"{START}, {{"step": 2, "type": "regex", "name": "a", "input": "", "pattern": "^(?=x)y", "yes": 3, "no": 3}}, {{"step": 3, "type": "regex", "name": "b", "input": "", "pattern": "x", "flags": "ig", "yes": 9, "no": 9}}, {END}"#
        ),
        r##"
f.flow.json:1:134 /steps/1/pattern (step 2): error: invalid pattern: look-ahead `(?=…)` / `(?!…)` is not supported (patterns must run in linear time)
f.flow.json:1:243 /steps/2/flags (step 3): error: unknown regex flag `g`: `flags` may hold `i`, `m` and `s`
2 error(s), 0 warning(s)
"##,
    );
}

#[test]
fn api_end_status_and_body_rules() {
    check_steps(
        &format!(
            r#"{START}, {{"step": 2, "type": "is_null", "input": "", "yes": 3, "no": 4}}, {{"step": 3, "type": "api_end", "status": 700, "body": {{}}, "body_text": "x"}}, {{"step": 4, "type": "api_end", "body": {{}}, "content_type": "text/csv"}}"#
        ),
        r##"
f.flow.json:1:171 /steps/2/status (step 3): error: status 700 is not an HTTP status (100–599)
f.flow.json:1:201 /steps/2/body_text (step 3): error: an `api_end` has `body` (JSON) or `body_text`, not both
f.flow.json:1:266 /steps/3/content_type (step 4): error: `content_type` goes with `body_text`; a `body` is always `application/json`
3 error(s), 0 warning(s)
"##,
    );
}

/// Header names are RFC 9110 tokens and `content_type` a media type: one `api_end` per row,
/// its extra fields in, the report out.
#[test]
fn api_end_header_names_and_content_types() {
    for (fields, expected) in [
        (
            r#""headers": {"X-Trace_2.v": "a", "!#$%&'*+-.^_`|~": "b"}, "body_text": "x", "content_type": "text/csv; charset=utf-8""#,
            "",
        ),
        (
            r#""body_text": "x", "content_type": "text/plain;charset=\"utf-8\"""#,
            "",
        ),
        (
            r#""headers": {"X Trace": "a", "ok": "b", "x:y": "c"}"#,
            "f.flow.json:1:120 /steps/1/headers/X Trace (step 9): error: invalid header name `X Trace`: a header name is an HTTP token (letters, digits and any of !#$%&'*+-.^_`|~)\n\
             f.flow.json:1:143 /steps/1/headers/x:y (step 9): error: invalid header name `x:y`: a header name is an HTTP token (letters, digits and any of !#$%&'*+-.^_`|~)\n",
        ),
        (
            r#""headers": {"": "a", "x/y": "b"}"#,
            "f.flow.json:1:113 /steps/1/headers/ (step 9): error: a header name cannot be empty\n\
             f.flow.json:1:125 /steps/1/headers/x~1y (step 9): error: invalid header name `x/y`: a header name is an HTTP token (letters, digits and any of !#$%&'*+-.^_`|~)\n",
        ),
        (
            r#""body_text": "x", "content_type": "csv""#,
            "f.flow.json:1:131 /steps/1/content_type (step 9): error: `content_type` must be a media type such as `text/csv` or `text/plain; charset=utf-8`, not `csv`\n",
        ),
        (
            r#""body_text": "x", "content_type": "text/plain; charset""#,
            "f.flow.json:1:131 /steps/1/content_type (step 9): error: `content_type` must be a media type such as `text/csv` or `text/plain; charset=utf-8`, not `text/plain; charset`\n",
        ),
        (
            r#""body_text": "x", "content_type": "text/plain\tx-evil: 1""#,
            "f.flow.json:1:131 /steps/1/content_type (step 9): error: `content_type` must be a media type such as `text/csv` or `text/plain; charset=utf-8`, not `text/plain\tx-evil: 1`\n",
        ),
    ] {
        let steps = format!(
            r#"{{"step": 1, "type": "start", "next": 9}}, {{"step": 9, "type": "api_end", {fields}}}"#
        );
        let got = report(&[("routes.json", ROUTES), ("f.flow.json", &flow(&steps))]);
        let errors = expected.lines().count();
        let want = format!("{expected}{errors} error(s), 0 warning(s)\n");
        assert_eq!(got, want, "api_end with {fields}");
    }
}

#[test]
fn switch_case_values_are_scalars() {
    check_steps(
        &format!(
            r#"{START}, {{"step": 2, "type": "switch_case", "input": "", "cases": [{{"value": 1.50, "next": 9}}, {{"value": "1.5", "next": 9}}, {{"value": {{"a": 1}}, "next": 9}}, {{"value": null, "next": 9}}, {{"nxt": 9}}], "default": 9}}, {END}"#
        ),
        r##"
f.flow.json:1:162 /steps/1/cases/1/value (step 2): warning: this case can never match: case 0 has the same value
f.flow.json:1:191 /steps/1/cases/2/value (step 2): error: a case value must be a string, number or boolean, not an object
f.flow.json:1:223 /steps/1/cases/3/value (step 2): error: a case value must be a string, number or boolean, not null
f.flow.json:1:241 /steps/1/cases/4/value (step 2): error: a case needs the field `value`
f.flow.json:1:241 /steps/1/cases/4/next (step 2): warning: no `next` target: a session that takes it fails with CT04
f.flow.json:1:249 /steps/1/cases/4/nxt (step 2): error: unknown key `nxt` in a case
    hint: did you mean `next`?
routes.json:1:13 /routes/0: warning: a session of route `r` can end without an `api_end`: step 2 of `f.flow.json` has no `next` target
4 error(s), 3 warning(s)
"##,
    );
}

#[test]
fn literal_choices_of_pending_nodes_are_checked() {
    check_steps(
        &format!(
            r#"{START}, {{"step": 2, "type": "encrypt", "name": "e", "input": "x", "algorithm": "sha265", "key": "secret", "encoding": "b64", "yes": 3, "no": 3}}, {{"step": 3, "type": "api_integration", "name": "i", "integration": "crn", "other": 9}}, {END}"#
        ),
        r##"
f.flow.json:1:137 /steps/1/algorithm (step 2): error: `algorithm` of an `encrypt` node must be `aes-256-gcm`, `sha256` or `hmac-sha256`, not `sha265`
    hint: did you mean `sha256`?
f.flow.json:1:154 /steps/1/key (step 2): error: `key` names an environment variable: `env:NAME`
f.flow.json:1:176 /steps/1/encoding (step 2): error: `encoding` of an `encrypt` node must be `base64` or `hex`, not `b64`
f.flow.json:1:270 /steps/2/integration (step 3): error: there is no integration `crn` in integrations.json
4 error(s), 0 warning(s)
"##,
    );
}

// ---- routes and integrations ----

#[test]
fn route_rules() {
    let routes = r#"{"routes": [
  {"id": "a", "name": "one", "method": "post", "allowed_ips": "127.0.0.1;10.0.0.0/33; nope", "flow": "fx", "token_sha256": "ABC"},
  {"id": "a", "name": "one", "method": "GET", "allowed_ips": " ; ", "flow": "f", "step": 7, "timeout_ms": 0, "msisdn": "[[phone]]"},
  {"id": "b/c", "name": "three", "method": "GET", "allowed_ips": "::1", "flow": "f", "token_sha256": ["E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"]},
  {"id": "d", "method": "GET", "allowed_ips": "::1"}
]}"#;
    check(
        &[
            ("routes.json", routes),
            (
                "f.flow.json",
                &flow(r#"{"step": 1, "type": "start", "next": 9}, {"step": 9, "type": "api_end"}"#),
            ),
        ],
        r##"
routes.json:2:40 /routes/0/method: error: method `post` of route `one` must be GET, POST, PUT or DELETE
    hint: did you mean `POST`?
routes.json:2:63 /routes/0/allowed_ips: error: invalid address or CIDR block `10.0.0.0/33` in route `one`
routes.json:2:63 /routes/0/allowed_ips: error: invalid address or CIDR block `nope` in route `one`
routes.json:2:102 /routes/0/flow: error: route `one` names flow `fx`, which does not exist
    hint: did you mean `f`?
routes.json:2:124 /routes/0/token_sha256: error: `token_sha256` of route `one` must be 64 hex characters (a SHA-256)
routes.json:3:10 /routes/1/id: error: duplicate route id `a` (first at /routes/0)
routes.json:3:23 /routes/1/name: error: duplicate route name `one` (first at /routes/0)
routes.json:3:62 /routes/1/allowed_ips: warning: route `one` allows nobody: `allowed_ips` is empty
routes.json:3:90 /routes/1/step: error: route `one` starts at step 7, which flow `f` does not have
routes.json:3:107 /routes/1/timeout_ms: error: `timeout_ms` must be positive
routes.json:3:120 /routes/1/msisdn: error: a route's `msisdn` is read before the flow runs: only `[[request:…]]` and `[[session:…]]` have values then
routes.json:4:10 /routes/2/id: error: route id `b/c` must be a plain URL segment (letters, digits, `-_.~`)
routes.json:5:3 /routes/3/flow: error: a route needs the field `flow`
routes.json:5:3 /routes/3/name: error: a route needs the field `name`
13 error(s), 1 warning(s)
"##,
    );
}

#[test]
fn a_route_path_that_can_end_without_api_end_is_a_warning() {
    check_steps(
        r#"{"step": 1, "type": "start", "next": 2}, {"step": 2, "type": "is_null", "input": "", "yes": 9}, {"step": 9, "type": "api_end"}"#,
        r##"
f.flow.json:1:66 /steps/1/no (step 2): warning: no `no` target: a session that takes it fails with CT04
routes.json:1:13 /routes/0: warning: a session of route `r` can end without an `api_end`: step 2 of `f.flow.json` has no `no` target
0 error(s), 2 warning(s)
"##,
    );
}

/// A cycle no `api_end` can be reached from keeps the caller waiting: one warning per
/// route, naming a step on the cycle. A loop with a way out is fine.
#[test]
fn a_route_that_can_loop_without_an_api_end_is_a_warning() {
    for (steps, expected) in [
        (
            r#"{"step": 1, "type": "start", "next": 2}, {"step": 2, "type": "set_variable", "assign": {"n": 1}, "next": 2}"#,
            "
routes.json:1:13 /routes/0: warning: sessions on route `r` can loop without reaching an `api_end` (step 2 of flow `f`)
0 error(s), 1 warning(s)
",
        ),
        (
            r#"{"step": 1, "type": "start", "next": 2}, {"step": 2, "type": "is_null", "input": "[[request:body.x]]", "yes": 3, "no": 9}, {"step": 3, "type": "set_variable", "assign": {"n": 1}, "next": 4}, {"step": 4, "type": "set_variable", "assign": {"m": 1}, "next": 3}, {"step": 9, "type": "api_end"}"#,
            "
routes.json:1:13 /routes/0: warning: sessions on route `r` can loop without reaching an `api_end` (step 3 of flow `f`)
0 error(s), 1 warning(s)
",
        ),
        // A retry loop that can leave.
        (
            r#"{"step": 1, "type": "start", "next": 2}, {"step": 2, "type": "is_null", "input": "[[request:body.x]]", "yes": 3, "no": 9}, {"step": 3, "type": "set_variable", "assign": {"n": 1}, "next": 2}, {"step": 9, "type": "api_end"}"#,
            "
0 error(s), 0 warning(s)
",
        ),
        // A loop nothing leads to is only unreachable.
        (
            r#"{"step": 1, "type": "start", "next": 9}, {"step": 2, "type": "set_variable", "assign": {"n": 1}, "next": 2}, {"step": 9, "type": "api_end"}"#,
            "
f.flow.json:1:66 /steps/1 (step 2): warning: step 2 is unreachable
0 error(s), 1 warning(s)
",
        ),
    ] {
        check_steps(steps, expected);
    }
}

#[test]
fn a_loop_across_flows_is_found_from_the_route() {
    check(
        &[
            ("routes.json", ROUTES),
            (
                "f.flow.json",
                &flow(
                    r#"{"step": 1, "type": "start", "next": 2}, {"step": 2, "type": "set_variable", "assign": {"n": 1}, "next": {"flow": "g", "step": 2}}"#,
                ),
            ),
            (
                "g.flow.json",
                r#"{"flow": "g", "steps": [{"step": 1, "type": "start", "next": 2}, {"step": 2, "type": "set_variable", "assign": {"m": 1}, "next": {"flow": "f", "step": 2}}]}"#,
            ),
        ],
        r##"
routes.json:1:13 /routes/0: warning: sessions on route `r` can loop without reaching an `api_end` (step 2 of flow `f`)
0 error(s), 1 warning(s)
"##,
    );
}

/// Both lists would share one `#` (N² values), so a list inside a position list is an
/// error at the inner list.
#[test]
fn position_lists_do_not_nest() {
    check_steps(
        &format!(
            r#"{START}, {{"step": 2, "type": "set_variable", "assign": {{"x": [["[[request:body.#]]"]]}}, "next": 9}}, {{"step": 9, "type": "api_end", "body": {{"l": [{{"tags": ["[[request:body.lines.#.tags.#]]"]}}]}}}}"#
        ),
        r##"
f.flow.json:1:119 /steps/1/assign/x/0 (step 2): error: a list inside a position list is not supported: both would share `#`
f.flow.json:1:212 /steps/2/body/l/0/tags (step 9): error: a list inside a position list is not supported: both would share `#`
2 error(s), 0 warning(s)
"##,
    );
}

#[test]
fn integration_rules() {
    let integrations = r#"{"integrations": [
  {"name": "crm", "url": "${CRM}/u/[[user]]", "validation": "STATUS"},
  {"name": "crm", "url": "http://x", "method": "FETCH", "headers": {"a": "[[request:body.#]]"}}
]}"#;
    check(
        &[
            ("routes.json", ROUTES),
            ("integrations.json", integrations),
            (
                "f.flow.json",
                &flow(r#"{"step": 1, "type": "start", "next": 9}, {"step": 9, "type": "api_end"}"#),
            ),
        ],
        r##"
integrations.json:2:26 /integrations/0/url: error: no `set_variable` in the bundle writes `[[user]]`
integrations.json:2:61 /integrations/0/validation: error: `validation` must be `HTTP_RESPONSE_CODE` or a JSONPath (`$.a.b`), not `STATUS`
integrations.json:3:12 /integrations/1/name: error: duplicate integration name `crm` (first at /integrations/0)
integrations.json:3:48 /integrations/1/method: error: unknown HTTP method `FETCH`
integrations.json:3:74 /integrations/1/headers/a: error: `#` has no position here: it works inside a one-element list of a value (one item per position) or in `sum`/`count`
5 error(s), 0 warning(s)
"##,
    );
}

// ---- the shared conformance cases ----

/// Every string a build-error case lists must appear in the report, and it must fail.
#[test]
fn shared_build_error_cases() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/build_errors");
    let mut dirs = vec![dir];
    if let Ok(shared) = std::env::var("FLOWC_CONFORMANCE_DIR") {
        dirs.push(std::path::Path::new(&shared).join("build_errors"));
    }
    let mut seen = 0;
    for dir in dirs {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
            check_build_error_case(&entry.path().display().to_string(), &text);
            seen += 1;
        }
    }
    assert!(
        seen >= 4,
        "expected the four shared build-error cases, found {seen}"
    );
}

fn check_build_error_case(name: &str, text: &str) {
    use flowc_lang::Value;
    let case = flowc_lang::json::parse(text).unwrap_or_else(|e| panic!("{name}: {e:?}"));
    let get = |v: &Value, k: &str| match v {
        Value::Object(m) => m.get(k).cloned().unwrap_or(Value::Null),
        _ => Value::Null,
    };
    let bundle = get(&case, "bundle");
    let mut files = vec![("routes.json".to_string(), get(&bundle, "routes").to_json())];
    if let integrations @ Value::Object(_) = get(&bundle, "integrations") {
        files.push(("integrations.json".into(), integrations.to_json()));
    }
    if let Value::Array(flows) = get(&bundle, "flows") {
        for flow in flows {
            files.push((
                format!("{}.flow.json", get(&flow, "flow").render()),
                flow.to_json(),
            ));
        }
    }
    let checked = flowc_codegen::check(&BundleSource {
        origin: name.into(),
        files,
    });
    let rendered = checked.diagnostics.render();
    assert!(
        checked.ir.is_none(),
        "{name}: the build must fail\n{rendered}"
    );
    let Value::Array(expected) = get(&case, "expect_build_error") else {
        panic!("{name}: no expect_build_error")
    };
    for want in expected {
        assert!(
            rendered.contains(&want.render()),
            "{name}: `{}` missing from\n{rendered}",
            want.render()
        );
    }
}
