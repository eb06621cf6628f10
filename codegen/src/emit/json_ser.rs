//! `src/json_ser.rs`: writers of JSON (rest-json's wire form) for every
//! structure and union a request can carry.

use proc_macro2::TokenStream;
use quote::quote;

use super::rust_type::{self, ident};
use super::{EmitError, Files, docs};
use crate::ir::{Member, Service, Shape, ShapeKind, Structure, TimestampFormat};

pub(crate) fn emit(service: &Service, out: &mut Files<'_>) -> Result<(), EmitError> {
    let module_doc = docs::inner(
        "Writers of JSON for the shapes requests carry, and of the messages of input event streams.",
    );
    let writers = service
        .shapes
        .values()
        .filter(|shape| {
            shape.used_in_input
                && super::holds_as_json_value(service, &shape.name, super::Direction::Sent)
        })
        .filter_map(|shape| writer(service, shape));
    let event_writers =
        input_event_shapes(service)
            .into_iter()
            .filter_map(|shape| match &shape.kind {
                ShapeKind::Structure(s) => Some(event_writer(service, shape, s)),
                _ => None,
            });
    let tokens = quote! {
        #module_doc
        #(#writers)*
        #(#event_writers)*
    };
    out.rust("src/json_ser.rs", tokens)
}

/// The name of the function that writes `shape`.
pub(crate) fn writer_fn(shape: &Shape) -> proc_macro2::Ident {
    ident(&shape.fn_name)
}

fn writer(service: &Service, shape: &Shape) -> Option<TokenStream> {
    let name = writer_fn(shape);
    let ty = rust_type::of(service, &shape.name);
    let doc = format!(" Writes a `{}` as JSON.", shape.name);
    let body = match &shape.kind {
        ShapeKind::Structure(s) => {
            let members = s
                .members
                .iter()
                .map(|m| member_writer(service, m, quote!(value)));
            quote! {
                out.begin_object();
                #(#members)*
                out.end_object();
                Ok(())
            }
        }
        ShapeKind::Union(u) if !u.event_stream => {
            let arms = u.members.iter().map(|m| {
                let variant = ident(&m.rust_name);
                let key = &m.wire_name;
                let write = value_writer(service, &m.target, m.timestamp_format, quote!(inner));
                quote! {
                    #ty::#variant(inner) => {
                        out.key(#key);
                        #write
                    }
                }
            });
            let unknown = ident(&u.unknown_variant);
            let shape_name = &shape.name;
            quote! {
                out.begin_object();
                match value {
                    #(#arms)*
                    #ty::#unknown(_) => return Err(crate::json::SerializeError::unknown_variant(#shape_name)),
                }
                out.end_object();
                Ok(())
            }
        }
        _ => return None,
    };
    let value_param = match &shape.kind {
        ShapeKind::Structure(s) if s.members.is_empty() => quote!(_value),
        _ => quote!(value),
    };
    let allow = super::docs::allow_deprecated_uses(shape.has_deprecated_member());
    let cfg = super::features::for_users(service, &shape.sent_by);
    Some(quote! {
        #cfg
        #[doc = #doc]
        #allow
        pub(crate) fn #name(out: &mut crate::json::Writer, #value_param: &#ty) -> Result<(), crate::json::SerializeError> {
            #body
        }
    })
}

