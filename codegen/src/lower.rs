//! Lowering a validated model into the [`crate::ir`].
use crate::diag::Diagnostics;
use crate::ir;
use crate::model::Bundle;

/// Lowers a bundle that validation found no error in.
pub fn lower(bundle: &Bundle, diags: &mut Diagnostics) -> ir::Bundle {
    let _ = (bundle, diags);
    todo!()
}
