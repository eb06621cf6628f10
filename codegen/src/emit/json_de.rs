//! `src/json_de.rs`: parsers from JSON (rest-json's wire form) for every
//! structure and union a response can carry, parsers of error responses,
//! and the fallback values of Smithy's error correction.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::rust_type::{self, ident, named_type_path};
use super::{EmitError, Files, docs, json_ser};
use crate::ir::{
    Home, Member, MemberLocation, Service, Shape, ShapeKind, Structure, TimestampFormat,
};

pub(crate) fn emit(service: &Service, out: &mut Files<'_>) -> Result<(), EmitError> {
    let module_doc = docs::inner(
        "Parsers from JSON for the shapes responses carry, and parsers of error responses.",
    );
    let parsers = service
        .shapes
        .values()
        .filter(|shape| shape.used_in_output && is_value_parsed(service, shape))
        .filter_map(|shape| value_parser(service, shape));
    let error_parsers = service
        .shapes
        .values()
        .filter(|shape| shape.home == Home::Error && is_listed_error(service, shape))
        .filter_map(|shape| match &shape.kind {
            ShapeKind::Structure(s) => Some(error_parser(service, shape, s)),
            _ => None,
        });
    let event_parsers = event_shapes(service)
        .into_iter()
        .filter_map(|shape| match &shape.kind {
            ShapeKind::Structure(s) => Some(event_parser(service, shape, s)),
            _ => None,
        });
    let fallbacks = service
        .shapes
        .values()
        .filter(|shape| shape.used_in_output)
        .filter_map(|shape| fallback_impl(service, shape));
    let tokens = quote! {
        #module_doc
        #(#parsers)*
        #(#error_parsers)*
        #(#event_parsers)*
        #(#fallbacks)*
    };
    out.rust("src/json_de.rs", tokens)
}

/// Named structures and unions that appear as JSON values inside responses.
fn is_value_parsed(service: &Service, shape: &Shape) -> bool {
    let parsed_kind = match &shape.kind {
        ShapeKind::Structure(_) => true,
        ShapeKind::Union(u) => !u.event_stream,
        _ => false,
    };
    parsed_kind && super::holds_as_json_value(service, &shape.name, super::Direction::Received)
}

/// The structures that arrive as events or exceptions of a response stream.
fn event_shapes(service: &Service) -> Vec<&Shape> {
    let mut names: Vec<&str> = service
        .shapes
        .values()
        .filter(|s| s.used_in_output)
        .filter_map(|s| match &s.kind {
            ShapeKind::Union(u) if u.event_stream => {
                Some(u.members.iter().map(|m| m.target.as_str()))
            }
            _ => None,
        })
        .flatten()
        .collect();
    names.sort_unstable();
    names.dedup();
    names.into_iter().map(|name| service.shape(name)).collect()
}

/// The name of the function that reads `shape` from an event-stream message.
pub(crate) fn event_fn(shape: &Shape) -> proc_macro2::Ident {
    format_ident!(
        "{}_event",
        // `self_` (a keyword, escaped) would make `self__event`.
        crate::ir::names::bare(&shape.fn_name).trim_end_matches('_')
    )
}