/// The structures sent as events of an input event stream.
fn input_event_shapes(service: &Service) -> Vec<&Shape> {
    let mut names: Vec<&str> = service
        .shapes
        .values()
        .filter(|s| s.used_in_input)
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

/// The name of the function that writes `shape` as an event-stream message.
pub(crate) fn event_writer_fn(shape: &Shape) -> proc_macro2::Ident {
    quote::format_ident!(
        "{}_event",
        // `self_` (a keyword, escaped) would make `self__event`.
        crate::ir::names::bare(&shape.fn_name).trim_end_matches('_')
    )
}

/// Writes an event as a message: header members as headers, an
/// event-payload member as the payload (bytes, text or JSON), and other
/// members as a JSON object payload.
fn event_writer(service: &Service, shape: &Shape, s: &Structure) -> TokenStream {
    let name = event_writer_fn(shape);
    let ty = rust_type::of(service, &shape.name);
    let doc = format!(" Writes a `{}` as an event-stream message.", shape.name);
    let headers = s.members.iter().filter(|m| m.event_header).map(|m| {
        let field = ident(&m.rust_name);
        let key = &m.wire_name;
        let header = event_header_value(service, &m.target);
        if m.required {
            quote! { { let v = &value.#field; headers.push(crate::event_stream::Header::new(#key, #header)); } }
        } else {
            quote! {
                if let Some(v) = &value.#field {
                    headers.push(crate::event_stream::Header::new(#key, #header));
                }
            }
        }
    });
    let payload_member = s.members.iter().find(|m| m.event_payload);
    let (content_type, payload) = match payload_member {
        Some(m) => {
            let field = ident(&m.rust_name);
            let (content_type, bytes) = match &service.shape(&m.target).kind {
                ShapeKind::Blob { .. } => {
                    ("application/octet-stream", quote!(v.clone().into_bytes()))
                }
                ShapeKind::String => (
                    "text/plain",
                    quote!(bytes::Bytes::copy_from_slice(v.as_bytes())),
                ),
                _ => {
                    let write = value_writer(service, &m.target, m.timestamp_format, quote!(v));
                    (
                        "application/json",
                        quote!(crate::json::Writer::write(|out| { #write Ok(()) })?),
                    )
                }
            };
            let payload = if m.required {
                quote! { { let v = &value.#field; #bytes } }
            } else {
                quote! {
                    match &value.#field {
                        Some(v) => #bytes,
                        None => bytes::Bytes::new(),
                    }
                }
            };
            (content_type, payload)
        }
        None => {
            let members = s
                .members
                .iter()
                .filter(|m| !m.event_header)
                .map(|m| member_writer(service, m, quote!(value)));
            (
                "application/json",
                quote! {
                    crate::json::Writer::write(|out| {
                        out.begin_object();
                        #(#members)*
                        out.end_object();
                        Ok(())
                    })?
                },
            )
        }
    };
    let has_headers = s.members.iter().any(|m| m.event_header);
    let headers_decl = if has_headers {
        quote! { let mut headers = Vec::new(); #(#headers)* }
    } else {
        quote! { let headers = Vec::new(); }
    };
    // An event without members (a signal such as qbusiness's
    // `EndOfInputEvent`) is an empty JSON object.
    let value_param = if s.members.is_empty() {
        quote!(_value)
    } else {
        quote!(value)
    };
    let allow = super::docs::allow_deprecated_uses(shape.has_deprecated_member());
    let cfg = super::features::for_users(
        service,
        &super::features::event_users(service, &shape.name, true),
    );
    quote! {
        #cfg
        #[doc = #doc]
        #allow
        pub(crate) fn #name(event_type: &'static str, #value_param: &#ty) -> Result<crate::event_stream::Message, crate::json::SerializeError> {
            #headers_decl
            let payload = #payload;
            Ok(crate::event_stream::event_message(event_type, #content_type, headers, payload))
        }
    }
}

/// An expression of a `HeaderValue` for `v`, a reference to a `target`.
fn event_header_value(service: &Service, target: &str) -> TokenStream {
    match &service.shape(target).kind {
        ShapeKind::Boolean => quote!(crate::event_stream::HeaderValue::Bool(*v)),
        ShapeKind::Byte => quote!(crate::event_stream::HeaderValue::Byte(*v)),
        ShapeKind::Short => quote!(crate::event_stream::HeaderValue::Short(*v)),
        ShapeKind::Integer => quote!(crate::event_stream::HeaderValue::Int(*v)),
        ShapeKind::Long => quote!(crate::event_stream::HeaderValue::Long(*v)),
        ShapeKind::Blob { .. } => {
            quote!(crate::event_stream::HeaderValue::ByteArray(
                v.clone().into_bytes()
            ))
        }
        ShapeKind::Timestamp { .. } => {
            quote!(crate::event_stream::HeaderValue::Timestamp(v.to_millis()))
        }
        ShapeKind::Enum(_) => {
            quote!(crate::event_stream::HeaderValue::String(
                v.as_str().to_owned().into()
            ))
        }
        _ => quote!(crate::event_stream::HeaderValue::String(
            v.to_string().into()
        )),
    }
}

/// Writes member `m` of `owner` (an expression of a reference to the
/// struct) as a key and value; absent optional members are left out.
pub(crate) fn member_writer(service: &Service, m: &Member, owner: TokenStream) -> TokenStream {
    let field = ident(&m.rust_name);
    let key = &m.wire_name;
    let write = value_writer(service, &m.target, m.timestamp_format, quote!(item));
    if m.required {
        quote! {
            {
                let item = &#owner.#field;
                out.key(#key);
                #write
            }
        }
    } else {
        quote! {
            if let Some(item) = &#owner.#field {
                out.key(#key);
                #write
            }
        }
    }
}

/// The body of a request whose input (`input`, an operation input) has body
/// members: a `bytes::Bytes` expression writing them as one JSON object,
/// which fails with the input's `ValidationError`. `None` when no member
/// travels in the body.
pub(crate) fn body_object(service: &Service, input: &Structure) -> Option<TokenStream> {
    input.body_members().next()?;
    let input_name = &input.rust_name;
    let members = input
        .body_members()
        .map(|m| member_writer(service, m, quote!(input)));
    Some(quote! {
        crate::json::Writer::write(|out| {
            out.begin_object();
            #(#members)*
            out.end_object();
            Ok(())
        })
        .map_err(|e| e.into_validation_error(#input_name))?
    })
}

/// Statements writing `value` (a reference to a value of `target`) to `out`.
pub(crate) fn value_writer(
    service: &Service,
    target: &str,
    format: Option<TimestampFormat>,
    value: TokenStream,
) -> TokenStream {
    let shape = service.shape(target);
    match &shape.kind {
        ShapeKind::String | ShapeKind::BigInteger | ShapeKind::BigDecimal => {
            quote! { out.string(#value); }
        }
        ShapeKind::Enum(_) => quote! { out.string(#value.as_str()); },
        ShapeKind::Blob { .. } => quote! { out.blob(#value.as_bytes()); },
        ShapeKind::Boolean => quote! { out.boolean(*#value); },
        ShapeKind::Byte | ShapeKind::Short | ShapeKind::Integer => {
            quote! { out.integer(i64::from(*#value)); }
        }
        ShapeKind::Long => quote! { out.integer(*#value); },
        ShapeKind::Float | ShapeKind::Double => quote! { out.float(#value); },
        ShapeKind::Timestamp {
            format: shape_format,
        } => {
            let format = timestamp_format(
                format
                    .or(*shape_format)
                    .unwrap_or(TimestampFormat::EpochSeconds),
            );
            quote! { out.timestamp(#value, #format); }
        }
        ShapeKind::Document => quote! { out.document(#value); },
        ShapeKind::List(list) => {
            let item = value_writer(service, &list.member, None, quote!(entry));
            let item = if list.sparse {
                quote! {
                    match entry {
                        Some(entry) => { #item }
                        None => out.null(),
                    }
                }
            } else {
                item
            };
            quote! {
                out.begin_array();
                for entry in #value.iter() {
                    #item
                }
                out.end_array();
            }
        }
        ShapeKind::Map(map) => {
            let key = match service.shape(&map.key).kind {
                ShapeKind::Enum(_) => quote!(key.as_str()),
                _ => quote!(key),
            };
            let item = value_writer(service, &map.value, None, quote!(entry));
            let item = if map.sparse {
                quote! {
                    match entry {
                        Some(entry) => { #item }
                        None => out.null(),
                    }
                }
            } else {
                item
            };
            quote! {
                out.begin_object();
                for (key, entry) in #value.iter() {
                    out.key(#key);
                    #item
                }
                out.end_object();
            }
        }
        ShapeKind::Structure(_) | ShapeKind::Union(_) => {
            let name = writer_fn(shape);
            quote! { crate::json_ser::#name(out, #value)?; }
        }
    }
}

/// The runtime's name for a timestamp format.
pub(crate) fn timestamp_format(format: TimestampFormat) -> TokenStream {
    match format {
        TimestampFormat::EpochSeconds => quote!(crate::json::TimestampFormat::EpochSeconds),
        TimestampFormat::DateTime => quote!(crate::json::TimestampFormat::DateTime),
        TimestampFormat::HttpDate => quote!(crate::json::TimestampFormat::HttpDate),
    }
}
