//! The Rust type of a shape, and how members hold it.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::ir::{Home, Member, Service, Shape, ShapeKind};

/// An identifier, raw when the name is `r#...`.
pub(crate) fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// The path of a named type (`crate::types::Message`); inline shapes have none.
pub(crate) fn named_type_path(shape: &Shape) -> Option<TokenStream> {
    let name = ident(&shape.rust_name);
    match shape.home {
        Home::Types => Some(quote! { crate::types::#name }),
        Home::Error => Some(quote! { crate::error::#name }),
        Home::Inline => None,
    }
}

/// The Rust type of values of `target`.
pub(crate) fn of(service: &Service, target: &str) -> TokenStream {
    let shape = service.shape(target);
    if let Some(path) = named_type_path(shape) {
        return path;
    }
    match &shape.kind {
        ShapeKind::String | ShapeKind::BigInteger | ShapeKind::BigDecimal => quote! { String },
        ShapeKind::Blob { .. } => quote! { crate::primitives::Blob },
        ShapeKind::Boolean => quote! { bool },
        ShapeKind::Byte => quote! { i8 },
        ShapeKind::Short => quote! { i16 },
        ShapeKind::Integer => quote! { i32 },
        ShapeKind::Long => quote! { i64 },
        ShapeKind::Float => quote! { f32 },
        ShapeKind::Double => quote! { f64 },
        ShapeKind::Timestamp { .. } => quote! { crate::primitives::DateTime },
        ShapeKind::Document => quote! { crate::primitives::Document },
        ShapeKind::List(list) => {
            let item = of(service, &list.member);
            if list.sparse {
                quote! { Vec<Option<#item>> }
            } else {
                quote! { Vec<#item> }
            }
        }
        ShapeKind::Map(map) => {
            let key = of(service, &map.key);
            let value = of(service, &map.value);
            if map.sparse {
                quote! { std::collections::HashMap<#key, Option<#value>> }
            } else {
                quote! { std::collections::HashMap<#key, #value> }
            }
        }
        // Named kinds were handled above; an inline one is a resolver bug
        // that the compiler of the generated crate would report.
        ShapeKind::Structure(_) | ShapeKind::Union(_) | ShapeKind::Enum(_) => {
            let name = ident(&shape.rust_name);
            quote! { crate::types::#name }
        }
    }
}

/// Whether values of `target` arrive as an event stream.
pub(crate) fn is_event_stream(service: &Service, target: &str) -> bool {
    matches!(&service.shape(target).kind, ShapeKind::Union(u) if u.event_stream)
}

/// The member's value type, boxed when it closes a cycle. A response's
/// event stream is held by its receiver; a request's (which cannot be sent
/// yet) is the list of its events.
pub(crate) fn member_value(service: &Service, member: &Member) -> TokenStream {
    let ty = of(service, &member.target);
    if is_event_stream(service, &member.target) {
        return if service.shape(&member.target).used_in_output {
            quote! { crate::event_stream::EventReceiver<#ty> }
        } else {
            quote! { Vec<#ty> }
        };
    }
    if member.boxed {
        quote! { Box<#ty> }
    } else {
        ty
    }
}

/// The field type: the value for required members, `Option` otherwise.
pub(crate) fn field(service: &Service, member: &Member) -> TokenStream {
    let ty = member_value(service, member);
    if member.required {
        ty
    } else {
        quote! { Option<#ty> }
    }
}
