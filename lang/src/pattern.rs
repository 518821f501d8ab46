//! The regex node's pattern language (§4.2, §13 rule 20): the linear-time ECMAScript
//! subset, checked and translated at build time to the `regex` crate's syntax.

/// A checked, translated pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    /// The pattern in `regex` crate syntax, flags and full-match anchoring folded in.
    pub translated: String,
    /// The number of capture groups (not counting group 0).
    pub group_count: usize,
    /// Named groups and their numbers.
    pub group_names: Vec<(String, usize)>,
}

/// A pattern error with its 0-based character column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternError {
    /// 0-based character column in the pattern.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

/// Checks and translates an ECMAScript pattern. `flags` may hold `i`, `m`, `s`. Look-around,
/// backreferences and `\p{…}` are errors. `\d \w \s \b` are ASCII.
pub fn translate(pattern: &str, flags: &str, full_match: bool) -> Result<Pattern, PatternError> {
    todo!("{pattern}{flags}{full_match}")
}

/// Runs a compiled pattern: `None` when it does not match, else group 0 (the match) and
/// every group (`None` when it took no part) as strings.
pub fn exec(re: &regex::Regex, input: &str) -> Option<Vec<Option<String>>> {
    todo!("{re}{input}")
}
