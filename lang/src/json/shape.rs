//! What of a JSON document its readers can reach: a request body is read only through the
//! paths a bundle's flows name (`[[request:body.customer.id]]`), so the parts no path
//! reaches need no tree ([`super::parse_shaped`]).

use crate::path::{Path, Seg};

/// The parts of a document some path can reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shape {
    /// All of it: a path ends here, and reading a value can copy, render or test it whole.
    Whole,
    /// Only some members of an object or elements of an array.
    Parts {
        /// Members by key, and elements by the key's 1-based index (a key of digits); each
        /// shape already includes `any`'s.
        keys: Vec<Keyed>,
        /// Every member and element (a `#` read any position), for the keys not listed.
        any: Option<Box<Shape>>,
    },
}

/// A key some path names, with what it reaches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keyed {
    /// The key, as the path writes it.
    pub key: String,
    /// The key as an array index, when it is all digits ([`Seg::Key`]'s).
    pub index: Option<usize>,
    /// What the path reaches below it.
    pub shape: Shape,
}

impl Shape {
    /// Nothing: no path reads the document.
    pub const NOTHING: Shape = Shape::Parts {
        keys: Vec::new(),
        any: None,
    };

    /// What `paths` reach together.
    pub fn of_paths<'p>(paths: impl IntoIterator<Item = &'p Path>) -> Shape {
        let mut shape = Shape::NOTHING;
        for path in paths {
            shape.add(&path.segs);
        }
        shape.normalise();
        shape
    }

    /// The shape of an object's member `key`, if any path reaches it.
    pub fn member(&self, key: &str) -> Option<&Shape> {
        self.find(|k| k.key == key)
    }

    /// The shape of an array's element at 1-based `index`, if any path reaches it.
    pub fn element(&self, index: usize) -> Option<&Shape> {
        self.find(|k| k.index == Some(index))
    }

    fn find(&self, named: impl Fn(&Keyed) -> bool) -> Option<&Shape> {
        match self {
            Shape::Whole => Some(self),
            Shape::Parts { keys, any } => keys
                .iter()
                .find(|k| named(k))
                .map(|k| &k.shape)
                .or(any.as_deref()),
        }
    }

    /// Marks what `segs` reach, from here.
    fn add(&mut self, segs: &[Seg]) {
        let Shape::Parts { keys, any } = self else {
            return;
        };
        let Some((first, rest)) = segs.split_first() else {
            *self = Shape::Whole;
            return;
        };
        let child = match first {
            Seg::Hash => any.get_or_insert_with(|| Box::new(Shape::NOTHING)),
            Seg::Key { key, index } => match keys.iter().position(|k| k.key == *key) {
                Some(i) => &mut keys[i].shape,
                None => {
                    keys.push(Keyed {
                        key: key.clone(),
                        index: *index,
                        shape: Shape::NOTHING,
                    });
                    &mut keys.last_mut().expect("just pushed").shape
                }
            },
        };
        child.add(rest);
    }

    /// Makes every listed key's shape all that reaches its member or element, here and
    /// below: keys naming one array element (`1` and `01`) share what each reaches, and
    /// `any` is merged into every key (a key is read both by its name and as a position).
    /// Only then does the first key [`Shape::element`] finds say all about its element.
    fn normalise(&mut self) {
        let Shape::Parts { keys, any } = self else {
            return;
        };
        for i in 0..keys.len() {
            for j in 0..keys.len() {
                if i != j && keys[i].index.is_some() && keys[i].index == keys[j].index {
                    let other = keys[j].shape.clone();
                    keys[i].shape.merge(&other);
                }
            }
        }
        for keyed in keys.iter_mut() {
            if let Some(any) = any.as_deref() {
                keyed.shape.merge(any);
            }
            keyed.shape.normalise();
        }
        if let Some(any) = any.as_deref_mut() {
            any.normalise();
        }
    }

    /// Adds what `other` reaches.
    fn merge(&mut self, other: &Shape) {
        match (&mut *self, other) {
            (Shape::Whole, _) => {}
            (_, Shape::Whole) => *self = Shape::Whole,
            (
                Shape::Parts { keys, any },
                Shape::Parts {
                    keys: other_keys,
                    any: other_any,
                },
            ) => {
                for theirs in other_keys {
                    match keys.iter_mut().find(|k| k.key == theirs.key) {
                        Some(mine) => mine.shape.merge(&theirs.shape),
                        None => keys.push(theirs.clone()),
                    }
                }
                match (any, other_any) {
                    (Some(mine), Some(theirs)) => mine.merge(theirs),
                    (mine @ None, Some(theirs)) => *mine = Some(theirs.clone()),
                    (_, None) => {}
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
