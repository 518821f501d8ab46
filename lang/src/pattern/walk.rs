//! A walk over the text for the shape most flow patterns have: a sequence of character
//! sets each taken a bounded or unbounded number of times, capture groups around runs of
//! them, a start anchor or none, and at most an end anchor — `^U([0-9]{5})$`,
//! `^\+?([0-9 ]{7,20})$`, `^[a-z0-9._%+-]+@([a-z0-9.-]+\.[a-z]{2,})$`, `([0-9]{4})-`.
//!
//! Most anchored patterns of this shape are **one-pass**: for every run that may take more or fewer
//! characters, its set shares no character with any set that could come right after it
//! (the following runs up to the first one that must take a character). Then taking, at
//! each run, as many characters as it may is the only choice that can lead to a match, or,
//! where several can (only optional runs follow and there is no end anchor), the one the
//! `regex` crate's leftmost-first semantics prefers; one loop over the text finds it.
//!
//! The others (an e-mail address's domain run must give back the `.` before the top-level
//! domain), and every pattern without a start anchor (searched from each start in turn),
//! are walked by a **bounded backtracker**: the same greedy order, trying fewer
//! characters when more fail, with every (state, position) pair tried at most once, so the
//! work is linear in the text times the pattern's states — the same guarantee, and the same
//! method, as the `regex` crate's own bounded backtracker. Past [`VISITED_BITS`] pairs,
//! or past [`SEARCH_BYTES`] of text to search without a start anchor, the walk declines
//! ([`TooLong`]) and the `regex` crate runs instead ([`super::Matcher`]).
//!
//! Why: the `regex` crate's capture search costs about 1,100 instructions per call on the
//! one-pass patterns of the benchmark's W4 and 3,500 on its e-mail pattern (a cache from its
//! pool, an input configuration, a lazy DFA scan before the capture engine, the slots);
//! these walks cost a few instructions per character.

mod set;

use regex_syntax::hir::{Hir, HirKind, Look};
use set::Set;

/// The most capture groups, group 0 (the whole match) included, a [`Walk`] has.
pub const MAX_GROUPS: usize = 8;

/// The most (state, position) pairs the backtracker marks; a longer text declines.
pub const VISITED_BITS: usize = 1 << 15;

/// The longest text a pattern without a start anchor is searched in: trying every start
/// costs a few dozen instructions per start where no match begins, while the `regex`
/// crate skips such stretches with its DFA and prefilters once past its set-up (about a
/// thousand instructions), so longer texts decline ([`TooLong`]) and go to the crate.
pub const SEARCH_BYTES: usize = 128;

/// A pattern of the walk's shape, ready to match.
#[derive(Debug, Clone)]
pub struct Walk {
    items: Box<[Item]>,
    /// Capture groups, group 0 included.
    groups: usize,
    /// Whether no run ever has to give characters back (see the module's comment).
    one_pass: bool,
    /// Whether the pattern starts with `^`; otherwise the walk searches from every start.
    anchored: bool,
    /// What the backtracker needs of each item, by index.
    places: Box<[Place]>,
    /// The backtracker's states: an item with the count its run has taken so far.
    states: usize,
}

/// An item's place in the backtracker.
#[derive(Debug, Clone, Copy)]
struct Place {
    /// The item's first state: its states are `base ..= base + cap`.
    base: usize,
    /// The counts the backtracker tells apart at this item: a run's count up to its
    /// maximum, or, with no maximum, up to its minimum (every count past it behaves alike).
    cap: u32,
    /// Whether this run may have to give characters back; the others always take as many
    /// as they may, and leave no way back.
    gives_back: bool,
}

/// One element of the flattened pattern.
#[derive(Debug, Clone)]
enum Item {
    /// Between `min` and `max` characters of `set`, as many as there are.
    Run { set: Set, min: u32, max: u32 },
    /// Capture group `.0` starts here.
    Open(usize),
    /// Capture group `.0` ends here.
    Close(usize),
    /// The end of the text (`$` without the `m` flag).
    End,
}

/// The byte spans of every group of a match, group 0 first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spans {
    at: [(usize, usize); MAX_GROUPS],
    len: usize,
}

impl Spans {
    /// The number of groups, group 0 included.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are no groups (never: group 0 is always there).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The span of group `i`. Every group of a walked pattern takes part in its match.
    pub fn get(&self, i: usize) -> Option<(usize, usize)> {
        (i < self.len).then(|| self.at[i])
    }
}

/// The backtracker declined: the text times the pattern's states is over [`VISITED_BITS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooLong;

