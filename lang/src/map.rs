//! [`Map`], the JSON object: members in input order, found by key.
//!
//! Request bodies and what flows build are mostly small objects (two to eight members),
//! made once per request and dropped with it. An `IndexMap` allocated a hash table beside
//! its entries for each of them and made `Value` 64 bytes wide; here the members live in
//! one `Vec` searched in order, and a hash index is built only once a map grows past
//! [`SCAN_MEMBERS`] (issue 6: a third fewer instructions to read W2's body).

use crate::value::Value;
use foldhash::quality::RandomState;
use hashbrown::HashTable;
use std::hash::BuildHasher;

/// Objects up to this many members are searched in order rather than by hash: comparing a
/// few short keys is cheaper than hashing one.
const SCAN_MEMBERS: usize = 8;

/// A JSON object: keys keep their first position, a repeated key's last value wins
/// (§13 rule 4). Equality ignores order, as JSON's does.
#[derive(Clone, Default)]
pub struct Map {
    entries: Vec<(String, Value)>,
    /// Positions in `entries` by key hash, present once the map has more than
    /// [`SCAN_MEMBERS`] members.
    index: Option<Box<Index>>,
}

/// The hash index of a large map. Keys are hashed with foldhash's quality hasher, seeded
/// at random per map, so a caller cannot choose keys that collide.
#[derive(Clone)]
struct Index {
    table: HashTable<usize>,
    state: RandomState,
}

impl Index {
    fn hash(&self, key: &str) -> u64 {
        self.state.hash_one(key)
    }

    /// An index over `entries`, whose keys are distinct.
    fn build(entries: &[(String, Value)]) -> Index {
        let mut index = Index {
            table: HashTable::with_capacity(entries.len()),
            state: RandomState::default(),
        };
        for (i, (key, _)) in entries.iter().enumerate() {
            index.add(entries, key, i);
        }
        index
    }

    /// Records that `entries[i]` has `key`, a key the index does not hold yet.
    fn add(&mut self, entries: &[(String, Value)], key: &str, i: usize) {
        let state = &self.state;
        let hash = state.hash_one(key);
        self.table
            .insert_unique(hash, i, |&j| state.hash_one(entries[j].0.as_str()));
    }

    fn find(&self, entries: &[(String, Value)], key: &str) -> Option<usize> {
        self.table
            .find(self.hash(key), |&i| entries[i].0 == key)
            .copied()
    }
}

impl Map {
    /// An empty map.
    pub fn new() -> Map {
        Map::default()
    }

    /// An empty map with room for `capacity` members.
    pub fn with_capacity(capacity: usize) -> Map {
        Map {
            entries: Vec::with_capacity(capacity),
            index: None,
        }
    }

