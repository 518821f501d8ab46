use super::*;

/// A small deterministic generator (xorshift), so a failure repeats.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// The groups' spans as the `regex` crate finds them.
fn regex_spans(re: &regex::Regex, text: &str) -> Option<Vec<Option<(usize, usize)>>> {
    let caps = re.captures(text)?;
    Some(
        caps.iter()
            .map(|m| m.map(|m| (m.start(), m.end())))
            .collect(),
    )
}

fn walk_spans(w: &Walk, text: &str) -> Option<Vec<Option<(usize, usize)>>> {
    let spans = w.captures(text).expect("a text short enough to walk")?;
    Some((0..spans.len()).map(|i| spans.get(i)).collect())
}

/// Asserts the walk and the `regex` crate agree on `text`.
fn agree(pattern: &str, w: &Walk, re: &regex::Regex, text: &str) {
    assert_eq!(
        walk_spans(w, text),
        regex_spans(re, text),
        "pattern {pattern:?} on {text:?}"
    );
}

/// Random texts over `alphabet`, up to `max_len` characters.
fn texts(rng: &mut Rng, alphabet: &[char], max_len: usize, count: usize) -> Vec<String> {
    (0..count)
        .map(|_| {
            let len = rng.below(max_len + 1);
            (0..len).map(|_| *rng.pick(alphabet)).collect()
        })
        .collect()
}

#[test]
fn flow_shaped_patterns_take_the_one_pass_walk() {
    for pattern in [
        "^U([0-9]{5})$",
        r"^\+?([0-9 ]{7,20})$",
        "^SAVE([0-9]{1,2})$",
        "^C[0-9]{6}$",
        "^C(?P<digits>[0-9]{6})$",
        "(?i)^save([0-9]+)$",
        "^a*",
        "^[a-z]+@x",
        "^(a)(b)$",
        "^é+x$",
        "^$",
        "^",
        "(^a)",
        "^[^a]*a",
        "^.{2,}$",
        "^a{3}?",
    ] {
        assert!(
            Walk::new(pattern).is_some_and(|w| w.is_one_pass()),
            "{pattern}"
        );
    }
}

#[test]
fn patterns_whose_runs_give_back_take_the_backtracking_walk() {
    for pattern in [
        // The domain's run has to give back the `.` before the top-level domain.
        r"^[a-z0-9._%+-]+@([a-z0-9.-]+\.[a-z]{2,})$",
        "^a*a",
        "^a?[ab]",
        "^(a+)(a+)$",
        // No start anchor: searched from every start.
        "[0-9]+",
        "([0-9]{4})-",
        "a*$",
    ] {
        assert!(
            Walk::new(pattern).is_some_and(|w| !w.is_one_pass()),
            "{pattern}"
        );
    }
}

/// Groups under `{0}` leave the syntax tree: the matcher reports the same groups as the
/// `regex` crate, whichever way it runs them (reviewer's find: the walk once numbered them
/// wrong, and indexed past its spans with seven groups after one).
#[test]
fn groups_under_a_zero_count_read_as_the_regex_crate_reads_them() {
    for pattern in ["(b)(a){0}", "(a){0}(b)", "^(a){0}(b)(c)(d)(e)(f)(g)(h)$"] {
        let matcher = super::super::Matcher::new(pattern).expect("a pattern");
        let re = regex::Regex::new(pattern).expect("a pattern");
        for text in ["", "b", "ab", "bcdefgh"] {
            let ours = matcher
                .captures(text)
                .map(|f| (0..f.len()).map(|i| f.get(i)).collect::<Vec<_>>());
            let theirs = re
                .captures(text)
                .map(|c| c.iter().map(|m| m.map(|m| m.as_str())).collect::<Vec<_>>());
            assert_eq!(ours, theirs, "{pattern} on {text:?}");
        }
    }
}

