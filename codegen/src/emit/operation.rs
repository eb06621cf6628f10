//! One module per operation, one file per concern: the input and output
//! types, the operation's error, the fluent builder, and the HTTP binding.

use proc_macro2::TokenStream;
use quote::quote;

use super::structure::{self, Role};
use super::{EmitError, Files, docs, fluent, http_binding, op_error};
use crate::ir::{Operation, Service, names};

pub(crate) fn emit_all(service: &Service, out: &mut Files<'_>) -> Result<(), EmitError> {
    for op in &service.operations {
        let dir = format!("src/operation/{}", names::bare(&op.snake_name));
        out.rust(&format!("{dir}.rs"), module(service, op))?;
        out.rust(
            &format!("{dir}/input.rs"),
            part_file(
                "The input of the operation and its builder.",
                structure::definition(service, &op.input, Role::Input),
            ),
        )?;
        out.rust(
            &format!("{dir}/output.rs"),
            part_file(
                "The output of the operation and its builder.",
                structure::definition(service, &op.output, Role::Output),
            ),
        )?;
        out.rust(
            &format!("{dir}/error.rs"),
            part_file("The operation's errors.", op_error::definition(service, op)),
        )?;
        out.rust(
            &format!("{dir}/fluent.rs"),
            part_file(
                "Building and sending a request.",
                fluent::definition(service, op),
            ),
        )?;
        out.rust(
            &format!("{dir}/http.rs"),
            part_file(
                "How the operation travels over HTTP.",
                http_binding::definition(service, op)?,
            ),
        )?;
    }
    Ok(())
}

fn part_file(doc: &str, body: TokenStream) -> TokenStream {
    let module_doc = docs::inner(doc);
    quote! {
        #module_doc
        #body
    }
}

fn module(service: &Service, op: &Operation) -> TokenStream {
    let summary = format!("The `{}` operation.", op.name);
    let module_docs = match &op.docs {
        Some(text) => docs::inner(&format!("{summary}\n\n{text}")),
        None => docs::inner(&summary),
    };
    let input = super::rust_type::ident(&op.input.rust_name);
    let input_builder = super::rust_type::ident(&op.input.builder_name);
    let output = super::rust_type::ident(&op.output.rust_name);
    // An output holding an event stream only comes from a response: no builder.
    let output_items = if super::http_binding::streams_output(service, op) {
        quote!(#output)
    } else {
        let output_builder = super::rust_type::ident(&op.output.builder_name);
        quote!({#output, #output_builder})
    };
    let error = super::rust_type::ident(&op.error_name);
    let fluent = super::rust_type::ident(&op.fluent_name);
    let fluent_items = match &op.paginator {
        Some(_) => {
            let paginator = quote::format_ident!(
                "{}Paginator",
                crate::ir::names::bare(&op.fluent_name).trim_end_matches("FluentBuilder")
            );
            quote!({#fluent, #paginator})
        }
        None => quote!(#fluent),
    };
    let http_module = quote! {
        #[rustfmt::skip]
        pub(crate) mod http;
    };
    quote! {
        #module_docs

        #[rustfmt::skip]
        mod error;
        #[rustfmt::skip]
        mod fluent;
        #http_module
        #[rustfmt::skip]
        mod input;
        #[rustfmt::skip]
        mod output;

        pub use self::error::#error;
        pub use self::fluent::#fluent_items;
        pub use self::input::{#input, #input_builder};
        pub use self::output::#output_items;
    }
}