    /// The number of members.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the map has no members.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn position(&self, key: &str) -> Option<usize> {
        match &self.index {
            Some(index) => index.find(&self.entries, key),
            None => self.entries.iter().position(|(k, _)| k == key),
        }
    }

    /// The value of `key`. Every reference into a request body comes here, so the small
    /// case is a plain loop with no position to check afterwards.
    #[inline]
    pub fn get(&self, key: &str) -> Option<&Value> {
        match &self.index {
            Some(index) => index.find(&self.entries, key).map(|i| &self.entries[i].1),
            None => self
                .entries
                .iter()
                .find(|(k, _)| k.as_str() == key)
                .map(|(_, v)| v),
        }
    }

    /// A map of `members`, whose keys the caller knows to be distinct (an object written
    /// in a flow, its keys checked when the bundle was): no key is compared on the way in.
    pub fn from_distinct(members: Vec<(String, Value)>) -> Map {
        debug_assert!(
            members
                .iter()
                .enumerate()
                .all(|(i, (k, _))| members[..i].iter().all(|(j, _)| j != k)),
            "repeated keys"
        );
        let index = (members.len() > SCAN_MEMBERS).then(|| Box::new(Index::build(&members)));
        Map {
            entries: members,
            index,
        }
    }

    /// The value of `key`, to change.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.position(key).map(|i| &mut self.entries[i].1)
    }

    /// Whether the map has `key`.
    pub fn contains_key(&self, key: &str) -> bool {
        self.position(key).is_some()
    }

    /// Sets `key` to `value`: a new key goes last, a known one keeps its position and gets
    /// the new value. Returns the value it replaced.
    pub fn insert(&mut self, key: String, value: Value) -> Option<Value> {
        if let Some(i) = self.position(&key) {
            return Some(std::mem::replace(&mut self.entries[i].1, value));
        }
        let i = self.entries.len();
        self.entries.push((key, value));
        match &mut self.index {
            Some(index) => index.add(&self.entries, &self.entries[i].0, i),
            None if self.entries.len() > SCAN_MEMBERS => {
                self.index = Some(Box::new(Index::build(&self.entries)));
            }
            None => {}
        }
        None
    }

    /// The value of `key`, first set to `make()` if the map has no such key.
    pub fn get_or_insert_with(&mut self, key: String, make: impl FnOnce() -> Value) -> &mut Value {
        let i = match self.position(&key) {
            Some(i) => i,
            None => {
                self.insert(key, make());
                self.entries.len() - 1
            }
        };
        &mut self.entries[i].1
    }

    /// Removes `key`, keeping the order of the others. Returns its value.
    pub fn shift_remove(&mut self, key: &str) -> Option<Value> {
        let i = self.position(key)?;
        let (_, value) = self.entries.remove(i);
        // Positions after `i` moved: rebuilding is simplest, and removal is rare.
        self.index =
            (self.entries.len() > SCAN_MEMBERS).then(|| Box::new(Index::build(&self.entries)));
        Some(value)
    }

    /// The value of `key`, moved out of the map, which is dropped.
    pub fn into_value(mut self, key: &str) -> Option<Value> {
        let i = self.position(key)?;
        Some(self.entries.swap_remove(i).1)
    }

    /// The members in order.
    pub fn iter(&self) -> Iter<'_> {
        Iter(self.entries.iter())
    }

    /// The members in order, values changeable.
    pub fn iter_mut(&mut self) -> impl DoubleEndedIterator<Item = (&String, &mut Value)> {
        self.entries.iter_mut().map(|(k, v)| (&*k, v))
    }

    /// The keys in order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &String> + ExactSizeIterator {
        self.entries.iter().map(|(k, _)| k)
    }

    /// The values in order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &Value> + ExactSizeIterator {
        self.entries.iter().map(|(_, v)| v)
    }

    /// The values in order, changeable.
    pub fn values_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut Value> {
        self.entries.iter_mut().map(|(_, v)| v)
    }
}

/// The members of a [`Map`] in order.
#[derive(Clone)]
pub struct Iter<'a>(std::slice::Iter<'a, (String, Value)>);

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a String, &'a Value);

    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|(k, v)| (k, v))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl DoubleEndedIterator for Iter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0.next_back().map(|(k, v)| (k, v))
    }
}

impl ExactSizeIterator for Iter<'_> {}

impl<'a> IntoIterator for &'a Map {
    type Item = (&'a String, &'a Value);
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

impl IntoIterator for Map {
    type Item = (String, Value);
    type IntoIter = std::vec::IntoIter<(String, Value)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl Extend<(String, Value)> for Map {
    fn extend<I: IntoIterator<Item = (String, Value)>>(&mut self, members: I) {
        for (key, value) in members {
            self.insert(key, value);
        }
    }
}

impl FromIterator<(String, Value)> for Map {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(members: I) -> Map {
        let members = members.into_iter();
        let mut map = Map::with_capacity(members.size_hint().0);
        map.extend(members);
        map
    }
}

impl<const N: usize> From<[(String, Value); N]> for Map {
    fn from(members: [(String, Value); N]) -> Map {
        members.into_iter().collect()
    }
}

/// `map["key"]`: the value of a key the caller knows is there; panics otherwise.
impl std::ops::Index<&str> for Map {
    type Output = Value;