impl Walk {
    /// The pattern (in `regex` crate syntax) as a walk, or `None` when it has another shape.
    pub fn new(pattern: &str) -> Option<Walk> {
        let hir = regex_syntax::Parser::new().parse(pattern).ok()?;
        let mut flat = Flattener::default();
        flat.item(&hir)?;
        let groups = hir.properties().explicit_captures_len() + 1;
        let items = flat.items;
        if groups > MAX_GROUPS || !numbers_every_group(&items, groups) {
            return None;
        }
        let mut places = Vec::with_capacity(items.len());
        let mut states = 0usize;
        for (i, item) in items.iter().enumerate() {
            let place = Place::of(item, &items[i + 1..], states);
            states = states.checked_add(usize::try_from(place.cap).ok()? + 1)?;
            places.push(place);
        }
        Some(Walk {
            one_pass: places.iter().all(|p| !p.gives_back),
            anchored: flat.anchored,
            items: items.into_boxed_slice(),
            groups,
            places: places.into_boxed_slice(),
            states,
        })
    }

    /// The capture groups, group 0 included.
    pub fn group_count(&self) -> usize {
        self.groups
    }

    /// Whether one greedy loop from the start finds every match: the pattern is anchored
    /// and one-pass, and [`TooLong`] never comes back.
    pub fn is_one_pass(&self) -> bool {
        self.one_pass && self.anchored
    }

    /// The groups' spans of the leftmost-first match in `text`; [`TooLong`] when the
    /// pattern needs the backtracker and the text is too long for it.
    pub fn captures(&self, text: &str) -> Result<Option<Spans>, TooLong> {
        if self.is_one_pass() {
            return Ok(self.greedy(text));
        }
        let pairs = self.states.saturating_mul(text.len() + 1);
        if pairs > VISITED_BITS || !self.anchored && text.len() > SEARCH_BYTES {
            return Err(TooLong);
        }
        Ok(self.backtrack(text, pairs))
    }

    fn empty_spans(&self) -> Spans {
        Spans {
            at: [(0, 0); MAX_GROUPS],
            len: self.groups,
        }
    }

    /// The one-pass loop: every run takes as many characters as it may.
    fn greedy(&self, text: &str) -> Option<Spans> {
        let mut spans = self.empty_spans();
        let mut pos = 0;
        for item in self.items.iter() {
            match item {
                Item::Run { set, min, max } => pos = set.take(text, pos, *min, *max)?,
                Item::Open(g) => spans.at[*g].0 = pos,
                Item::Close(g) => spans.at[*g].1 = pos,
                Item::End => {
                    if pos != text.len() {
                        return None;
                    }
                }
            }
        }
        // Anchored at the start: group 0 is the text up to where the walk stopped.
        spans.at[0] = (0, pos);
        Some(spans)
    }

    /// The bounded backtracker: depth first in the greedy order (one more character
    /// before moving on), each (state, position) pair explored at most once — a pair seen
    /// before has already failed, since the first success ends the search. A failed branch
    /// needs no undoing of the groups it set: the pattern is one sequence, so the path that
    /// succeeds passes every group's start and end again after the branch point.
    ///
    /// Unanchored, it tries every start from the left (the leftmost match wins) and keeps
    /// the marks from one start to the next: whether a pair can reach the end does not
    /// depend on where the match started, so the whole search stays linear.
    fn backtrack(&self, text: &str, pairs: usize) -> Option<Spans> {
        // Marks for short texts on the stack: most walks need a few hundred.
        let mut small = [0u64; 16];
        let mut large = Vec::new();
        let marks: &mut [u64] = if pairs <= small.len() * 64 {
            &mut small
        } else {
            large.resize(pairs.div_ceil(64), 0);
            &mut large
        };
        let stride = text.len() + 1;
        let mut spans = self.empty_spans();
        // Where to go on from when the current branch fails.
        let mut resume: Vec<State> = Vec::new();
        let mut starts = text
            .char_indices()
            .map(|(at, _)| at)
            .chain([text.len()])
            .take(if self.anchored { 1 } else { usize::MAX });
        let mut start = 0;
        while let Some(mut state) = resume.pop().or_else(|| {
            start = starts.next()?;
            Some(State {
                item: 0,
                count: 0,
                pos: start,
            })
        }) {
            loop {
                let (Some(item), Some(place)) =
                    (self.items.get(state.item), self.places.get(state.item))
                else {
                    spans.at[0] = (start, state.pos);
                    return Some(spans);
                };
                if !first_visit(
                    marks,
                    (place.base + state.count as usize) * stride + state.pos,
                ) {
                    break;
                }
                match step(item, place, state, text, &mut spans, &mut resume) {
                    Some(next) => state = next,
                    None => break,
                }
            }
        }
        None
    }
}

