//! Dotted, 1-based paths into values (§3.1), parsed once at build time.

use crate::value::Value;

/// One segment of a path.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Seg {
    /// A key; `index` is the key read as a 1-based array index when it is all digits.
    Key {
        /// The key as written.
        key: String,
        /// The key as an array index, parsed at build time.
        index: Option<usize>,
    },
    /// `#`: the current list position (§3 lists from positions, §4.1, §4.5).
    Hash,
}

impl Seg {
    /// A key segment, with its index form precomputed.
    pub fn key(key: impl Into<String>) -> Seg {
        let key = key.into();
        let index = if !key.is_empty() && key.bytes().all(|b| b.is_ascii_digit()) {
            key.parse().ok()
        } else {
            None
        };
        Seg::Key { key, index }
    }
}

/// A dotted path such as `items.2.sku` or `lines.#.code`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Path {
    /// The segments in order; empty means the whole value.
    pub segs: Vec<Seg>,
}

impl Path {
    /// Parses `a.b.2.#`; an empty string is the empty path.
    pub fn parse(text: &str) -> Path {
        if text.is_empty() {
            return Path::default();
        }
        let segs = text
            .split('.')
            .map(|s| if s == "#" { Seg::Hash } else { Seg::key(s) })
            .collect();
        Path { segs }
    }

    /// Whether any segment is `#`.
    pub fn has_hash(&self) -> bool {
        self.segs.iter().any(|s| matches!(s, Seg::Hash))
    }

    /// Follows the path from `root`; `#` takes the position `pos` (absent without one).
    pub fn get<'a>(&self, root: &'a Value, pos: Option<usize>) -> Option<&'a Value> {
        let mut cur = root;
        for seg in &self.segs {
            cur = match seg {
                Seg::Key { key, index } => cur.segment(key, *index)?,
                Seg::Hash => cur.position(pos?)?,
            };
        }
        Some(cur)
    }

    /// The path written back in dotted form.
    pub fn to_dotted(&self) -> String {
        let parts: Vec<&str> = self
            .segs
            .iter()
            .map(|s| match s {
                Seg::Key { key, .. } => key.as_str(),
                Seg::Hash => "#",
            })
            .collect();
        parts.join(".")
    }
}