/// Reads an event or exception from a message: header members from its
/// headers, an event-payload member from its payload, and other members
/// from its payload as a JSON object.
fn event_parser(service: &Service, shape: &Shape, s: &Structure) -> TokenStream {
    let name = event_fn(shape);
    let ty = rust_type::of(service, &shape.name);
    let doc = format!(" Reads a `{}` from an event-stream message.", shape.name);
    let context = &shape.name;
    let has_payload_member = s.members.iter().any(|m| m.event_payload);
    let body_members = s
        .members
        .iter()
        .any(|m| !m.event_header && !m.event_payload);
    let object = (body_members && !has_payload_member).then(|| {
        quote! {
            let value: serde_json::Value = if message.payload().is_empty() {
                serde_json::Value::Object(serde_json::Map::new())
            } else {
                serde_json::from_slice(message.payload())
                    .map_err(|e| crate::json::DeserializeError::invalid("a JSON payload", e.to_string()))?
            };
            let object = crate::json::object(&value)?;
        }
    });
    let fields = s.members.iter().map(|m| {
        let field = ident(&m.rust_name);
        let key = &m.wire_name;
        let value = if m.event_header {
            let read = event_header(service, &m.target);
            let read = quote! { message.header(#key).map(#read).transpose().map_err(|e| e.within(#key))? };
            if m.required {
                quote! { #read.unwrap_or_else(crate::json::Fallback::fallback) }
            } else {
                read
            }
        } else if m.event_payload {
            let read = match &service.shape(&m.target).kind {
                ShapeKind::Blob { .. } => quote! { crate::primitives::Blob::new(message.payload().clone()) },
                ShapeKind::String => quote! { crate::protocol::utf8_payload(message.payload().clone())? },
                _ => {
                    let parser = parser(service, &m.target, m.boxed, m.timestamp_format);
                    quote! {
                        crate::json::parse_value(&crate::json::parse_body(message.payload())?, #parser)?
                    }
                }
            };
            if m.required { read } else { quote! { Some(#read) } }
        } else if has_payload_member {
            // The payload is bound to another member; this one cannot be set.
            if m.required { quote! { crate::json::Fallback::fallback() } } else { quote! { None } }
        } else {
            member_from_object(service, m, quote!(object))
        };
        quote! { #field: #value, }
    });
    let param = if s.members.is_empty() {
        quote!(_message)
    } else {
        quote!(message)
    };
    let allow = super::docs::allow_deprecated_uses(shape.has_deprecated_member());
    let cfg = super::features::for_users(
        service,
        &super::features::event_users(service, &shape.name, false),
    );
    quote! {
        #cfg
        #[doc = #doc]
        #allow
        pub(crate) fn #name(#param: &crate::event_stream::Message) -> Result<#ty, crate::json::DeserializeError> {
            let parse = || -> Result<#ty, crate::json::DeserializeError> {
                #object
                Ok(#ty { #(#fields)* })
            };
            parse().map_err(|e| e.within(#context))
        }
    }
}

/// An expression usable as `Fn(&HeaderValue) -> Result<T, DeserializeError>`.
fn event_header(service: &Service, target: &str) -> TokenStream {
    let shape = service.shape(target);
    match &shape.kind {
        ShapeKind::Boolean => quote!(crate::event_stream::header_bool),
        ShapeKind::Byte => quote!(crate::event_stream::header_integer::<i8>),
        ShapeKind::Short => quote!(crate::event_stream::header_integer::<i16>),
        ShapeKind::Integer => quote!(crate::event_stream::header_integer::<i32>),
        ShapeKind::Long => quote!(crate::event_stream::header_integer::<i64>),
        ShapeKind::Blob { .. } => quote!(crate::event_stream::header_blob),
        ShapeKind::Timestamp { .. } => quote!(crate::event_stream::header_timestamp),
        ShapeKind::Enum(_) => {
            let path = named_type_path(shape).unwrap_or_default();
            quote!(|v: &crate::event_stream::HeaderValue| crate::event_stream::header_string(v).map(#path::from))
        }
        _ => quote!(crate::event_stream::header_string),
    }
}

fn is_listed_error(service: &Service, shape: &Shape) -> bool {
    service
        .operations
        .iter()
        .any(|op| op.errors.contains(&shape.name))
}

/// The name of the function that parses a JSON value of `shape`.
pub(crate) fn value_fn(shape: &Shape) -> proc_macro2::Ident {
    ident(&shape.fn_name)
}

/// The name of the function that parses an error response as `shape`.
pub(crate) fn error_fn(shape: &Shape) -> proc_macro2::Ident {
    format_ident!("error_{}", crate::ir::names::bare(&shape.fn_name))
}

/// `None` for shapes that are not structures or unions: they have no parser
/// function of their own.
fn value_parser(service: &Service, shape: &Shape) -> Option<TokenStream> {
    let name = value_fn(shape);
    let ty = rust_type::of(service, &shape.name);
    let doc = format!(" Parses a `{}` from JSON.", shape.name);
    let context = &shape.name;
    let body = match &shape.kind {
        ShapeKind::Structure(s) => {
            let fields = s.members.iter().map(|m| {
                let field = ident(&m.rust_name);
                let value = member_from_object(service, m, quote!(object));
                quote! { #field: #value, }
            });
            let object_binding = if s.members.is_empty() {
                quote! { crate::json::object(value)?; }
            } else {
                quote! { let object = crate::json::object(value)?; }
            };
            quote! {
                #object_binding
                Ok(#ty { #(#fields)* })
            }
        }
        ShapeKind::Union(u) => {
            let arms = u.members.iter().map(|m| {
                let variant = ident(&m.rust_name);
                let key = &m.wire_name;
                let parser = parser(service, &m.target, m.boxed, m.timestamp_format);
                quote! { #key => #ty::#variant(crate::json::variant(value, #key, #parser)?), }
            });
            let unknown = ident(&u.unknown_variant);
            quote! {
                let (key, value) = crate::json::union_member(value)?;
                Ok(match key {
                    #(#arms)*
                    other => #ty::#unknown(other.to_owned()),
                })
            }
        }
        _ => return None,
    };
    let allow = super::docs::allow_deprecated_uses(shape.has_deprecated_member());
    let cfg = super::features::for_users(service, &shape.received_by);
    Some(quote! {
        #cfg
        #[doc = #doc]
        #allow
        pub(crate) fn #name(value: &serde_json::Value) -> Result<#ty, crate::json::DeserializeError> {
            let parse = || -> Result<#ty, crate::json::DeserializeError> { #body };
            parse().map_err(|e| e.within(#context))
        }
    })
}

/// The expression reading `member` from the JSON object `object`.
pub(crate) fn member_from_object(
    service: &Service,
    m: &Member,
    object: TokenStream,
) -> TokenStream {
    let key = &m.wire_name;
    let parser = parser(service, &m.target, m.boxed, m.timestamp_format);
    if m.required {
        quote! { crate::json::required(#object, #key, #parser)? }
    } else {
        quote! { crate::json::optional(#object, #key, #parser)? }
    }
}

/// An expression usable as `Fn(&serde_json::Value) -> Result<T, DeserializeError>`;
/// `format` overrides a timestamp's format.
pub(crate) fn parser(
    service: &Service,
    target: &str,
    boxed: bool,
    format: Option<TimestampFormat>,
) -> TokenStream {
    let shape = service.shape(target);
    let plain = match &shape.kind {
        ShapeKind::String | ShapeKind::BigInteger | ShapeKind::BigDecimal => {
            quote!(crate::json::string)
        }
        ShapeKind::Enum(_) => {
            let path = named_type_path(shape).unwrap_or_default();
            quote!(|v: &serde_json::Value| crate::json::string(v).map(#path::from))
        }
        ShapeKind::Blob { .. } => quote!(crate::json::blob),
        ShapeKind::Boolean => quote!(crate::json::boolean),
        ShapeKind::Byte => quote!(crate::json::integer::<i8>),
        ShapeKind::Short => quote!(crate::json::integer::<i16>),
        ShapeKind::Integer => quote!(crate::json::integer::<i32>),
        ShapeKind::Long => quote!(crate::json::integer::<i64>),
        // Narrowing to f32 is what the model's `float` means.
        ShapeKind::Float => quote!(|v: &serde_json::Value| crate::json::float(v).map(|f| f as f32)),
        ShapeKind::Double => quote!(crate::json::float),
        ShapeKind::Timestamp {
            format: shape_format,
        } => {
            let format = json_ser::timestamp_format(
                format
                    .or(*shape_format)
                    .unwrap_or(TimestampFormat::EpochSeconds),
            );
            quote!(|v: &serde_json::Value| crate::json::timestamp(v, #format))
        }
        ShapeKind::Document => quote!(crate::json::document),
        ShapeKind::List(list) => {
            let item = parser(service, &list.member, false, None);
            if list.sparse {
                quote!(|v: &serde_json::Value| crate::json::sparse_list(v, #item))
            } else {
                quote!(|v: &serde_json::Value| crate::json::list(v, #item))
            }
        }
        ShapeKind::Map(map) => {
            let key = match &service.shape(&map.key).kind {
                ShapeKind::Enum(_) => {
                    // A closure, not `#path::from`: the parser takes keys of
                    // any lifetime, which a path to `From<&'a str>` is not.
                    let path = named_type_path(service.shape(&map.key)).unwrap_or_default();
                    quote!(|key: &str| #path::from(key))
                }
                _ => quote!(str::to_owned),
            };
            let value = parser(service, &map.value, false, None);
            if map.sparse {
                quote!(|v: &serde_json::Value| crate::json::sparse_map(v, #key, #value))
            } else {
                quote!(|v: &serde_json::Value| crate::json::map(v, #key, #value))
            }
        }
        ShapeKind::Structure(_) | ShapeKind::Union(_) => {
            let name = value_fn(shape);
            quote!(crate::json_de::#name)
        }
    };
    if boxed {
        quote!(|v: &serde_json::Value| (#plain)(v).map(Box::new))
    } else {
        plain
    }
}

/// Parses an error response: body members from its JSON, header members
/// from its headers.
/// The value of a member a response never carries.
pub(crate) fn absent(m: &Member) -> TokenStream {
    if m.required {
        quote!(crate::json::Fallback::fallback())
    } else {
        quote!(None)
    }
}

fn error_parser(service: &Service, shape: &Shape, s: &Structure) -> TokenStream {
    let name = error_fn(shape);
    let ty = rust_type::of(service, &shape.name);
    let doc = format!(" Parses a `{}` error response.", shape.name);
    let context = &shape.name;
    let needs_object = s.members.iter().any(|m| m.location == MemberLocation::Body);
    let object = needs_object.then(|| {
        quote! {
            let empty = serde_json::Map::new();
            let object = response.json().unwrap_or(&empty);
        }
    });
    let fields = s.members.iter().map(|m| {
        let field = ident(&m.rust_name);
        let value = match &m.location {
            MemberLocation::Header => {
                super::http_binding::header_member(service, m, quote!(response.headers()))
            }
            MemberLocation::StatusCode if m.required => quote!(i32::from(response.status())),
            MemberLocation::StatusCode => quote!(Some(i32::from(response.status()))),
            // Labels and query parameters are request-only: never read back.
            MemberLocation::Uri { .. } | MemberLocation::Query | MemberLocation::QueryParams => {
                absent(m)
            }
            _ => member_from_object(service, m, quote!(object)),
        };
        quote! { #field: #value, }
    });
    let uses_response = !s.members.is_empty();
    let param = if uses_response {
        quote!(response)
    } else {
        quote!(_response)
    };
    let allow = super::docs::allow_deprecated_uses(shape.has_deprecated_member());
    let cfg =
        super::features::for_users(service, &super::features::error_users(service, &shape.name));
    quote! {
        #cfg
        #[doc = #doc]
        #allow
        pub(crate) fn #name(#param: &crate::protocol::ErrorResponse) -> Result<#ty, crate::json::DeserializeError> {
            let parse = || -> Result<#ty, crate::json::DeserializeError> {
                #object
                Ok(#ty { #(#fields)* })
            };
            parse().map_err(|e| e.within(#context))
        }
    }
}

/// Smithy's error correction: the value a required member of this type
/// takes when a response omits it.
fn fallback_impl(service: &Service, shape: &Shape) -> Option<TokenStream> {
    let ty = named_type_path(shape)?;
    let body = match &shape.kind {
        ShapeKind::Structure(s) => {
            let fields = s.members.iter().map(|m| {
                let field = ident(&m.rust_name);
                if m.required {
                    quote! { #field: crate::json::Fallback::fallback(), }
                } else {
                    quote! { #field: None, }
                }
            });
            quote! { #ty { #(#fields)* } }
        }
        ShapeKind::Union(u) if !u.event_stream => {
            let unknown = ident(&u.unknown_variant);
            quote! { #ty::#unknown(String::new()) }
        }
        ShapeKind::Enum(e) => {
            let unknown = ident(&e.unknown_variant);
            quote! { #ty::#unknown(String::new()) }
        }
        _ => return None,
    };
    let allow = super::docs::allow_deprecated_uses(shape.has_deprecated_member());
    // A trait impl is never dead code: it exists wherever its type does.
    let cfg = super::features::for_shape(service, shape);
    Some(quote! {
        #cfg
        #allow
        impl crate::json::Fallback for #ty {
            fn fallback() -> Self {
                #body
            }
        }
    })
}