    fn index(&self, key: &str) -> &Value {
        match self.get(key) {
            Some(value) => value,
            None => panic!("no member {key:?} in the map"),
        }
    }
}

/// Equal when both have the same keys with equal values, in any order.
impl PartialEq for Map {
    fn eq(&self, other: &Map) -> bool {
        self.len() == other.len() && self.iter().all(|(k, v)| other.get(k) == Some(v))
    }
}

impl std::fmt::Debug for Map {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(n: i64) -> Value {
        Value::Number(crate::Number::from_i64(n))
    }

    fn key(i: usize) -> String {
        format!("k{i}")
    }

    /// Small and indexed maps alike: a repeated key keeps its first position and takes the
    /// last value; every key is found; order is input order.
    #[test]
    fn last_value_wins_in_first_position_at_every_size() {
        for size in [0, 1, SCAN_MEMBERS, SCAN_MEMBERS + 1, 40] {
            let mut map = Map::new();
            for i in 0..size {
                assert_eq!(map.insert(key(i), num(i as i64)), None);
            }
            assert_eq!(map.index.is_some(), size > SCAN_MEMBERS, "size {size}");
            for i in 0..size {
                assert_eq!(map.insert(key(i), num(-(i as i64))), Some(num(i as i64)));
            }
            assert_eq!(map.len(), size);
            let keys: Vec<String> = map.keys().cloned().collect();
            assert_eq!(keys, (0..size).map(key).collect::<Vec<_>>());
            for i in 0..size {
                assert_eq!(map.get(&key(i)), Some(&num(-(i as i64))), "size {size}");
            }
            assert_eq!(map.get("missing"), None);
        }
    }

    /// Removing a member keeps the others' order and lookups right on both sides of the
    /// index threshold.
    #[test]
    fn removal_keeps_order_and_lookups() {
        let mut map: Map = (0..SCAN_MEMBERS + 2)
            .map(|i| (key(i), num(i as i64)))
            .collect();
        assert_eq!(map.shift_remove(&key(0)), Some(num(0)));
        assert_eq!(map.shift_remove("missing"), None);
        assert!(map.index.is_some());
        assert_eq!(map.shift_remove(&key(5)), Some(num(5)));
        assert!(map.index.is_none());
        let keys: Vec<&String> = map.keys().collect();
        assert_eq!(keys.first().map(|k| k.as_str()), Some("k1"));
        for i in (1..SCAN_MEMBERS + 2).filter(|i| *i != 5) {
            assert_eq!(map.get(&key(i)), Some(&num(i as i64)));
        }
        assert!(!map.contains_key(&key(5)));
    }

    /// JSON objects are equal whatever their members' order, and only with the same keys.
    #[test]
    fn equality_ignores_order() {
        let ab: Map = [("a".into(), num(1)), ("b".into(), num(2))].into();
        let ba: Map = [("b".into(), num(2)), ("a".into(), num(1))].into();
        let ac: Map = [("a".into(), num(1)), ("c".into(), num(2))].into();
        assert_eq!(ab, ba);
        assert_ne!(ab, ac);
        assert_ne!(ab, Map::new());
    }

    /// A map made from distinct keys reads like one built by inserting them.
    #[test]
    fn from_distinct_matches_inserting() {
        for size in [0, 3, SCAN_MEMBERS + 3] {
            let members: Vec<(String, Value)> =
                (0..size).map(|i| (key(i), num(i as i64))).collect();
            let made = Map::from_distinct(members.clone());
            let inserted: Map = members.into_iter().collect();
            assert_eq!(made, inserted);
            assert_eq!(made.index.is_some(), inserted.index.is_some());
            assert_eq!(
                made.get(&key(size.saturating_sub(1))),
                inserted.get(&key(size.saturating_sub(1)))
            );
        }
    }

    /// The first value of a key stays; `make` runs only for a new key.
    #[test]
    fn get_or_insert_with_keeps_the_first_value() {
        let mut map = Map::new();
        *map.get_or_insert_with("a".into(), || num(1)) = num(2);
        let again = map.get_or_insert_with("a".into(), || unreachable!("a is known"));
        assert_eq!(again, &num(2));
        assert_eq!(map.len(), 1);
    }

    /// A value is four words: the map's width no longer sets it.
    #[test]
    fn a_value_is_four_words() {
        assert_eq!(std::mem::size_of::<Value>(), 32);
    }
}
