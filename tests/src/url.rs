//! Query strings: encoding the script's `query` and decoding what upstreams receive.

use std::fmt::Write as _;

/// Percent-encodes everything but RFC 3986 unreserved characters, with upper-case hex.
pub fn encode_component(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

/// `a=1&b=x%20y` from pairs, in order.
pub fn encode_query(pairs: &[(String, String)]) -> String {
    let encoded: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode_component(k), encode_component(v)))
        .collect();
    encoded.join("&")
}

/// The pairs of a query string, decoded (`+` is a space, `%XX` a byte, invalid UTF-8
/// replaced), in order and with repeats.
pub fn decode_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|part| !part.is_empty())
        .map(|part| match part.split_once('=') {
            Some((k, v)) => (decode_component(k), decode_component(v)),
            None => (decode_component(part), String::new()),
        })
        .collect()
}

/// The first value of each name, in the order names first appear.
pub fn first_values(pairs: &[(String, String)]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for (k, v) in pairs {
        if !out.iter().any(|(seen, _)| seen == k) {
            out.push((k.clone(), v.clone()));
        }
    }
    out
}

/// Decodes one form-encoded component; a `%` not followed by two hex digits stays as is.
pub fn decode_component(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => match (
                bytes.get(i + 1).and_then(hex),
                bytes.get(i + 2).and_then(hex),
            ) {
                (Some(hi), Some(lo)) => {
                    out.push(hi * 16 + lo);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            other => out.push(other),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The value of one hex digit.
fn hex(byte: &u8) -> Option<u8> {
    char::from(*byte)
        .to_digit(16)
        .and_then(|d| u8::try_from(d).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn encodes_components() {
        let rows = [
            ("abc-._~XYZ09", "abc-._~XYZ09"),
            ("v 1", "v%201"),
            ("a&b=c", "a%26b%3Dc"),
            ("ü", "%C3%BC"),
            ("+/?#", "%2B%2F%3F%23"),
            ("", ""),
        ];
        for (input, expected) in rows {
            assert_eq!(encode_component(input), expected, "{input:?}");
        }
    }

    #[test]
    fn encodes_queries_in_order() {
        assert_eq!(
            encode_query(&pairs(&[("k", "v 1"), ("a", "")])),
            "k=v%201&a="
        );
        assert_eq!(encode_query(&[]), "");
    }

    #[test]
    fn decodes_queries() {
        let rows: [(&str, &[(&str, &str)]); 8] = [
            ("a=1&b=2", &[("a", "1"), ("b", "2")]),
            ("k=v+1", &[("k", "v 1")]),
            ("k=v%201", &[("k", "v 1")]),
            ("k=%C3%BC", &[("k", "ü")]),
            ("flag&x=", &[("flag", ""), ("x", "")]),
            ("a=1&&a=2", &[("a", "1"), ("a", "2")]),
            ("p=100%&q=%zz", &[("p", "100%"), ("q", "%zz")]),
            ("", &[]),
        ];
        for (input, expected) in rows {
            assert_eq!(decode_query(input), pairs(expected), "{input:?}");
        }
    }

    #[test]
    fn keeps_first_values() {
        let input = pairs(&[("a", "1"), ("b", "2"), ("a", "3")]);
        assert_eq!(first_values(&input), pairs(&[("a", "1"), ("b", "2")]));
    }

    #[test]
    fn round_trips() {
        let input = pairs(&[("name", "Ada Lovelace"), ("sym", "&=+%/?"), ("u", "日本")]);
        assert_eq!(decode_query(&encode_query(&input)), input);
    }
}
