//! Escapes: the `\d`-style sets, word boundaries and escapes that stand for one character.

use super::{error, PatternError, Translator, SPACE, WORD};
use std::fmt::Write as _;

impl Translator {
    /// An escape outside a class.
    pub(super) fn escape(&mut self) -> Result<(), PatternError> {
        let col = self.pos;
        let Some(e) = self.peek(1) else {
            return Err(error(col, "`\\` at the end of the pattern"));
        };
        match e {
            'b' | 'B' => {
                // ASCII word boundaries, as ECMAScript without the `u` flag.
                self.out
                    .push_str(if e == 'b' { r"(?-u:\b)" } else { r"(?-u:\B)" });
                self.repeatable = false;
                self.pos += 2;
            }
            'd' | 'D' | 'w' | 'W' | 's' | 'S' => {
                let (set, negated) = escape_set(e).unwrap_or(("", false));
                let class = format!("[{}{set}]", if negated { "^" } else { "" });
                // The sets are ASCII and closed under ASCII case mapping; keeping `i` off
                // stops Unicode folding from adding the Kelvin sign or the long s.
                if self.flags.ignore_case {
                    let _ = write!(self.out, "(?-i:{class})");
                } else {
                    self.out.push_str(&class);
                }
                self.repeatable = true;
                self.pos += 2;
            }
            _ => {
                let c = self.char_escape(false)?;
                self.literal(c);
            }
        }
        Ok(())
    }

    /// An escape that stands for one character (the `\` is at the current position); the
    /// whole escape is consumed. `in_class`: `\b` is a backspace there.
    pub(super) fn char_escape(&mut self, in_class: bool) -> Result<char, PatternError> {
        let col = self.pos;
        let Some(e) = self.peek(1) else {
            return Err(error(col, "`\\` at the end of the pattern"));
        };
        self.pos += 2;
        let c =
            match e {
                't' => '\t',
                'n' => '\n',
                'v' => '\u{0B}',
                'f' => '\u{0C}',
                'r' => '\r',
                'b' if in_class => '\u{08}',
                '0' if self.peek(0).is_some_and(|c| c.is_ascii_digit()) => {
                    return Err(error(col, "octal escapes are not supported"));
                }
                '0' => '\0',
                '1'..='9' => {
                    return Err(error(
                        col,
                        format!(
                        "backreference `\\{e}` is not supported (patterns must run in linear time)"
                    ),
                    ));
                }
                'k' => return Err(error(
                    col,
                    "backreference `\\k<name>` is not supported (patterns must run in linear time)",
                )),
                'p' | 'P' => {
                    return Err(error(
                        col,
                        format!("Unicode property escape `\\{e}{{…}}` is not supported"),
                    ))
                }
                'B' => return Err(error(col, "`\\B` is not allowed in a character class")),
                'c' => match self.peek(0) {
                    Some(l) if l.is_ascii_alphabetic() => {
                        self.pos += 1;
                        char::from(l as u8 % 32)
                    }
                    _ => return Err(error(col, "`\\c` must be followed by a letter")),
                },
                'x' => self.hex_char(col, 2)?,
                'u' => self.unicode_escape(col)?,
                // Identity escapes (`\.`, `\/`, `\-`, …) stand for the character itself.
                other => other,
            };
        Ok(c)
    }

    /// `n` hex digits at the current position as a code unit.
    fn hex_digits(&mut self, col: usize, n: usize) -> Result<u32, PatternError> {
        let mut value = 0;
        for i in 0..n {
            let digit = self.peek(i).and_then(|c| c.to_digit(16));
            let Some(digit) = digit else {
                return Err(error(
                    col,
                    format!("invalid escape: expected {n} hex digits"),
                ));
            };
            value = value * 16 + digit;
        }
        self.pos += n;
        Ok(value)
    }

    fn hex_char(&mut self, col: usize, n: usize) -> Result<char, PatternError> {
        let value = self.hex_digits(col, n)?;
        char::from_u32(value).ok_or_else(|| error(col, "invalid character escape"))
    }

    /// `\uXXXX`, a surrogate pair `\uD83D\uDE00` giving one character. A lone surrogate can
    /// never match a UTF-8 string, so it is rejected rather than silently dead.
    fn unicode_escape(&mut self, col: usize) -> Result<char, PatternError> {
        let high = self.hex_digits(col, 4)?;
        if !(0xD800..0xDC00).contains(&high) {
            return char::from_u32(high)
                .ok_or_else(|| error(col, "lone surrogate escapes are not supported"));
        }
        if !self.looking_at("\\u") {
            return Err(error(col, "lone surrogate escapes are not supported"));
        }
        self.pos += 2;
        let low = self.hex_digits(col, 4)?;
        if !(0xDC00..0xE000).contains(&low) {
            return Err(error(col, "lone surrogate escapes are not supported"));
        }
        let c = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
        char::from_u32(c).ok_or_else(|| error(col, "invalid character escape"))
    }
}

/// The set an escape letter names (`d`, `D`, `w`, `W`, `s`, `S`): members and negation.
pub(super) fn escape_set(e: char) -> Option<(&'static str, bool)> {
    match e {
        'd' => Some(("0-9", false)),
        'D' => Some(("0-9", true)),
        'w' => Some((WORD, false)),
        'W' => Some((WORD, true)),
        's' => Some((SPACE, false)),
        'S' => Some((SPACE, true)),
        _ => None,
    }
}
