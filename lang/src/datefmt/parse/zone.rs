//! Reading time zones: `z` and `Z` (Java's general and RFC 822 forms) and `X` (ISO 8601).

use super::{starts_with_ignore_case, Parser};
use crate::datefmt::names::{applies, ZONE_NAMES};

impl Parser<'_> {
    /// `z` and `Z` (Java's general and RFC 822 zones): `±hhmm`, `GMT`/`UTC` with an
    /// optional `±h[h][:mm]`, or a name or abbreviation from the zone table.
    pub(super) fn general_zone(&mut self) -> Result<i64, String> {
        let rest = self.rest().as_bytes();
        if matches!(rest.first(), Some(b'+' | b'-')) {
            return self.signed_offset(2, false);
        }
        if starts_with_ignore_case(rest, "GMT") || starts_with_ignore_case(rest, "UTC") {
            self.pos += 3;
            return match self.rest().as_bytes().first() {
                Some(b'+' | b'-') => self.gmt_offset(),
                _ => Ok(0),
            };
        }
        self.zone_name()
    }

    /// A name or abbreviation from the table: the longest match; among equal ones a row
    /// limited to the node's zone wins, then a general row (`CST` is Central time except
    /// in China, Taiwan and Cuba).
    fn zone_name(&mut self) -> Result<i64, String> {
        let rest = self.rest().as_bytes();
        let mut best: Option<(usize, u8, i32)> = None;
        for row in ZONE_NAMES {
            let rank = match (row.zones.is_empty(), applies(row, self.iana)) {
                (false, true) => 2,
                (true, _) => 1,
                (false, false) => 0,
            };
            let names = [row.abbr, row.long];
            for name in names.iter().filter(|n| !n.starts_with(['+', '-'])) {
                if !starts_with_ignore_case(rest, name) {
                    continue;
                }
                if best.is_none_or(|(len, r, _)| (name.len(), rank) > (len, r)) {
                    best = Some((name.len(), rank, row.offset));
                }
            }
        }
        match best {
            Some((len, _, offset)) => {
                self.pos += len;
                Ok(i64::from(offset))
            }
            None => Err(self.fail("a time zone (`+0200`, `GMT+02:00` or a zone name)")),
        }
    }

    /// `GMT` followed by `±h`, `±hh`, `±h:mm` or `±hh:mm`.
    fn gmt_offset(&mut self) -> Result<i64, String> {
        let negative = self.rest().starts_with('-');
        self.pos += 1;
        let hours_len = self
            .rest()
            .bytes()
            .take(2)
            .take_while(u8::is_ascii_digit)
            .count();
        if hours_len == 0 {
            return Err(self.fail("hours after `GMT+`/`GMT-`"));
        }
        let hours = self.number(hours_len as u8, true, "zone hours", 0, 23)?;
        let minutes = if self.rest().starts_with(':') {
            self.pos += 1;
            self.number(2, true, "zone minutes", 0, 59)?
        } else {
            0
        };
        let seconds = hours * 3600 + minutes * 60;
        Ok(if negative { -seconds } else { seconds })
    }

    /// `X` (ISO 8601): `Z`, or `±hh`, `±hhmm`, `±hh:mm` for one, two, three letters.
    pub(super) fn iso_zone(&mut self, count: u8) -> Result<i64, String> {
        if matches!(self.rest().as_bytes().first(), Some(b'Z' | b'z')) {
            self.pos += 1;
            return Ok(0);
        }
        if !matches!(self.rest().as_bytes().first(), Some(b'+' | b'-')) {
            return Err(self.fail("`Z` or an offset such as `+02:00`"));
        }
        self.signed_offset(count.min(3), count == 3)
    }

    /// `±hh` (`parts` 1) or `±hh` then minutes (`parts` 2 or 3), with a colon when `colon`.
    fn signed_offset(&mut self, parts: u8, colon: bool) -> Result<i64, String> {
        let negative = self.rest().starts_with('-');
        self.pos += 1;
        let hours = self.number(2, true, "zone hours", 0, 23)?;
        let minutes = if parts == 1 {
            0
        } else {
            if colon {
                self.literal(":")?;
            }
            self.number(2, true, "zone minutes", 0, 59)?
        };
        let seconds = hours * 3600 + minutes * 60;
        Ok(if negative { -seconds } else { seconds })
    }
}
