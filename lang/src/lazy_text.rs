//! Text made from a value the first time something reads it, or kept as it was given.
//!
//! Every request starts a session with a start time and a caller address; most flows read
//! neither, and writing either out costs more than a small session's own steps.

use std::sync::OnceLock;

/// A value that can be written out as text.
pub trait Written {
    /// The text of a [`LazyText`] with neither a value nor text (its `Default`).
    const UNSET: &'static str;
    /// The value as text.
    fn written(&self) -> String;
}

/// A value's text, written on first read; or text given as is (a stored session's),
/// kept exactly.
#[derive(Debug, Clone)]
pub struct LazyText<T> {
    value: Option<T>,
    text: OnceLock<String>,
}

impl<T: Written> LazyText<T> {
    /// The text of `value`, written when first read.
    pub fn new(value: T) -> LazyText<T> {
        LazyText {
            value: Some(value),
            text: OnceLock::new(),
        }
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        self.text.get_or_init(|| {
            self.value
                .as_ref()
                .map_or_else(|| T::UNSET.to_owned(), Written::written)
        })
    }
}

impl<T> Default for LazyText<T> {
    fn default() -> LazyText<T> {
        LazyText {
            value: None,
            text: OnceLock::new(),
        }
    }
}

impl<T: Written> From<T> for LazyText<T> {
    fn from(value: T) -> LazyText<T> {
        LazyText::new(value)
    }
}

impl<T> From<String> for LazyText<T> {
    fn from(text: String) -> LazyText<T> {
        LazyText {
            value: None,
            text: OnceLock::from(text),
        }
    }
}

impl<T> From<&str> for LazyText<T> {
    fn from(text: &str) -> LazyText<T> {
        LazyText::from(text.to_owned())
    }
}
