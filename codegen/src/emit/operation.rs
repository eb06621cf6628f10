//! One module per operation: its input, output and their builders.

use proc_macro2::TokenStream;
use quote::quote;

use super::structure::{self, Role};
use super::{EmitError, Files, docs};
use crate::ir::{Operation, Service};

pub(crate) fn emit_all(service: &Service, out: &mut Files<'_>) -> Result<(), EmitError> {
    for op in &service.operations {
        let tokens = module(service, op);
        out.rust(
            &format!(
                "src/operation/{}.rs",
                crate::ir::names::bare(&op.snake_name)
            ),
            tokens,
        )?;
    }
    Ok(())
}

fn module(service: &Service, op: &Operation) -> TokenStream {
    let summary = format!("The `{}` operation.", op.name);
    let module_docs = match &op.docs {
        Some(text) => docs::inner(&format!("{summary}\n\n{text}")),
        None => docs::inner(&summary),
    };
    let input = structure::definition(service, &op.input, Role::Input);
    let output = structure::definition(service, &op.output, Role::Output);
    quote! {
        #module_docs
        #input
        #output
    }
}
