//! The pattern language: Java `SimpleDateFormat` letters compiled once into [`Item`]s.

use std::fmt;

/// A compiled date pattern: the pattern text turned into items once, at build time, so
/// formatting and parsing never walk the text again.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DatePattern {
    /// The fields and literals, in pattern order; adjacent literals are merged.
    pub items: Vec<Item>,
}

/// One pattern letter with its repeat count, or literal text. The count chooses text or
/// number and the width, as in Java.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// `y`: year (`yy` two digits, otherwise the full year padded to the count).
    Year(u8),
    /// `Y`: week year (US rules), counts as for `y`.
    WeekYear(u8),
    /// `M`: month, a number below 3 letters, `MMM` short name, `MMMM` full name.
    Month(u8),
    /// `L`: stand-alone month; the same as `M` in English.
    StandaloneMonth(u8),
    /// `w`: week in year (US rules: weeks start on Sunday, the week of 1 January is 1).
    WeekInYear(u8),
    /// `W`: week in month (US rules).
    WeekInMonth(u8),
    /// `D`: day in year, from 1.
    DayInYear(u8),
    /// `d`: day in month.
    DayInMonth(u8),
    /// `F`: day of week in month (`2` for the second Tuesday).
    DayOfWeekInMonth(u8),
    /// `E`: day name, `EEEE` full, fewer letters short.
    DayName(u8),
    /// `u`: day number, Monday = 1 … Sunday = 7.
    DayNumber(u8),
    /// `a`: `AM` / `PM`.
    AmPm(u8),
    /// `H`: hour 0–23.
    Hour0To23(u8),
    /// `k`: hour 1–24 (24 at midnight).
    Hour1To24(u8),
    /// `K`: hour 0–11.
    Hour0To11(u8),
    /// `h`: hour 1–12.
    Hour1To12(u8),
    /// `m`: minute.
    Minute(u8),
    /// `s`: second.
    Second(u8),
    /// `S`: the millisecond number, padded to the count (`SSS` = `007`).
    Millisecond(u8),
    /// `z`: zone abbreviation, `zzzz` long name.
    ZoneName(u8),
    /// `Z`: RFC 822 offset, `+0200`.
    ZoneRfc822(u8),
    /// `X`: ISO 8601 offset: `X` `+02`, `XX` `+0200`, `XXX` `+02:00`; `Z` for UTC.
    ZoneIso8601(u8),
    /// Literal text (quotes already removed).
    Literal(String),
}

impl Item {
    /// Whether the field is written and read as digits: such a field directly followed by
    /// another one takes exactly its count of digits when parsed (§13 rule 21).
    pub fn is_numeric(&self) -> bool {
        match self {
            Item::Month(n) | Item::StandaloneMonth(n) => *n < 3,
            Item::Year(_)
            | Item::WeekYear(_)
            | Item::WeekInYear(_)
            | Item::WeekInMonth(_)
            | Item::DayInYear(_)
            | Item::DayInMonth(_)
            | Item::DayOfWeekInMonth(_)
            | Item::DayNumber(_)
            | Item::Hour0To23(_)
            | Item::Hour1To24(_)
            | Item::Hour0To11(_)
            | Item::Hour1To12(_)
            | Item::Minute(_)
            | Item::Second(_)
            | Item::Millisecond(_) => true,
            _ => false,
        }
    }
}

/// A pattern that does not compile, with the 0-based character column of the problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatePatternError {
    /// 0-based character column in the pattern.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for DatePatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (column {})", self.message, self.column)
    }
}

impl std::error::Error for DatePatternError {}

/// Compiles a `SimpleDateFormat` pattern: the letters `y Y M L w W D d F E u a H k K h m s
/// S z Z X`, text in `'…'`, `''` for one quote. Any other ASCII letter, an unterminated
/// quote and `X` repeated more than three times (Java rejects `XXXX` too) are errors.
pub fn compile(pattern: &str) -> Result<DatePattern, DatePatternError> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut items = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' {
            let (text, next) = quoted(&chars, i)?;
            push_literal(&mut items, &text);
            i = next;
        } else if c.is_ascii_alphabetic() {
            let run = chars[i..].iter().take_while(|&&x| x == c).count();
            items.push(field(c, run, i)?);
            i += run;
        } else {
            push_literal(&mut items, c.encode_utf8(&mut [0; 4]));
            i += 1;
        }
    }
    Ok(DatePattern { items })
}

/// Reads a quote starting at `start`: `''` is one quote, `'…'` is text in which `''` is one
/// quote. Returns the text and the index after the closing quote.
fn quoted(chars: &[char], start: usize) -> Result<(String, usize), DatePatternError> {
    if chars.get(start + 1) == Some(&'\'') {
        return Ok(("'".to_owned(), start + 2));
    }
    let mut text = String::new();
    let mut i = start + 1;
    loop {
        match chars.get(i) {
            None => {
                return Err(DatePatternError {
                    column: start,
                    message: "unterminated quote: text started with `'` needs a closing `'`"
                        .to_owned(),
                })
            }
            Some('\'') if chars.get(i + 1) == Some(&'\'') => {
                text.push('\'');
                i += 2;
            }
            Some('\'') => return Ok((text, i + 1)),
            Some(&c) => {
                text.push(c);
                i += 1;
            }
        }
    }
}

/// Appends literal text, merging it into a literal just before.
fn push_literal(items: &mut Vec<Item>, text: &str) {
    if let Some(Item::Literal(last)) = items.last_mut() {
        last.push_str(text);
    } else {
        items.push(Item::Literal(text.to_owned()));
    }
}

/// The item for `count` repetitions of `letter` at `column`.
fn field(letter: char, count: usize, column: usize) -> Result<Item, DatePatternError> {
    let error = |message: String| DatePatternError { column, message };
    let n = u8::try_from(count).map_err(|_| {
        error(format!(
            "pattern letter `{letter}` repeated more than 255 times"
        ))
    })?;
    Ok(match letter {
        'y' => Item::Year(n),
        'Y' => Item::WeekYear(n),
        'M' => Item::Month(n),
        'L' => Item::StandaloneMonth(n),
        'w' => Item::WeekInYear(n),
        'W' => Item::WeekInMonth(n),
        'D' => Item::DayInYear(n),
        'd' => Item::DayInMonth(n),
        'F' => Item::DayOfWeekInMonth(n),
        'E' => Item::DayName(n),
        'u' => Item::DayNumber(n),
        'a' => Item::AmPm(n),
        'H' => Item::Hour0To23(n),
        'k' => Item::Hour1To24(n),
        'K' => Item::Hour0To11(n),
        'h' => Item::Hour1To12(n),
        'm' => Item::Minute(n),
        's' => Item::Second(n),
        'S' => Item::Millisecond(n),
        'z' => Item::ZoneName(n),
        'Z' => Item::ZoneRfc822(n),
        'X' if n <= 3 => Item::ZoneIso8601(n),
        'X' => return Err(error("`X` takes 1 to 3 letters (`X`, `XX`, `XXX`)".to_owned())),
        other => {
            return Err(error(format!(
                "unknown pattern letter `{other}` (letters are `y Y M L w W D d F E u a H k K h m s S z Z X`; quote text with '…')"
            )))
        }
    })
}
