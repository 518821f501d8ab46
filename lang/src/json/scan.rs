//! Finding the bytes a JSON string cannot hold as they are — `"`, `\` and control
//! characters below 0x20 — eight bytes at a time. The reader stops at them and the writer
//! escapes them, so both skip plain text a word at a time instead of a byte at a time.

/// The length of the run of plain bytes at the start of `bytes`: the index of the first
/// quote, backslash or control character, or `bytes.len()`. Never cuts a character, since
/// every byte it stops at is ASCII.
pub(crate) fn plain_run(bytes: &[u8]) -> usize {
    let mut at = 0;
    while let Some(word) = bytes.get(at..at + 8) {
        let mut eight = [0; 8];
        eight.copy_from_slice(word);
        let mask = special_mask(u64::from_le_bytes(eight));
        if mask != 0 {
            return at + (mask.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    // The last few bytes one at a time: padding them into a word took a copy of a
    // variable length (a `memcpy` call), dearer than testing seven bytes.
    let tail = &bytes[at..];
    at + tail
        .iter()
        .position(|&b| is_special(b))
        .unwrap_or(tail.len())
}

/// Whether a JSON string cannot hold `b` as it is.
#[inline]
fn is_special(b: u8) -> bool {
    b == b'"' || b == b'\\' || b < 0x20
}

/// A mask with the high bit set in the lowest byte of `word` (little-endian order) that is
/// special, and possibly in higher ones; zero when none is. The classic tricks:
/// `x - 0x01…01 & !x & 0x80…80` flags the bytes of `x` that are zero, and with
/// `0x20…20` in place of `0x01…01` the bytes below 0x20. A borrow can wrongly flag a byte
/// only above a truly flagged one, so the lowest flag is always right.
fn special_mask(word: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let zero_byte = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS;
    let control = word.wrapping_sub(ONES * 0x20) & !word & HIGHS;
    let quote = zero_byte(word ^ (ONES * u64::from(b'"')));
    let backslash = zero_byte(word ^ (ONES * u64::from(b'\\')));
    control | quote | backslash
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The run ends exactly at the first special byte, wherever it falls and whatever
    /// follows it, and covers everything when there is none.
    #[test]
    fn runs_end_at_the_first_special_byte() {
        let specials = [b'"', b'\\', 0, 0x1f, b'\n'];
        let plain = [b'a', b' ', 0x7f, 0x80, 0xc3, 0xff, b'!', b'#'];
        for len in 0..20 {
            for at in 0..len {
                for &special in &specials {
                    for &after in specials.iter().chain(&plain) {
                        let mut bytes: Vec<u8> = (0..len).map(|i| plain[i % plain.len()]).collect();
                        bytes[at] = special;
                        if at + 1 < len {
                            bytes[at + 1] = after;
                        }
                        assert_eq!(plain_run(&bytes), at, "{bytes:?}");
                    }
                }
            }
            let bytes: Vec<u8> = (0..len).map(|i| plain[i % plain.len()]).collect();
            assert_eq!(plain_run(&bytes), len);
        }
    }

    /// Every byte value, in every position of a word, is judged as the byte test judges it.
    #[test]
    fn words_agree_with_the_byte_test() {
        for b in 0..=255u8 {
            for at in 0..8 {
                let mut word = *b"abcdefgh";
                word[at] = b;
                let found = special_mask(u64::from_le_bytes(word)) != 0;
                assert_eq!(found, is_special(b), "byte {b:#04x} at {at}");
            }
        }
    }
}
