use super::*;
use crate::json::{parse, parse_shaped};

fn paths(dotted: &[&str]) -> Vec<Path> {
    dotted.iter().map(|p| Path::parse(p)).collect()
}

/// Two keys naming one array element (`1` and `01`) each keep what both reach (found by a
/// review: the element kept only the first key's members).
#[test]
fn keys_naming_one_element_keep_what_both_read() {
    let text = r#"{"x": [{"a": 1, "b": 2, "c": 3}]}"#;
    for read in [["x.1.a", "x.01.b"], ["x.01.b", "x.1.a"]] {
        let shape = Shape::of_paths(&paths(&read));
        let shaped = parse_shaped(text, &shape).ok();
        let expected = parse(r#"{"x": [{"a": 1, "b": 2}]}"#).ok();
        assert_eq!(shaped, expected, "{read:?}");
    }
    let under_any = Shape::of_paths(&paths(&["x.#.2.a", "x.1.02.b"]));
    let text = r#"{"x": [[0, {"a": 1, "b": 2, "c": 3}]]}"#;
    let expected = parse(r#"{"x": [[null, {"a": 1, "b": 2}]]}"#).ok();
    assert_eq!(parse_shaped(text, &under_any).ok(), expected);
}

#[test]
fn paths_make_a_shape_with_positions_spread_over_named_keys() {
    let shape = Shape::of_paths(&paths(&["customer.id", "items.#.qty", "items.02.sku"]));
    let items = shape.member("items").cloned();
    let Some(Shape::Parts { keys, any }) = items else {
        panic!("items: {shape:?}")
    };
    // Element 2 is read by its own path and as a position.
    assert_eq!(keys.len(), 1);
    assert_eq!((keys[0].key.as_str(), keys[0].index), ("02", Some(2)));
    assert!(keys[0].shape.member("sku").is_some() && keys[0].shape.member("qty").is_some());
    assert!(any.as_deref().is_some_and(|a| a.member("qty").is_some()));
    assert!(any.as_deref().is_some_and(|a| a.member("sku").is_none()));
    assert_eq!(shape.member("tier"), None);
    // A path that ends somewhere reads all of it, whatever longer paths say.
    let shape = Shape::of_paths(&paths(&["a.b", "a", "a.c.d"]));
    assert_eq!(shape.member("a"), Some(&Shape::Whole));
    assert_eq!(Shape::of_paths(&paths(&[""])), Shape::Whole);
    assert_eq!(Shape::of_paths(&[]), Shape::NOTHING);
}

/// A small deterministic generator (xorshift), so the cases are the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const KEYS: [&str; 7] = ["a", "b", "1", "01", "2", "02", "k\\u0041"];

/// A random JSON text, nested up to `depth`.
fn document(rng: &mut Rng, depth: usize) -> String {
    match rng.below(if depth == 0 { 4 } else { 7 }) {
        0 => "null".into(),
        1 => ["1", "-2.50", "3e2", "0.1"][rng.below(4)].into(),
        2 => ["\"x\"", "\"a\\\"b\"", "\"\\u00e9t\\u00e9\"", "\"\""][rng.below(4)].into(),
        3 => "true".into(),
        4 | 5 => {
            let members: Vec<String> = (0..rng.below(4))
                .map(|_| {
                    format!(
                        "\"{}\": {}",
                        KEYS[rng.below(KEYS.len())],
                        document(rng, depth - 1)
                    )
                })
                .collect();
            format!("{{{}}}", members.join(", "))
        }
        _ => {
            let items: Vec<String> = (0..rng.below(4))
                .map(|_| document(rng, depth - 1))
                .collect();
            format!("[{}]", items.join(","))
        }
    }
}

/// A random dotted path of up to three segments.
fn path(rng: &mut Rng) -> String {
    let segs = ["a", "b", "1", "01", "2", "02", "#", "kA"];
    let parts: Vec<&str> = (0..rng.below(4))
        .map(|_| segs[rng.below(segs.len())])
        .collect();
    parts.join(".")
}

/// Every path of the shape reads the same from the shaped tree as from the whole one (at
/// every position a `#` can take), on 3,000 random documents and path sets.
#[test]
fn a_shaped_parse_reads_the_same_through_its_paths() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut pruned = 0;
    for _ in 0..3000 {
        let text = document(&mut rng, 4);
        let read: Vec<Path> = (0..rng.below(4))
            .map(|_| Path::parse(&path(&mut rng)))
            .collect();
        let shape = Shape::of_paths(&read);
        let (Ok(whole), Ok(shaped)) = (parse(&text), parse_shaped(&text, &shape)) else {
            panic!("{text} does not parse both ways");
        };
        for p in &read {
            for pos in 0..5 {
                let pos = (pos > 0).then_some(pos);
                assert_eq!(
                    p.get(&shaped, pos),
                    p.get(&whole, pos),
                    "{text} {p:?} at {pos:?}"
                );
            }
        }
        pruned += usize::from(shaped != whole);
    }
    // The documents and paths are varied enough that many parses leave parts out.
    assert!(pruned > 500, "only {pruned} parses left something out");
}

/// A shaped parse reads and checks every part: a broken document fails with the same
/// message at the same place, broken where a path reads or where none does.
#[test]
fn a_shaped_parse_fails_where_the_whole_parse_fails() {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let broken = [
        "",
        "}",
        "\"\\x\"",
        "01",
        "[1,]",
        "\"\u{1}\"",
        "\"\\ud800\"",
        "tru",
    ];
    for _ in 0..2000 {
        let mut text = document(&mut rng, 3);
        let at = rng.below(text.len() + 1);
        // Cut or insert somewhere, on a character boundary.
        let at = (0..=at)
            .rev()
            .find(|&i| text.is_char_boundary(i))
            .unwrap_or(0);
        text.insert_str(at, broken[rng.below(broken.len())]);
        let shape = Shape::of_paths(&[Path::parse(&path(&mut rng))]);
        let (whole, shaped) = (parse(&text), parse_shaped(&text, &shape));
        assert_eq!(whole.is_ok(), shaped.is_ok(), "{text}");
        if let (Err(a), Err(b)) = (whole, shaped) {
            assert_eq!(
                (a.message, a.line, a.column),
                (b.message, b.line, b.column),
                "{text}"
            );
        }
    }
    let deep = format!("{{\"z\": {}{}}}", "[".repeat(300), "]".repeat(300));
    let (whole, shaped) = (parse(&deep), parse_shaped(&deep, &Shape::NOTHING));
    assert_eq!(
        whole.err().map(|e| e.message),
        shaped.err().map(|e| e.message)
    );
}

/// What no path reaches is left out (members) or kept as `null` (elements, so the others
/// keep their positions).
#[test]
fn unread_members_are_left_out_and_unread_elements_become_null() {
    let text = r#"{"customer": {"id": "C1", "tier": "gold"}, "items": [{"sku": "A", "qty": 2}, 7], "note": "x"}"#;
    let shape = Shape::of_paths(&paths(&["customer.id", "items.#.qty"]));
    let shaped = parse_shaped(text, &shape).ok();
    let expected = parse(r#"{"customer": {"id": "C1"}, "items": [{"qty": 2}, 7]}"#).ok();
    assert_eq!(shaped, expected);
    let only_second = Shape::of_paths(&paths(&["items.2"]));
    let expected = parse(r#"{"items": [null, 7]}"#).ok();
    assert_eq!(parse_shaped(text, &only_second).ok(), expected);
}
