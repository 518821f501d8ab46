//! Reading text with a compiled pattern into date fields (§13 rule 21): the whole input
//! must be consumed, numbers are ASCII digits, names match case-insensitively.

use super::names::{AM_PM, DAYS, DAYS_SHORT, MONTHS, MONTHS_SHORT};
use super::pattern::Item;

mod zone;

/// The most digits a number field reads when nothing bounds it; more is an error rather
/// than an overflow.
const MAX_DIGITS: usize = 9;

/// The fields a pattern read; what the pattern lacks stays `None`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Fields {
    /// `y`, as written (two-digit years not yet placed in a century).
    pub year: Option<i64>,
    /// `y` read as exactly two digits by `y`/`yy`: it goes into Java's century window.
    pub year_short: bool,
    /// `Y`, as written.
    pub week_year: Option<i64>,
    /// `Y` read as exactly two digits by `Y`/`YY`.
    pub week_year_short: bool,
    /// 1–12.
    pub month: Option<i64>,
    /// `w`.
    pub week_of_year: Option<i64>,
    /// `W`.
    pub week_of_month: Option<i64>,
    /// `D`.
    pub day_of_year: Option<i64>,
    /// `d`.
    pub day: Option<i64>,
    /// `F`.
    pub day_of_week_in_month: Option<i64>,
    /// `E` or `u`, Sunday = 0 … Saturday = 6.
    pub weekday: Option<i64>,
    /// `a`: true for PM.
    pub pm: Option<bool>,
    /// `H` or `k`, 0–23.
    pub hour: Option<i64>,
    /// `K` or `h`, 0–11.
    pub hour12: Option<i64>,
    /// `m`.
    pub minute: Option<i64>,
    /// `s`.
    pub second: Option<i64>,
    /// `S`.
    pub milli: Option<i64>,
    /// `z`, `Z` or `X`: seconds east of UTC.
    pub offset: Option<i64>,
}

/// Reads `text` with `items`. `iana` is the node's zone, preferred when a zone name is
/// ambiguous (`IST`).
pub(super) fn parse_fields(
    items: &[Item],
    text: &str,
    iana: Option<&str>,
) -> Result<Fields, String> {
    let mut p = Parser {
        text,
        pos: 0,
        fields: Fields::default(),
        iana,
    };
    for (i, item) in items.iter().enumerate() {
        // A number directly followed by another number cannot know where it ends but by
        // its count (`yyyyMMdd`).
        let bounded = item.is_numeric() && items.get(i + 1).is_some_and(Item::is_numeric);
        p.item(item, bounded)?;
    }
    if p.pos < text.len() {
        return Err(p.fail("the end of the input"));
    }
    Ok(p.fields)
}

/// The reading state.
struct Parser<'a> {
    text: &'a str,
    /// Byte position; always on a character boundary.
    pos: usize,
    fields: Fields,
    iana: Option<&'a str>,
}

