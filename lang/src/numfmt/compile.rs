//! The pattern reader: Java's `DecimalFormat.applyPattern`, with the features we do not
//! support (`‰`, `E`, `¤`) and the inputs Java silently misreads turned into errors.
//!
//! A pattern is `prefix number suffix`, optionally followed by `;` and a negative
//! subpattern, whose number part is skipped (Java uses only its prefix and suffix).

use super::{NumberPattern, NumberPatternError};

/// Compiles a `DecimalFormat` pattern (§4.4, §13 rule 22); errors point at their column.
pub fn compile(pattern: &str) -> Result<NumberPattern, NumberPatternError> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut r = Reader { chars, pos: 0 };
    let positive = r.subpattern(Sign::Positive)?;
    let negative = if r.pos < r.chars.len() {
        Some(r.subpattern(Sign::Negative)?)
    } else {
        // `0.00;` has an empty negative subpattern: Java ignores it.
        None
    };
    Ok(build(positive, negative))
}

/// Which subpattern is being read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sign {
    Positive,
    Negative,
}

/// What ended an affix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stop {
    /// An unquoted `#`, `0`, `,` or `.` (only a prefix stops there).
    Number,
    /// An unquoted `;` (only the positive suffix stops there).
    Separator,
    /// The end of the pattern.
    End,
}

/// A prefix or suffix: its text, and Java's internal form of it (special characters
/// marked), which decides whether a negative subpattern differs from the positive one.
#[derive(Debug, Default)]
struct Affix {
    text: String,
    form: String,
}

/// The digit layout of a number part.
#[derive(Debug, Default)]
struct Digits {
    int_hash: usize,
    int_zero: usize,
    frac_zero: usize,
    frac_hash: usize,
    /// Column of the decimal point.
    point: Option<usize>,
    /// Digits since the last `,`, and that comma's column.
    group: Option<(usize, usize)>,
}

/// One subpattern.
struct Sub {
    prefix: Affix,
    digits: Digits,
    suffix: Affix,
    percent: bool,
}

struct Reader {
    chars: Vec<char>,
    pos: usize,
}

impl Reader {
    fn subpattern(&mut self, sign: Sign) -> Result<Sub, NumberPatternError> {
        let start = self.pos;
        let mut percent = None;
        let mut prefix = Affix::default();
        let stop = self.affix(sign, false, &mut prefix, &mut percent)?;
        let mut digits = Digits::default();
        let mut suffix = Affix::default();
        if stop == Stop::Number {
            digits = match sign {
                Sign::Positive => self.digits()?,
                Sign::Negative => self.skip_digits()?,
            };
            self.affix(sign, true, &mut suffix, &mut percent)?;
        }
        if sign == Sign::Positive && digits.total() == 0 {
            return Err(error(start, "the pattern has no digits: use `#` or `0`"));
        }
        Ok(Sub {
            prefix,
            digits,
            suffix,
            percent: percent.is_some(),
        })
    }

    /// Reads a prefix (`is_suffix` false) or a suffix into `out`.
    fn affix(
        &mut self,
        sign: Sign,
        is_suffix: bool,
        out: &mut Affix,
        percent: &mut Option<usize>,
    ) -> Result<Stop, NumberPatternError> {
        let mut quote_open: Option<usize> = None;
        while let Some(&c) = self.chars.get(self.pos) {
            let at = self.pos;
            self.pos += 1;
            if c == '\'' {
                // `''` is one quote, inside quotes or out; a lone quote opens or closes.
                if self.chars.get(self.pos) == Some(&'\'') {
                    self.pos += 1;
                    out.push('\'', "''");
                } else {
                    quote_open = if quote_open.is_some() { None } else { Some(at) };
                }
                continue;
            }
            if quote_open.is_some() {
                out.push(c, &c.to_string());
                continue;
            }
            match c {
                '#' | '0' | ',' | '.' if !is_suffix => {
                    self.pos = at;
                    return Ok(Stop::Number);
                }
                '#' | '0' | ',' | '.' => {
                    return Err(error(
                        at,
                        &format!("`{c}` after the digits must be quoted: '{c}'"),
                    ))
                }
                ';' if is_suffix && sign == Sign::Positive => return Ok(Stop::Separator),
                ';' if sign == Sign::Negative => {
                    return Err(error(at, "a second `;`: a pattern has at most two parts"))
                }
                ';' => return Err(error(at, "`;` before any digit: quote it (';')")),
                '%' => {
                    if percent.is_some() {
                        return Err(error(at, "more than one `%`"));
                    }
                    *percent = Some(at);
                    out.push('%', "'%");
                }
                '-' => out.push('-', "'-"),
                '\u{2030}' => return Err(error(at, "per mille (`‰`) is not supported")),
                '\u{a4}' => {
                    return Err(error(
                        at,
                        "the currency sign (`¤`) is not supported: write the symbol, such as `$`",
                    ))
                }
                _ => out.push(c, &c.to_string()),
            }
        }
        match quote_open {
            Some(at) => Err(error(
                at,
                "this quote is never closed (a literal quote is '')",
            )),
            None => Ok(Stop::End),
        }
    }