/// Without a start anchor the leftmost match wins, and within it the greedy one.
#[test]
fn unanchored_patterns_find_the_leftmost_match() {
    for (pattern, text, expected) in [
        ("[0-9]+", "ab123c45", Some((2, 5))),
        ("a*", "baa", Some((0, 0))),
        ("(b+)$", "abbab", Some((4, 5))),
        ("é([0-9]{2})", "xé1é23", Some((4, 8))),
        ("x", "", None),
        ("[0-9]{3}", "12a45", None),
    ] {
        let walk = Walk::new(pattern).expect("a walk");
        let found = walk.captures(text).expect("walked");
        assert_eq!(
            found.and_then(|s| s.get(0)),
            expected,
            "{pattern} on {text:?}"
        );
        let re = regex::Regex::new(pattern).expect("a pattern");
        agree(pattern, &walk, &re, text);
    }
}

#[test]
fn other_patterns_run_on_the_regex_crate() {
    for pattern in [
        "a^",
        // `a|b` alone would be simplified to the set `[ab]`.
        "^(ab|cd)$",
        "^(ab)+$",
        "^a+?b",
        "(?m)^a$",
        r"^\bx",
        "^a$b",
        "^(a)(b)(c)(d)(e)(f)(g)(h)$",
        "^(a)?$",
        // A group under `{0}` keeps its number but leaves the tree (reviewer's find).
        "(a){0}(b)",
        "^(a){0}(b)(c)(d)(e)(f)(g)(h)$",
        r"(?-u)^[\x00-\xff]$",
    ] {
        assert!(Walk::new(pattern).is_none(), "{pattern}");
    }
}

#[test]
fn the_benchmarks_patterns_agree_with_the_regex_crate() {
    let cases: &[(&str, &[char])] = &[
        ("^U([0-9]{5})$", &['U', 'u', '1', '9', 'x', 'é']),
        (r"^\+?([0-9 ]{7,20})$", &['+', ' ', '2', '7', 'a', '\n']),
        ("^SAVE([0-9]{1,2})$", &['S', 'A', 'V', 'E', '5', '0', 's']),
        (
            "(?i)^save([0-9]+)$",
            &['S', 's', 'A', 'a', 'V', 'v', 'E', 'e', '5', 'K'],
        ),
        ("^é+x$", &['é', 'e', 'x', 'X']),
        ("^[^a]*a", &['a', 'b', 'é', '\n']),
        ("^.{2,}$", &['a', '\n', '\r', 'é']),
        ("^(a*)(b?)", &['a', 'b', 'c']),
        (
            r"^[a-z0-9._%+-]+@([a-z0-9.-]+\.[a-z]{2,})$",
            &['a', 'z', '.', '@', '-', 'é'],
        ),
        ("^(a+)(a+)$", &['a', 'b']),
    ];
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for (pattern, alphabet) in cases {
        let w = Walk::new(pattern).expect("the walk's shape");
        let re = regex::Regex::new(pattern).expect("a pattern");
        for text in texts(&mut rng, alphabet, 24, 3000) {
            agree(pattern, &w, &re, &text);
        }
    }
    for (pattern, text, group_1) in [
        (r"^\+?([0-9 ]{7,20})$", "+27 82 123 4567", (1, 15)),
        (
            r"^[a-z0-9._%+-]+@([a-z0-9.-]+\.[a-z]{2,})$",
            "ada@example.com",
            (4, 15),
        ),
    ] {
        let walk = Walk::new(pattern).expect("a walk");
        let caps = walk.captures(text).expect("walked").expect("a match");
        assert_eq!(caps.get(1), Some(group_1), "{pattern}");
    }
}

