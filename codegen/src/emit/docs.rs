//! Rustdoc attributes from the model's documentation.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::Deprecation;

/// `///` lines for `docs`, or for `fallback` when the model documents nothing
/// (every public item gets documentation).
pub(crate) fn outer(docs: Option<&str>, fallback: impl FnOnce() -> String) -> TokenStream {
    let text = docs.map_or_else(fallback, str::to_owned);
    let lines = doc_lines(&text);
    quote! { #( #[doc = #lines] )* }
}

/// `//!` lines, for a module or crate.
pub(crate) fn inner(text: &str) -> TokenStream {
    let lines = doc_lines(text);
    quote! { #( #![doc = #lines] )* }
}

/// `#[deprecated]`, with the model's message when it has one.
pub(crate) fn deprecated(deprecation: Option<&Deprecation>) -> TokenStream {
    match deprecation {
        None => TokenStream::new(),
        Some(Deprecation {
            message: Some(note),
        }) => quote! { #[deprecated(note = #note)] },
        Some(Deprecation { message: None }) => quote! { #[deprecated] },
    }
}

/// `#[allow(deprecated)]` on the crate's own code that must still handle
/// deprecated members (builders, validators, serializers, `Debug`), emitted
/// only where such a member exists so that it hides nothing else. Users of
/// the deprecated items still get the warning.
pub(crate) fn allow_deprecated_uses(needed: bool) -> TokenStream {
    if needed {
        quote! { #[allow(deprecated)] }
    } else {
        TokenStream::new()
    }
}

/// A space after `///`, as written by hand; empty lines stay empty.
fn doc_lines(text: &str) -> Vec<String> {
    text.lines()
        .map(|line| {
            if line.is_empty() {
                String::new()
            } else {
                format!(" {line}")
            }
        })
        .collect()
}
