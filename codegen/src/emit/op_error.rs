//! An operation's error: one variant per error the model lists for it, and
//! `Unhandled` for the rest.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs;
use super::rust_type::{ident, named_type_path};
use crate::ir::{Member, Operation, Service, Shape, ShapeKind, Structure};

/// The error shapes of `op` with their structures, in name order; each
/// variant is named after its shape's Rust name.
pub(crate) fn variants<'s>(
    service: &'s Service,
    op: &Operation,
) -> Vec<(&'s Shape, &'s Structure)> {
    op.errors
        .iter()
        .filter_map(|name| {
            let shape = service.shape(name);
            match &shape.kind {
                ShapeKind::Structure(s) => Some((shape, s)),
                _ => None,
            }
        })
        .collect()
}

/// An error's message: its member named `message` (in any case), when
/// that member is a string.
pub(crate) fn message_member<'s>(service: &Service, s: &'s Structure) -> Option<&'s Member> {
    s.members.iter().find(|m| {
        m.name.eq_ignore_ascii_case("message")
            && matches!(service.shape(&m.target).kind, ShapeKind::String)
    })
}

pub(crate) fn definition(service: &Service, op: &Operation) -> TokenStream {
    let name = ident(&op.error_name);
    let doc = format!(" The errors of `{}`.", op.name);
    let errors = variants(service, op);
    let variants = errors.iter().map(|(shape, s)| {
        let variant = &shape.rust_name;
        let v = ident(variant);
        let path = named_type_path(shape).unwrap_or_else(|| quote!(#v));
        let variant_doc = docs::outer(s.docs.as_deref(), || format!("The `{variant}` error."));
        quote! { #variant_doc #v(#path), }
    });
    let code_arms = errors.iter().map(|(shape, s)| {
        let v = ident(&shape.rust_name);
        let code = s
            .error
            .as_ref()
            .map_or(shape.name.clone(), |e| e.code.clone());
        quote! { #name::#v(_) => Some(#code), }
    });
    let message_arms = errors.iter().map(|(shape, s)| {
        let v = ident(&shape.rust_name);
        let message = message_member(service, s);
        match message {
            Some(m) if m.required => {
                let field = ident(&m.rust_name);
                quote! { #name::#v(e) => Some(e.#field.as_str()), }
            }
            Some(m) => {
                let field = ident(&m.rust_name);
                quote! { #name::#v(e) => e.#field.as_deref(), }
            }
            None => quote! { #name::#v(_) => None, },
        }
    });
    let predicates = errors.iter().map(|(shape, _)| {
        let variant = &shape.rust_name;
        let v = ident(variant);
        let method = format_ident!(
            "is_{}",
            crate::ir::names::bare(&crate::ir::names::snake(variant))
        );
        let doc = format!(" Whether this is a `{variant}`.");
        quote! {
            #[doc = #doc]
            pub fn #method(&self) -> bool {
                matches!(self, #name::#v(_))
            }
        }
    });
    let display_arms = errors.iter().map(|(shape, _)| {
        let v = ident(&shape.rust_name);
        quote! { #name::#v(e) => std::fmt::Display::fmt(e, f), }
    });
    let source_arms = errors.iter().map(|(shape, _)| {
        let v = ident(&shape.rust_name);
        quote! { #name::#v(e) => Some(e), }
    });

    quote! {
        #[doc = #doc]
        #[derive(Debug)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// An error the model does not describe for this operation.
            Unhandled(crate::error::Unhandled),
        }

        impl #name {
            /// The error code, e.g. `ThrottlingException`.
            pub fn code(&self) -> Option<&str> {
                match self {
                    #(#code_arms)*
                    #name::Unhandled(e) => e.code(),
                }
            }

            /// The message the service sent.
            pub fn message(&self) -> Option<&str> {
                match self {
                    #(#message_arms)*
                    #name::Unhandled(e) => e.message(),
                }
            }

            #(#predicates)*
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                match self {
                    #(#display_arms)*
                    #name::Unhandled(e) => std::fmt::Display::fmt(e, f),
                }
            }
        }

        impl std::error::Error for #name {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                match self {
                    #(#source_arms)*
                    #name::Unhandled(e) => Some(e),
                }
            }
        }
    }
}