impl Parser<'_> {
    /// Reads one item.
    fn item(&mut self, item: &Item, bounded: bool) -> Result<(), String> {
        match item {
            Item::Literal(lit) => self.literal(lit),
            Item::Year(n) => {
                let (v, short) = self.year(*n, bounded, "year")?;
                self.fields.year_short = short;
                set(&mut self.fields.year, v, "year")
            }
            Item::WeekYear(n) => {
                let (v, short) = self.year(*n, bounded, "week year")?;
                self.fields.week_year_short = short;
                set(&mut self.fields.week_year, v, "week year")
            }
            Item::Month(n) | Item::StandaloneMonth(n) if *n < 3 => {
                let v = self.number(*n, bounded, "month", 1, 12)?;
                set(&mut self.fields.month, v, "month")
            }
            Item::Month(_) | Item::StandaloneMonth(_) => {
                let v = self.name(&[&MONTHS, &MONTHS_SHORT], "a month name")?;
                set(&mut self.fields.month, v + 1, "month")
            }
            Item::WeekInYear(n) => {
                self.field(*n, bounded, "week in year", 1, 53, |f| &mut f.week_of_year)
            }
            Item::WeekInMonth(n) => {
                self.field(*n, bounded, "week in month", 1, 6, |f| &mut f.week_of_month)
            }
            Item::DayInYear(n) => {
                self.field(*n, bounded, "day in year", 1, 366, |f| &mut f.day_of_year)
            }
            Item::DayInMonth(n) => self.field(*n, bounded, "day", 1, 31, |f| &mut f.day),
            Item::DayOfWeekInMonth(n) => {
                self.field(*n, bounded, "day of week in month", 1, 5, |f| {
                    &mut f.day_of_week_in_month
                })
            }
            Item::DayName(_) => {
                let v = self.name(&[&DAYS, &DAYS_SHORT], "a day name")?;
                set(&mut self.fields.weekday, v, "day of week")
            }
            Item::DayNumber(n) => {
                let v = self.number(*n, bounded, "day number", 1, 7)?;
                set(&mut self.fields.weekday, v % 7, "day of week")
            }
            Item::AmPm(_) => {
                let v = self.name(&[&AM_PM], "AM or PM")?;
                set_flag(&mut self.fields.pm, v == 1)
            }
            Item::Hour0To23(n) => self.field(*n, bounded, "hour (0-23)", 0, 23, |f| &mut f.hour),
            Item::Hour1To24(n) => {
                let v = self.number(*n, bounded, "hour (1-24)", 1, 24)?;
                set(&mut self.fields.hour, v % 24, "hour")
            }
            Item::Hour0To11(n) => self.field(*n, bounded, "hour (0-11)", 0, 11, |f| &mut f.hour12),
            Item::Hour1To12(n) => {
                let v = self.number(*n, bounded, "hour (1-12)", 1, 12)?;
                set(&mut self.fields.hour12, v % 12, "hour")
            }
            Item::Minute(n) => self.field(*n, bounded, "minute", 0, 59, |f| &mut f.minute),
            Item::Second(n) => self.field(*n, bounded, "second", 0, 59, |f| &mut f.second),
            Item::Millisecond(n) => {
                self.field(*n, bounded, "millisecond", 0, 999, |f| &mut f.milli)
            }
            Item::ZoneName(_) | Item::ZoneRfc822(_) => {
                let v = self.general_zone()?;
                set(&mut self.fields.offset, v, "time zone")
            }
            Item::ZoneIso8601(n) => {
                let v = self.iso_zone(*n)?;
                set(&mut self.fields.offset, v, "time zone")
            }
        }
    }

    /// A number field stored in the slot `slot` picks.
    fn field(
        &mut self,
        count: u8,
        bounded: bool,
        what: &str,
        min: i64,
        max: i64,
        slot: fn(&mut Fields) -> &mut Option<i64>,
    ) -> Result<(), String> {
        let v = self.number(count, bounded, what, min, max)?;
        set(slot(&mut self.fields), v, what)
    }

    /// Exact literal text.
    fn literal(&mut self, lit: &str) -> Result<(), String> {
        if self.rest().starts_with(lit) {
            self.pos += lit.len();
            Ok(())
        } else {
            Err(self.fail(&format!("`{lit}`")))
        }
    }

    /// `y`/`Y`: digits; exactly two of them under `y` or `yy` are a short year (Java places
    /// only those in the century window; any other length is the year as written).
    fn year(&mut self, count: u8, bounded: bool, what: &str) -> Result<(i64, bool), String> {
        let start = self.pos;
        let v = self.number(count, bounded, what, 0, i64::MAX)?;
        Ok((v, count <= 2 && self.pos - start == 2))
    }

    /// A number field: exactly `count` digits when `bounded`, else 1 to [`MAX_DIGITS`];
    /// `min..=max` is the field's range.
    fn number(
        &mut self,
        count: u8,
        bounded: bool,
        what: &str,
        min: i64,
        max: i64,
    ) -> Result<i64, String> {
        let available = self.rest().bytes().take_while(u8::is_ascii_digit).count();
        let want = usize::from(count.max(1));
        let take = if bounded { want } else { available };
        if available == 0 || (bounded && available < want) {
            let expected = if bounded {
                format!("{want} digits for the {what}")
            } else {
                format!("digits for the {what}")
            };
            return Err(self.fail(&expected));
        }
        if take > MAX_DIGITS {
            return Err(self.fail(&format!("at most {MAX_DIGITS} digits for the {what}")));
        }
        let digits = &self.rest()[..take];
        let v = digits
            .bytes()
            .fold(0i64, |acc, b| acc * 10 + i64::from(b - b'0'));
        if v < min || v > max {
            return Err(format!(
                "{what} {digits} is out of range ({min}-{max}) in \"{}\"",
                self.text
            ));
        }
        self.pos += take;
        Ok(v)
    }

    /// The longest name, ignoring case, from any of `lists`; returns its index in its list.
    fn name(&mut self, lists: &[&[&str]], expected: &str) -> Result<i64, String> {
        let rest = self.rest().as_bytes();
        let best = lists
            .iter()
            .flat_map(|list| list.iter().enumerate())
            .filter(|(_, name)| starts_with_ignore_case(rest, name))
            .max_by_key(|(_, name)| name.len());
        match best {
            Some((index, name)) => {
                self.pos += name.len();
                Ok(index as i64)
            }
            None => Err(self.fail(expected)),
        }
    }

    /// The unread input.
    fn rest(&self) -> &str {
        &self.text[self.pos..]
    }

    /// An error saying what was expected where reading stopped.
    fn fail(&self, expected: &str) -> String {
        let column = self.text[..self.pos].chars().count();
        let found = match self.rest().chars().next() {
            Some(c) => format!("`{c}`"),
            None => "the end".to_owned(),
        };
        format!(
            "\"{}\" does not match the date pattern: expected {expected} at character {column}, found {found}",
            self.text
        )
    }
}

/// Whether `text` starts with the ASCII `name`, ignoring case.
fn starts_with_ignore_case(text: &[u8], name: &str) -> bool {
    text.len() >= name.len() && text[..name.len()].eq_ignore_ascii_case(name.as_bytes())
}

/// Stores a field; a pattern that reads one field twice must read the same value.
fn set(slot: &mut Option<i64>, value: i64, what: &str) -> Result<(), String> {
    match *slot {
        Some(old) if old != value => Err(format!("the {what} is given twice: {old} and {value}")),
        _ => {
            *slot = Some(value);
            Ok(())
        }
    }
}

/// Stores the AM/PM marker under the same rule.
fn set_flag(slot: &mut Option<bool>, value: bool) -> Result<(), String> {
    match *slot {
        Some(old) if old != value => Err("AM/PM is given twice with different values".to_owned()),
        _ => {
            *slot = Some(value);
            Ok(())
        }
    }
}