/// One move of the backtracker from `s`, at `item` (whose place is `place`): the next
/// state, or `None` when the branch fails. A run that may give characters back leaves
/// the way on in `resume`, to be tried when taking one more fails.
#[inline]
fn step(
    item: &Item,
    place: &Place,
    s: State,
    text: &str,
    spans: &mut Spans,
    resume: &mut Vec<State>,
) -> Option<State> {
    let on = State {
        item: s.item + 1,
        count: 0,
        pos: s.pos,
    };
    match item {
        Item::Open(g) => {
            spans.at[*g].0 = s.pos;
            Some(on)
        }
        Item::Close(g) => {
            spans.at[*g].1 = s.pos;
            Some(on)
        }
        Item::End => (s.pos == text.len()).then_some(on),
        Item::Run { set, min, max } => {
            let taken = if s.count < *max {
                set.step(text, s.pos)
            } else {
                None
            };
            let Some(after) = taken else {
                return (s.count >= *min).then_some(on);
            };
            if place.gives_back && s.count >= *min {
                if resume.capacity() == 0 {
                    resume.reserve(text.len() + 1);
                }
                resume.push(on);
            }
            Some(State {
                item: s.item,
                count: (s.count + 1).min(place.cap),
                pos: after,
            })
        }
    }
}

/// Where the backtracker is: an item, what its run has taken so far (up to the item's
/// `cap`), and a position in the text.
#[derive(Debug, Clone, Copy)]
struct State {
    item: usize,
    count: u32,
    pos: usize,
}

/// Marks `pair` in the backtracker's bits (one per (state, position) pair); whether it
/// was not marked before.
#[inline]
fn first_visit(marks: &mut [u64], pair: usize) -> bool {
    let (word, bit) = (pair / 64, 1u64 << (pair % 64));
    let fresh = marks[word] & bit == 0;
    marks[word] |= bit;
    fresh
}

impl Place {
    /// The place of `item`, followed by `rest`, its states starting at `base`.
    fn of(item: &Item, rest: &[Item], base: usize) -> Place {
        match item {
            Item::Run { set, min, max } => Place {
                base,
                cap: if *max == u32::MAX { *min } else { *max },
                gives_back: min != max && !first_required_disjoint(set, rest),
            },
            _ => Place {
                base,
                cap: 0,
                gives_back: false,
            },
        }
    }
}

/// Flattens the pattern's syntax tree into [`Item`]s; `None` for anything outside the
/// walk's shape.
#[derive(Default)]
struct Flattener {
    items: Vec<Item>,
    /// Whether the pattern starts with `^` (before any character is taken).
    anchored: bool,
    /// Whether `$` was seen: nothing may take a character after it.
    ended: bool,
}

impl Flattener {
    fn item(&mut self, hir: &Hir) -> Option<()> {
        match hir.kind() {
            HirKind::Empty => {}
            HirKind::Literal(literal) => {
                for c in std::str::from_utf8(&literal.0).ok()?.chars() {
                    self.run(Set::one(c), 1, 1)?;
                }
            }
            HirKind::Class(class) => self.run(Set::of(class)?, 1, 1)?,
            HirKind::Look(Look::Start) if !self.takes_any() => self.anchored = true,
            HirKind::Look(Look::End) => {
                self.ended = true;
                self.items.push(Item::End);
            }
            HirKind::Repetition(rep) => {
                let max = rep.max.unwrap_or(u32::MAX);
                // A lazy run prefers fewer characters; only a fixed count is the same.
                if !rep.greedy && rep.min != max {
                    return None;
                }
                self.run(Set::single(&rep.sub)?, rep.min, max)?;
            }
            HirKind::Capture(cap) => {
                let group = usize::try_from(cap.index).ok()?;
                self.items.push(Item::Open(group));
                self.item(&cap.sub)?;
                self.items.push(Item::Close(group));
            }
            HirKind::Concat(subs) => subs.iter().try_for_each(|sub| self.item(sub))?,
            HirKind::Look(_) | HirKind::Alternation(_) => return None,
        }
        Some(())
    }

    fn run(&mut self, set: Set, min: u32, max: u32) -> Option<()> {
        if self.ended {
            return None;
        }
        self.items.push(Item::Run { set, min, max });
        Some(())
    }

    fn takes_any(&self) -> bool {
        self.items.iter().any(|i| matches!(i, Item::Run { .. }))
    }
}

/// Whether the groups the items open are exactly 1 to `groups - 1`. A group under `{0}`
/// leaves the syntax tree but keeps its number (the `regex` crate reports it as absent),
/// which the walk, whose groups all take part, cannot say.
fn numbers_every_group(items: &[Item], groups: usize) -> bool {
    let mut opened: Vec<usize> = items
        .iter()
        .filter_map(|item| match item {
            Item::Open(g) => Some(*g),
            _ => None,
        })
        .collect();
    opened.sort_unstable();
    opened.iter().copied().eq(1..groups)
}

/// Whether `set` shares nothing with the runs after it up to and including the first one
/// that must take a character (and nothing further can follow an end anchor).
fn first_required_disjoint(set: &Set, rest: &[Item]) -> bool {
    for next in rest {
        match next {
            Item::Run {
                set: other, min, ..
            } => {
                if !set.disjoint(other) {
                    return false;
                }
                if *min > 0 {
                    return true;
                }
            }
            Item::End => return true,
            Item::Open(_) | Item::Close(_) => {}
        }
    }
    true
}

#[cfg(test)]
mod tests;