/// A text too long for the backtracker's marks, or too long to search from every start,
/// is declined, and the matcher answers it with the `regex` crate instead; a one-pass
/// walk takes any length.
#[test]
fn long_texts_fall_back_to_the_regex_crate() {
    let pattern = r"^[a-z0-9._%+-]+@([a-z0-9.-]+\.[a-z]{2,})$";
    let walk = Walk::new(pattern).expect("a walk");
    let long = format!("ada@{}.com", "x".repeat(VISITED_BITS));
    assert_eq!(walk.captures(&long), Err(TooLong));
    let matcher = super::super::Matcher::new(pattern).expect("a pattern");
    let found = matcher.captures(&long).expect("a match");
    assert!(matches!(found, super::super::Found::Regex(_)));
    assert_eq!(found.get(1).map(str::len), Some(VISITED_BITS + 4));
    let short = matcher.captures("ada@example.com").expect("a match");
    assert!(matches!(short, super::super::Found::Walk(..)));
    let search = Walk::new("([0-9]+)$").expect("a walk");
    let text = "x".repeat(SEARCH_BYTES) + "7";
    assert_eq!(search.captures(&text), Err(TooLong));
    let matcher = super::super::Matcher::new("([0-9]+)$").expect("a pattern");
    let found = matcher.captures(&text).expect("a match");
    assert!(matches!(found, super::super::Found::Regex(_)));
    assert_eq!(found.get(1), Some("7"));
    let digits = Walk::new("^[0-9]+$").expect("a walk");
    let spans = digits
        .captures(&"7".repeat(VISITED_BITS * 2))
        .expect("walked");
    assert_eq!(spans.and_then(|s| s.get(0)), Some((0, VISITED_BITS * 2)));
}

/// Runs that each could take the whole text: every (state, position) pair is tried once,
/// so the walk ends (and agrees) where plain backtracking would take exponential time.
#[test]
fn ambiguous_runs_stay_bounded() {
    let pattern = "^(a*)(a*)(a*)(a*)(a*)b$";
    let walk = Walk::new(pattern).expect("a walk");
    let re = regex::Regex::new(pattern).expect("a pattern");
    for len in [0, 1, 10, 200, 1000] {
        let text = "a".repeat(len);
        agree(pattern, &walk, &re, &text);
        agree(pattern, &walk, &re, &(text + "b"));
    }
}

/// Random patterns of runs, groups and anchors over a three-letter alphabet, with a start
/// anchor or none: every one the walk accepts, one-pass or backtracking, finds exactly what
/// the `regex` crate finds, on random texts.
#[test]
fn random_patterns_the_walk_accepts_agree_with_the_regex_crate() {
    const ATOMS: &[&str] = &["a", "b", "c", "[ab]", "[^a]", ".", "[bc]", "é"];
    const REPEATS: &[&str] = &["", "", "?", "*", "+", "{2}", "{1,3}", "{2,}", "{0,2}"];
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let (mut one_pass, mut backtracking) = (0, 0);
    for _ in 0..4000 {
        let mut pattern = String::from(if rng.below(2) == 0 { "^" } else { "" });
        let mut open = 0;
        for _ in 0..1 + rng.below(5) {
            if open < 3 && rng.below(4) == 0 {
                pattern.push('(');
                open += 1;
            }
            pattern.push_str(rng.pick::<&str>(ATOMS));
            pattern.push_str(rng.pick::<&str>(REPEATS));
            if open > 0 && rng.below(3) == 0 {
                pattern.push(')');
                open -= 1;
            }
        }
        pattern.push_str(&")".repeat(open));
        if rng.below(2) == 0 {
            pattern.push('$');
        }
        let Some(w) = Walk::new(&pattern) else {
            continue;
        };
        if w.is_one_pass() {
            one_pass += 1;
        } else {
            backtracking += 1;
        }
        let re = regex::Regex::new(&pattern).expect("a pattern");
        for text in texts(&mut rng, &['a', 'b', 'c', 'é', '\n'], 8, 60) {
            agree(&pattern, &w, &re, &text);
        }
    }
    // Enough of each kind for the comparison to mean something.
    assert!(one_pass > 800, "only {one_pass} one-pass patterns");
    assert!(
        backtracking > 800,
        "only {backtracking} backtracking patterns"
    );
}