    /// Reads the positive number part, enforcing `#,##0.00##`'s order.
    fn digits(&mut self) -> Result<Digits, NumberPatternError> {
        let mut d = Digits::default();
        while let Some(&c) = self.chars.get(self.pos) {
            let at = self.pos;
            match (c, d.point) {
                ('#', None) if d.int_zero > 0 => {
                    return Err(error(
                        at,
                        "`#` after `0` in the integer part: write `#,##0`",
                    ))
                }
                ('#', None) => {
                    d.int_hash += 1;
                    d.count_group();
                }
                ('0', None) => {
                    d.int_zero += 1;
                    d.count_group();
                }
                ('#', Some(_)) => d.frac_hash += 1,
                ('0', Some(_)) if d.frac_hash > 0 => {
                    return Err(error(at, "`0` after `#` in the fraction: write `0.00##`"))
                }
                ('0', Some(_)) => d.frac_zero += 1,
                (',', None) => d.group = Some((0, at)),
                (',', Some(_)) => return Err(error(at, "a grouping `,` after the decimal point")),
                ('.', None) => d.point = Some(at),
                ('.', Some(_)) => return Err(error(at, "a second decimal point")),
                ('E', _) => return Err(scientific(at)),
                _ => break,
            }
            self.pos += 1;
        }
        if let Some((0, comma)) = d.group {
            return Err(error(
                comma,
                "a grouping `,` must be followed by integer digits",
            ));
        }
        Ok(d)
    }

    /// Skips the negative subpattern's number part: Java ignores it.
    fn skip_digits(&mut self) -> Result<Digits, NumberPatternError> {
        while let Some(&c) = self.chars.get(self.pos) {
            match c {
                '#' | '0' | ',' | '.' => self.pos += 1,
                'E' => return Err(scientific(self.pos)),
                _ => break,
            }
        }
        Ok(Digits::default())
    }
}

impl Affix {
    fn push(&mut self, c: char, form: &str) {
        self.text.push(c);
        self.form.push_str(form);
    }
}

impl Digits {
    fn total(&self) -> usize {
        self.int_hash + self.int_zero + self.frac_zero + self.frac_hash
    }

    fn count_group(&mut self) {
        if let Some((n, _)) = &mut self.group {
            *n += 1;
        }
    }
}

/// The compiled pattern. Without a negative subpattern, or with one whose affixes equal
/// the positive ones, negatives get `-` before the positive prefix (Java's rule).
fn build(positive: Sub, negative: Option<Sub>) -> NumberPattern {
    let d = &positive.digits;
    let int_digits = d.int_hash + d.int_zero;
    let frac_digits = d.frac_zero + d.frac_hash;
    // Java reads `.##` as `.0##`: a pattern with no `0` and nothing before the point needs
    // one fraction digit. (It also reads `#.##` as `0.##`; §13 rule 22 does not.)
    let only_hash_fraction = int_digits == 0 && d.frac_zero == 0 && d.frac_hash > 0;
    let (negative_prefix, negative_suffix) = match negative {
        Some(n)
            if n.prefix.form != positive.prefix.form || n.suffix.form != positive.suffix.form =>
        {
            (n.prefix.text, n.suffix.text)
        }
        _ => (
            format!("-{}", positive.prefix.text),
            positive.suffix.text.clone(),
        ),
    };
    NumberPattern {
        min_integer_digits: d.int_zero,
        max_integer_digits: usize::MAX,
        min_fraction_digits: d.frac_zero + usize::from(only_hash_fraction),
        max_fraction_digits: frac_digits,
        grouping_size: d.group.map_or(0, |(n, _)| n),
        percent: positive.percent,
        decimal_always_shown: d.point.is_some() && (int_digits == 0 || frac_digits == 0),
        negative_prefix,
        negative_suffix,
        positive_prefix: positive.prefix.text,
        positive_suffix: positive.suffix.text,
    }
}

fn scientific(at: usize) -> NumberPatternError {
    error(
        at,
        "scientific notation (`E`) is not supported; quote a literal E: 'E'",
    )
}

fn error(column: usize, message: &str) -> NumberPatternError {
    NumberPatternError {
        column,
        message: message.to_owned(),
    }
}
