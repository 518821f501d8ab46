//! Wall-clock helpers without a date library: ISO-8601 UTC with milliseconds (§13 rule 8).

use std::time::SystemTime;

/// `SystemTime` as `2026-11-25T17:26:42.123Z`.
pub fn format_iso_millis(t: SystemTime) -> String {
    todo!("{t:?}")
}

/// Now, as [`format_iso_millis`].
pub fn now_iso() -> String {
    format_iso_millis(SystemTime::now())
}
