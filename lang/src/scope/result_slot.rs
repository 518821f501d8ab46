//! A node output of which a compiled session reads only the result.

use super::NodeOutput;
use crate::value::Value;

/// What a node that makes a result or an error writes into: a whole [`NodeOutput`], or a
/// [`ResultSlot`] when no step reads the error.
pub trait ResultOrError {
    /// Replaces what the node left before with `result` and `error` (nothing else).
    fn store(&mut self, result: Option<Value>, error: Option<Value>);
}

impl ResultOrError for NodeOutput {
    #[inline]
    fn store(&mut self, result: Option<Value>, error: Option<Value>) {
        self.replace_with(result, error);
    }
}

/// A node output in a compiled session whose steps read only its `result` (a calculation,
/// a remap or a formatting node none reads the error of, in a group that never stores its
/// sessions): the result alone, so it is made, replaced and dropped as one optional value,
/// where a [`NodeOutput`]'s error, groups and rare parts cost a check each (issue 6: a W4
/// session dropped eighteen outputs at about 80 instructions each). It is read as an
/// output is, through `result`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResultSlot {
    /// `[[node:result]]`.
    pub result: Option<Value>,
}

impl ResultSlot {
    /// Replaces the output with `output`'s result.
    pub fn set(&mut self, output: NodeOutput) {
        self.result = output.result;
    }

    /// The output to write into: the slot itself.
    pub fn output_mut(&mut self) -> &mut ResultSlot {
        self
    }

    /// Moves `result` out, leaving it absent (the step read it for the last time).
    pub fn take_result(&mut self) -> Option<Value> {
        self.result.take()
    }
}

impl ResultOrError for ResultSlot {
    #[inline]
    fn store(&mut self, result: Option<Value>, _error: Option<Value>) {
        self.result = result;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nodes::{store_calc_bool, store_calc_number, store_result};
    use crate::Number;

    /// A slot stores, for every outcome, the result a whole output stores, and the same
    /// branch.
    #[test]
    fn a_slot_keeps_what_an_output_keeps_of_the_result() {
        let (mut output, mut slot) = (NodeOutput::default(), ResultSlot::default());
        let number = |n: i64| Ok(Number::from_i64(n));
        let failed = || Err::<Number, _>("no".to_owned());
        for (a, b) in [
            (
                store_calc_number(&mut output, number(3)),
                store_calc_number(&mut slot, number(3)),
            ),
            (
                store_calc_number(&mut output, failed()),
                store_calc_number(&mut slot, failed()),
            ),
            (
                store_calc_bool(&mut output, Ok(false)),
                store_calc_bool(&mut slot, Ok(false)),
            ),
            (
                store_calc_bool(&mut output, Ok(true)),
                store_calc_bool(&mut slot, Ok(true)),
            ),
            (
                store_result(&mut output, Err("e".into())),
                store_result(&mut slot, Err("e".into())),
            ),
            (
                store_result(&mut output, Ok(Value::str("x"))),
                store_result(&mut slot, Ok(Value::str("x"))),
            ),
        ] {
            assert_eq!(a, b);
            assert_eq!(output.result, slot.result);
        }
        assert_eq!(slot.take_result(), Some(Value::str("x")));
        slot.set(NodeOutput {
            result: Some(Value::Bool(true)),
            error: Some(Value::str("dropped")),
            ..NodeOutput::default()
        });
        assert_eq!(slot.output_mut().result, Some(Value::Bool(true)));
    }
}
