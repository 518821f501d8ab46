//! A regex node's compiled pattern: a [`Walk`] where the pattern has its shape, the
//! `regex` crate everywhere else (and for texts too long for the walk's backtracker). Both
//! find the same groups (the differential tests in `walk/tests.rs` hold them to it), so
//! which one runs is never visible.

use super::walk::{Spans, Walk};

/// A compiled pattern.
#[derive(Debug, Clone)]
pub enum Matcher {
    /// A one-pass walk (anchored, unambiguous): one loop over the text, whatever its length.
    OnePass(Walk),
    /// A walk that may backtrack, and the `regex` crate for texts too long for it.
    Walk(Walk, regex::Regex),
    /// The `regex` crate.
    Regex(regex::Regex),
}

/// The groups of one match.
#[derive(Debug)]
pub enum Found<'t> {
    /// Found by a walk: the text and the spans in it.
    Walk(&'t str, Spans),
    /// Found by the `regex` crate.
    Regex(regex::Captures<'t>),
}

impl Matcher {
    /// Compiles a pattern in `regex` crate syntax (a translated [`super::Pattern`]). The
    /// `regex` crate compiles every pattern, walked or not: its limits stay the ones a
    /// pattern must pass, and its group count is the one the walk must have.
    pub fn new(pattern: &str) -> Result<Matcher, regex::Error> {
        let re = regex::Regex::new(pattern)?;
        Ok(match Walk::new(pattern) {
            Some(walk) if walk.group_count() != re.captures_len() => Matcher::Regex(re),
            Some(walk) if walk.is_one_pass() => Matcher::OnePass(walk),
            Some(walk) => Matcher::Walk(walk, re),
            None => Matcher::Regex(re),
        })
    }

    /// The capture groups, group 0 included (the `regex` crate's count: a walk is only
    /// chosen when its count is the same).
    pub fn group_count(&self) -> usize {
        match self {
            Matcher::OnePass(walk) | Matcher::Walk(walk, _) => walk.group_count(),
            Matcher::Regex(re) => re.captures_len(),
        }
    }

    /// Whether `text` holds a match (when no step reads the node's groups).
    pub fn is_match(&self, text: &str) -> bool {
        match self {
            Matcher::Regex(re) => re.is_match(text),
            _ => self.captures(text).is_some(),
        }
    }

    /// The groups of the leftmost-first match in `text`, if any.
    pub fn captures<'t>(&self, text: &'t str) -> Option<Found<'t>> {
        let (walk, re) = match self {
            Matcher::OnePass(walk) => (walk, None),
            Matcher::Walk(walk, re) => (walk, Some(re)),
            Matcher::Regex(re) => return re.captures(text).map(Found::Regex),
        };
        match (walk.captures(text), re) {
            (Ok(spans), _) => spans.map(|spans| Found::Walk(text, spans)),
            (Err(_), Some(re)) => re.captures(text).map(Found::Regex),
            // A one-pass walk never declines.
            (Err(_), None) => None,
        }
    }
}

impl<'t> Found<'t> {
    /// The number of groups, group 0 (the whole match) included.
    pub fn len(&self) -> usize {
        match self {
            Found::Walk(_, spans) => spans.len(),
            Found::Regex(caps) => caps.len(),
        }
    }

    /// Whether there are no groups (never: group 0 is always there).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The text of group `i`, when it took part in the match.
    pub fn get(&self, i: usize) -> Option<&'t str> {
        match self {
            Found::Walk(text, spans) => spans.get(i).map(|(start, end)| &text[start..end]),
            Found::Regex(caps) => caps.get(i).map(|m| m.as_str()),
        }
    }
}
