//! How an operation travels over HTTP: the rest-json request serializer
//! (awsJson's is in `aws_json`), the response and error parsers both
//! protocols share, and what the dispatcher needs to know about the
//! operation.

use proc_macro2::TokenStream;
use quote::quote;

use super::EmitError;
use super::rust_type::{ident, named_type_path};
use super::{json_de, json_ser};
use crate::ir::{
    AuthScheme, EndpointValue, HostPart, Member, MemberLocation, Operation, PathPart, Protocol,
    Service, ShapeKind, TimestampFormat,
};

/// Whether the output's payload is an event stream.
pub(crate) fn streams_output(service: &Service, op: &Operation) -> bool {
    op.output.payload_member().is_some_and(
        |m| matches!(&service.shape(&m.target).kind, ShapeKind::Union(u) if u.event_stream),
    )
}

/// Whether the input's payload is an event stream, sent while the response
/// streams back.
pub(crate) fn streams_input(service: &Service, op: &Operation) -> bool {
    op.input.payload_member().is_some_and(
        |m| matches!(&service.shape(&m.target).kind, ShapeKind::Union(u) if u.event_stream),
    )
}

pub(crate) fn definition(service: &Service, op: &Operation) -> Result<TokenStream, EmitError> {
    let info = operation_info(service, op);
    let serialize = match service.protocol {
        Protocol::RestJson => serialize_request(service, op)?,
        Protocol::AwsJson {
            version,
            query_compatible,
        } => super::aws_json::serialize_request(service, op, version, query_compatible)?,
    };
    let parse = parse_response(service, op)?;
    let errors = parse_error(service, op);
    Ok(quote! {
        #info
        #serialize
        #parse
        #errors
    })
}

fn unsupported(op: &Operation, what: &str) -> EmitError {
    EmitError {
        path: format!("operations.{}", op.name),
        message: format!("{what} is not supported yet"),
        kind: super::EmitErrorKind::Unsupported,
    }
}

fn operation_info(service: &Service, op: &Operation) -> TokenStream {
    let name = &op.name;
    let idempotent = op.idempotent;
    let retryable = op.errors.iter().filter_map(|error| {
        let shape = service.shape(error);
        let ShapeKind::Structure(s) = &shape.kind else {
            return None;
        };
        let info = s.error.as_ref()?;
        let code = &info.code;
        match info.retryable? {
            crate::ir::Retryable::Throttling => {
                Some(quote! { (#code, crate::retry::Modeled::Throttling) })
            }
            crate::ir::Retryable::Transient => {
                Some(quote! { (#code, crate::retry::Modeled::Transient) })
            }
        }
    });
    let auth = if op.auth.supported.is_empty() {
        let offered = op.auth.unsupported.join(", ");
        quote!(crate::dispatch::OperationAuth::Unsupported(#offered))
    } else {
        let schemes = op.auth.supported.iter().map(|scheme| match scheme {
            AuthScheme::SigV4 => quote!(crate::dispatch::AuthScheme::SigV4),
            AuthScheme::Bearer => quote!(crate::dispatch::AuthScheme::Bearer),
            AuthScheme::Anonymous => quote!(crate::dispatch::AuthScheme::Anonymous),
        });
        quote!(crate::dispatch::OperationAuth::Schemes(&[#(#schemes),*]))
    };
    let endpoint_params = endpoint_params(&op.endpoint_params);
    quote! {
        /// What the dispatcher needs to know about the operation.
        pub(crate) static OPERATION: crate::dispatch::OperationInfo = crate::dispatch::OperationInfo {
            name: #name,
            idempotent: #idempotent,
            retryable_errors: &[#(#retryable),*],
            auth: #auth,
            endpoint_params: #endpoint_params,
        };
    }
}

/// A `&'static [(&str, EndpointParam)]` of endpoint rule parameters.
pub(crate) fn endpoint_params(params: &[(String, EndpointValue)]) -> TokenStream {
    let params = params.iter().map(|(name, value)| {
        let value = match value {
            EndpointValue::String(s) => quote!(crate::dispatch::EndpointParam::String(#s)),
            EndpointValue::Bool(b) => quote!(crate::dispatch::EndpointParam::Bool(#b)),
            EndpointValue::StringList(items) => {
                quote!(crate::dispatch::EndpointParam::StringList(&[#(#items),*]))
            }
        };
        quote!((#name, #value))
    });
    quote!(&[#(#params),*])
}

/// Code that builds an operation's host prefix.
pub(crate) struct HostPrefix {
    /// Statements run before the request is assembled.
    pub statements: TokenStream,
    /// The `host_prefix` field of the `PreparedRequest`.
    pub field: TokenStream,
    /// Whether the statements check labels with `encoder`.
    pub uses_encoder: bool,
}

/// The operation's host prefix, its labels checked by `encoder`.
pub(crate) fn host_prefix(op: &Operation) -> HostPrefix {
    let static_prefix = |text: &str| HostPrefix {
        statements: quote!(),
        field: quote!(host_prefix: String::from(#text),),
        uses_encoder: false,
    };
    match op.host_prefix.as_slice() {
        [] => {
            return HostPrefix {
                statements: quote!(),
                field: quote!(host_prefix: String::new(),),
                uses_encoder: false,
            };
        }
        [HostPart::Literal(text)] => return static_prefix(text),
        _ => {}
    }
    let parts = op.host_prefix.iter().map(|part| match part {
        HostPart::Literal(text) => match text.chars().collect::<Vec<_>>().as_slice() {
            [c] => quote! { host_prefix.push(#c); },
            _ => quote! { host_prefix.push_str(#text); },
        },
        HostPart::Label(name) => {
            // Resolution checked that the label is a string member; an
            // unset optional one is empty, which `host_label` refuses.
            let member = op.input.members.iter().find(|m| &m.name == name);
            let field = member.map(|m| ident(&m.rust_name));
            let value = if member.is_some_and(|m| m.required) {
                quote!(input.#field.as_str())
            } else {
                quote!(input.#field.as_deref().unwrap_or_default())
            };
            quote! { encoder.host_label(&mut host_prefix, #name, #value); }
        }
    });
    let parts: Vec<TokenStream> = parts.collect();
    HostPrefix {
        statements: quote! {
            let mut host_prefix = String::new();
            #(#parts)*
        },
        field: quote!(host_prefix,),
        uses_encoder: true,
    }
}

fn method(op: &Operation) -> Result<TokenStream, EmitError> {
    Ok(match op.http.method.as_str() {
        "GET" => quote!(http::Method::GET),
        "POST" => quote!(http::Method::POST),
        "PUT" => quote!(http::Method::PUT),
        "DELETE" => quote!(http::Method::DELETE),
        "PATCH" => quote!(http::Method::PATCH),
        "HEAD" => quote!(http::Method::HEAD),
        other => return Err(unsupported(op, &format!("HTTP method {other}"))),
    })
}

/// Where a scalar is written, which decides a timestamp's default format.
#[derive(Clone, Copy)]
enum TextPlace {
    /// A label or query string: ISO 8601.
    Uri,
    /// A header: an HTTP date.
    Header,
}

/// An expression of type `&str` for the scalar `value` (an expression of
/// type `&T`) as it is written in a label, query string or header.
fn scalar_text(
    service: &Service,
    op: &Operation,
    target: &str,
    value: TokenStream,
    place: TextPlace,
    format: Option<TimestampFormat>,
) -> Result<TokenStream, EmitError> {
    Ok(match &service.shape(target).kind {
        ShapeKind::Timestamp {
            format: shape_format,
        } => {
            let default = match place {
                TextPlace::Uri => TimestampFormat::DateTime,
                TextPlace::Header => TimestampFormat::HttpDate,
            };
            match format.or(*shape_format).unwrap_or(default) {
                TimestampFormat::DateTime => quote!(#value.to_rfc3339().as_str()),
                TimestampFormat::HttpDate => quote!(#value.to_http_date().as_str()),
                TimestampFormat::EpochSeconds => {
                    quote!(#value.to_epoch_seconds_text().as_str())
                }
            }
        }
        ShapeKind::String | ShapeKind::BigInteger | ShapeKind::BigDecimal => {
            quote!(#value.as_str())
        }
        ShapeKind::Enum(_) => quote!(#value.as_str()),
        ShapeKind::Boolean
        | ShapeKind::Byte
        | ShapeKind::Short
        | ShapeKind::Integer
        | ShapeKind::Long => quote!(#value.to_string().as_str()),
        ShapeKind::Float | ShapeKind::Double => {
            quote!(crate::protocol::float_text(#value).as_str())
        }
        other => {
            return Err(unsupported(
                op,
                &format!("a {} in a label, query string or header", other.describe()),
            ));
        }
    })
}

fn serialize_request(service: &Service, op: &Operation) -> Result<TokenStream, EmitError> {
    let input = ident(&op.input.rust_name);
    let input_name = &op.input.rust_name;
    let method = method(op)?;
    let mut uses_encoder = false;

    let mut path = Vec::new();
    for part in &op.http.uri.path {
        match part {
            PathPart::Literal(text) => {
                path.push(match text.chars().collect::<Vec<_>>().as_slice() {
                    [c] => quote! { uri.push(#c); },
                    _ => quote! { uri.push_str(#text); },
                })
            }
            PathPart::Label { name, greedy } => {
                let Some(m) = op.input.members.iter().find(|m| {
                    matches!(m.location, MemberLocation::Uri { .. }) && &m.wire_name == name
                }) else {
                    return Err(unsupported(
                        op,
                        &format!("label {{{name}}} without a member"),
                    ));
                };
                let field = ident(&m.rust_name);
                let member = &m.name;
                let text = if m.required {
                    scalar_text(
                        service,
                        op,
                        &m.target,
                        quote!(input.#field),
                        TextPlace::Uri,
                        m.timestamp_format,
                    )?
                } else {
                    let inner = scalar_text(
                        service,
                        op,
                        &m.target,
                        quote!(value),
                        TextPlace::Uri,
                        m.timestamp_format,
                    )?;
                    quote!(input.#field.as_ref().map(|value| #inner.to_owned()).unwrap_or_default().as_str())
                };
                uses_encoder = true;
                path.push(quote! { encoder.label(&mut uri, #member, #text, #greedy); });
            }
        }
    }
    let literal_query = op.http.uri.query.iter().map(|(key, value)| {
        let value = match value {
            Some(v) => quote!(Some(#v)),
            None => quote!(None),
        };
        quote! { crate::protocol::push_query(&mut uri, #key, #value); }
    });
    let mut query = Vec::new();
    let mut query_maps = Vec::new();
    let mut headers = Vec::new();
    for m in &op.input.members {
        let field = ident(&m.rust_name);
        let key = &m.wire_name;
        match &m.location {
            MemberLocation::Query => {
                let push = push_query(
                    service,
                    op,
                    quote!(#key),
                    &m.target,
                    quote!(value),
                    m.timestamp_format,
                )?;
                query.push(bind_value(m, &field, push));
            }
            MemberLocation::QueryParams => {
                let ShapeKind::Map(map) = &service.shape(&m.target).kind else {
                    return Err(unsupported(op, "query parameters that are not a map"));
                };
                let push_item =
                    push_query(service, op, quote!(key), &map.value, quote!(item), None)?;
                // Written after the explicit parameters, which win a clash.
                let push = quote! {
                    let mut entries: Vec<_> = value.iter().collect();
                    entries.sort_by(|a, b| a.0.cmp(b.0));
                    for (key, item) in entries {
                        if crate::protocol::query_has_key(&uri, key) {
                            continue;
                        }
                        #push_item
                    }
                };
                query_maps.push(bind_value(m, &field, push));
            }
            MemberLocation::Header => {
                let name = key.to_ascii_lowercase();
                let member = &m.name;
                let text = match &service.shape(&m.target).kind {
                    ShapeKind::List(list) => {
                        let item = scalar_text(
                            service,
                            op,
                            &list.member,
                            quote!(item),
                            TextPlace::Header,
                            None,
                        )?;
                        // HTTP dates hold a comma but are never quoted.
                        let quoted = if matches!(
                            service.shape(&list.member).kind,
                            ShapeKind::Timestamp { .. }
                        ) {
                            quote!((#item).to_owned())
                        } else {
                            quote!(crate::protocol::quote_header_item(#item).into_owned())
                        };
                        quote!(value.iter().map(|item| #quoted).collect::<Vec<_>>().join(", ").as_str())
                    }
                    _ => scalar_text(
                        service,
                        op,
                        &m.target,
                        quote!(value),
                        TextPlace::Header,
                        m.timestamp_format,
                    )?,
                };
                uses_encoder = true;
                // An empty list sends no header at all.
                let set = quote! { encoder.header(&mut headers, #name, #member, #text); };
                headers.push(
                    if matches!(service.shape(&m.target).kind, ShapeKind::List(_)) {
                        bind_value_if(m, &field, quote!(!value.is_empty()), set)
                    } else {
                        bind_value(m, &field, set)
                    },
                );
            }
            MemberLocation::PrefixHeaders { prefix } => {
                let member = &m.name;
                uses_encoder = true;
                headers.push(bind_value(
                    m,
                    &field,
                    quote! {
                        for (suffix, item) in value {
                            encoder.prefixed_header(&mut headers, #prefix, suffix, #member, item);
                        }
                    },
                ));
            }
            MemberLocation::Uri { .. }
            | MemberLocation::Payload
            | MemberLocation::Body
            | MemberLocation::StatusCode => {}
        }
    }

    let prefix = host_prefix(op);
    uses_encoder |= prefix.uses_encoder;
    let prefix_statements = prefix.statements;
    let prefix_field = prefix.field;
    let (body, content_type) = request_body(service, op)?;
    let set_content_type = content_type.map(|ct| {
        quote! {
            if !headers.contains_key(http::header::CONTENT_TYPE) {
                headers.insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static(#ct));
            }
        }
    });
    let headers_mut = if headers.is_empty() && set_content_type.is_none() {
        quote!(let headers = http::HeaderMap::new();)
    } else {
        quote!(let mut headers = http::HeaderMap::new();)
    };
    let encoder = if uses_encoder {
        quote!(let mut encoder = crate::protocol::Encoder::new(#input_name);)
    } else {
        quote!(let encoder = crate::protocol::Encoder::new(#input_name);)
    };
    let capacity = op.http.uri.source.len() + 32;
    let uri_mut = quote!(let mut uri = String::with_capacity(#capacity););
    let input_param = if op.input.members.is_empty() {
        quote!(_input)
    } else {
        quote!(input)
    };
    let allow = super::docs::allow_deprecated_uses(op.input.has_deprecated_member());
    Ok(quote! {
        /// Serializes the input into a request, or says which values cannot be sent.
        #allow
        pub(crate) fn serialize_request(#input_param: &super::#input) -> Result<crate::dispatch::PreparedRequest, crate::error::ValidationError> {
            #encoder
            #uri_mut
            #(#path)*
            #(#literal_query)*
            #(#query)*
            #(#query_maps)*
            #prefix_statements
            #headers_mut
            #(#headers)*
            #set_content_type
            encoder.finish()?;
            Ok(crate::dispatch::PreparedRequest {
                method: #method,
                path_and_query: uri,
                headers,
                body: #body,
                #prefix_field
            })
        }
    })
}

/// Pushes `value` (a reference to a value of `target`) as query parameter
/// `key`; a list repeats the key for each item, as botocore's `doseq` does.
fn push_query(
    service: &Service,
    op: &Operation,
    key: TokenStream,
    target: &str,
    value: TokenStream,
    format: Option<TimestampFormat>,
) -> Result<TokenStream, EmitError> {
    Ok(match &service.shape(target).kind {
        ShapeKind::List(list) => {
            let text = scalar_text(
                service,
                op,
                &list.member,
                quote!(item),
                TextPlace::Uri,
                None,
            )?;
            quote! {
                for item in #value {
                    crate::protocol::push_query(&mut uri, #key, Some(#text));
                }
            }
        }
        _ => {
            let text = scalar_text(service, op, target, value, TextPlace::Uri, format)?;
            quote! { crate::protocol::push_query(&mut uri, #key, Some(#text)); }
        }
    })
}

/// `push`, run with `value` bound to the member's value when it is set.
fn bind_value(m: &Member, field: &proc_macro2::Ident, push: TokenStream) -> TokenStream {
    if m.required {
        quote! {
            {
                let value = &input.#field;
                #push
            }
        }
    } else {
        quote! {
            if let Some(value) = &input.#field {
                #push
            }
        }
    }
}

/// `push`, run with `value` bound to the member's value when it is set and
/// `condition` holds.
fn bind_value_if(
    m: &Member,
    field: &proc_macro2::Ident,
    condition: TokenStream,
    push: TokenStream,
) -> TokenStream {
    if m.required {
        quote! {
            {
                let value = &input.#field;
                if #condition {
                    #push
                }
            }
        }
    } else {
        quote! {
            if let Some(value) = &input.#field && #condition {
                #push
            }
        }
    }
}

/// The body expression (`bytes::Bytes`) and the default `Content-Type`.
fn request_body(
    service: &Service,
    op: &Operation,
) -> Result<(TokenStream, Option<&'static str>), EmitError> {
    let input_name = &op.input.rust_name;
    if let Some(body) = json_ser::body_object(service, &op.input) {
        return Ok((body, Some("application/json")));
    }
    let Some(payload) = op.input.payload_member() else {
        return Ok((quote!(bytes::Bytes::new()), None));
    };
    let field = ident(&payload.rust_name);
    match &service.shape(&payload.target).kind {
        ShapeKind::Blob { .. } => {
            let body = if payload.required {
                quote!(input.#field.clone().into_bytes())
            } else {
                quote!(input.#field.clone().map(crate::primitives::Blob::into_bytes).unwrap_or_default())
            };
            Ok((body, Some("application/octet-stream")))
        }
        ShapeKind::String => {
            let body = if payload.required {
                quote!(bytes::Bytes::from(input.#field.clone()))
            } else {
                quote!(input.#field.clone().map(bytes::Bytes::from).unwrap_or_default())
            };
            Ok((body, Some("text/plain")))
        }
        ShapeKind::Enum(_) => {
            let body = if payload.required {
                quote!(bytes::Bytes::copy_from_slice(input.#field.as_str().as_bytes()))
            } else {
                quote!(input.#field.as_ref().map(|value| bytes::Bytes::copy_from_slice(value.as_str().as_bytes())).unwrap_or_default())
            };
            Ok((body, Some("text/plain")))
        }
        // An absent structure payload is sent as `{}`, as botocore does.
        ShapeKind::Structure(_) => Ok((
            json_payload(
                service,
                payload,
                input_name,
                quote!(bytes::Bytes::from_static(b"{}")),
            ),
            Some("application/json"),
        )),
        ShapeKind::Document => Ok((
            json_payload(service, payload, input_name, quote!(bytes::Bytes::new())),
            Some("application/json"),
        )),
        ShapeKind::Union(u) if !u.event_stream => Ok((
            json_payload(service, payload, input_name, quote!(bytes::Bytes::new())),
            Some("application/json"),
        )),
        // The events stream in after the request; the dispatcher sends them.
        ShapeKind::Union(_) => Ok((
            quote!(bytes::Bytes::new()),
            Some("application/vnd.amazon.eventstream"),
        )),
        other => Err(unsupported(
            op,
            &format!("a {} request payload", other.describe()),
        )),
    }
}

/// Serializes a structure, union or document payload member as the whole
/// JSON body; an absent optional payload sends `absent`.
fn json_payload(
    service: &Service,
    payload: &Member,
    input_name: &str,
    absent: TokenStream,
) -> TokenStream {
    let field = ident(&payload.rust_name);
    let write = json_ser::value_writer(service, &payload.target, None, quote!(value));
    let written = quote! {
        crate::json::Writer::write(|out| {
            #write
            Ok(())
        })
        .map_err(|e| e.into_validation_error(#input_name))?
    };
    if payload.required {
        quote! { { let value = &input.#field; #written } }
    } else {
        quote! {
            match &input.#field {
                Some(value) => #written,
                None => #absent,
            }
        }
    }
}

/// A header whose text parses with `FromStr` into `ty`; `expected` names it in errors.
fn header_parsed(
    ty: TokenStream,
    expected: &str,
    headers: &TokenStream,
    name: &str,
) -> TokenStream {
    quote!(crate::protocol::header_parsed::<#ty>(#headers, #name, #expected)?)
}

/// Reads a header-bound member from `headers` (an expression of type
/// `&http::HeaderMap`); the expression uses `?` on a `DeserializeError`.
pub(crate) fn header_member(service: &Service, m: &Member, headers: TokenStream) -> TokenStream {
    let name = m.wire_name.to_ascii_lowercase();
    let parsed = match &service.shape(&m.target).kind {
        ShapeKind::Enum(_) => {
            let path = named_type_path(service.shape(&m.target)).unwrap_or_default();
            quote!(crate::protocol::header_string(#headers, #name)?.map(#path::from))
        }
        ShapeKind::Boolean => header_parsed(quote!(bool), "a boolean", &headers, &name),
        ShapeKind::Byte => header_parsed(quote!(i8), "an integer", &headers, &name),
        ShapeKind::Short => header_parsed(quote!(i16), "an integer", &headers, &name),
        ShapeKind::Integer => header_parsed(quote!(i32), "an integer", &headers, &name),
        ShapeKind::Long => header_parsed(quote!(i64), "an integer", &headers, &name),
        ShapeKind::Float => header_parsed(quote!(f32), "a number", &headers, &name),
        ShapeKind::Double => header_parsed(quote!(f64), "a number", &headers, &name),
        ShapeKind::List(list) => {
            let parsed = |ty: TokenStream, expected: &str| quote!(crate::protocol::header_list_parsed::<#ty>(#headers, #name, #expected)?);
            match &service.shape(&list.member).kind {
                ShapeKind::Enum(_) => {
                    let path = named_type_path(service.shape(&list.member)).unwrap_or_default();
                    quote!(crate::protocol::header_list(#headers, #name)?.map(|items| items.into_iter().map(#path::from).collect()))
                }
                ShapeKind::Boolean => parsed(quote!(bool), "a boolean"),
                ShapeKind::Byte => parsed(quote!(i8), "an integer"),
                ShapeKind::Short => parsed(quote!(i16), "an integer"),
                ShapeKind::Integer => parsed(quote!(i32), "an integer"),
                ShapeKind::Long => parsed(quote!(i64), "an integer"),
                ShapeKind::Float => parsed(quote!(f32), "a number"),
                ShapeKind::Double => parsed(quote!(f64), "a number"),
                ShapeKind::Timestamp { format } => {
                    let format =
                        json_ser::timestamp_format(format.unwrap_or(TimestampFormat::HttpDate));
                    quote!(crate::protocol::header_timestamp_list(#headers, #name, #format)?)
                }
                _ => quote!(crate::protocol::header_list(#headers, #name)?),
            }
        }
        ShapeKind::Timestamp { format } => {
            let format = json_ser::timestamp_format(
                m.timestamp_format
                    .or(*format)
                    .unwrap_or(TimestampFormat::HttpDate),
            );
            quote!(crate::protocol::header_timestamp(#headers, #name, #format)?)
        }
        _ => quote!(crate::protocol::header_string(#headers, #name)?),
    };
    if m.required {
        quote!(#parsed.unwrap_or_else(crate::json::Fallback::fallback))
    } else {
        parsed
    }
}

fn parse_response(service: &Service, op: &Operation) -> Result<TokenStream, EmitError> {
    let output = ident(&op.output.rust_name);
    let streaming = streams_output(service, op);
    let mut uses_parts = streaming;
    let has_body_members = op.output.body_members().next().is_some();
    let mut uses_body = has_body_members;
    let mut fields = Vec::new();
    for m in &op.output.members {
        let field = ident(&m.rust_name);
        let value = match &m.location {
            MemberLocation::Header => {
                uses_parts = true;
                header_member(service, m, quote!(&parts.headers))
            }
            MemberLocation::PrefixHeaders { prefix } => {
                uses_parts = true;
                let map = quote!(crate::protocol::prefixed_headers(&parts.headers, #prefix)?);
                if m.required { map } else { quote!(Some(#map)) }
            }
            MemberLocation::StatusCode => {
                uses_parts = true;
                let status = quote!(i32::from(parts.status.as_u16()));
                if m.required {
                    status
                } else {
                    quote!(Some(#status))
                }
            }
            MemberLocation::Payload => {
                uses_body = true;
                let value = match &service.shape(&m.target).kind {
                    ShapeKind::Union(u) if u.event_stream => {
                        quote!(crate::event_stream::EventReceiver::new(body, timeouts))
                    }
                    ShapeKind::Blob { .. } => quote!(crate::primitives::Blob::new(body)),
                    ShapeKind::String => quote!(crate::protocol::utf8_payload(body)?),
                    ShapeKind::Enum(_) => {
                        let path = named_type_path(service.shape(&m.target)).unwrap_or_default();
                        quote!(#path::from(crate::protocol::utf8_payload(body)?))
                    }
                    ShapeKind::Structure(_) | ShapeKind::Union(_) | ShapeKind::Document => {
                        let parser = json_de::parser(service, &m.target, m.boxed, None);
                        if m.required {
                            quote!(crate::json::parse_value(&crate::json::parse_body(&body)?, #parser)?)
                        } else {
                            // An empty body means the payload is absent.
                            fields.push(quote! {
                                #field: if body.is_empty() { None } else { Some(crate::json::parse_value(&crate::json::parse_body(&body)?, #parser)?) },
                            });
                            continue;
                        }
                    }
                    other => {
                        return Err(unsupported(
                            op,
                            &format!("a {} response payload", other.describe()),
                        ));
                    }
                };
                if m.required {
                    value
                } else {
                    quote!(Some(#value))
                }
            }
            // Beside an event stream (awsJson), a body member would come in
            // the stream's initial-response event, which is not read.
            MemberLocation::Body if streaming => json_de::absent(m),
            MemberLocation::Body => json_de::member_from_object(service, m, quote!(object)),
            // Labels and query parameters are request-only: never read back.
            MemberLocation::Uri { .. } | MemberLocation::Query | MemberLocation::QueryParams => {
                json_de::absent(m)
            }
        };
        fields.push(quote! { #field: #value, });
    }
    let parts = if uses_parts {
        quote!(parts)
    } else {
        quote!(_parts)
    };
    let body = if uses_body {
        quote!(body)
    } else {
        quote!(_body)
    };
    let object = has_body_members.then(|| {
        quote! {
            let value = crate::json::parse_body(&body)?;
            let object = crate::json::object(&value)?;
        }
    });
    let allow = super::docs::allow_deprecated_uses(op.output.has_deprecated_member());
    if streaming {
        return Ok(quote! {
            /// Checks that a successful response is an event stream, and
            /// hands its body to a receiver.
            #allow
            pub(crate) fn parse_response(
                parts: http::response::Parts,
                #body: crate::transport::ResponseBody,
                timeouts: crate::event_stream::StreamTimeouts,
            ) -> Result<super::#output, crate::error::ResponseError> {
                crate::protocol::expect_event_stream(&parts.headers)?;
                Ok(super::#output { #(#fields)* })
            }
        });
    }
    Ok(quote! {
        /// Parses a successful response.
        #allow
        pub(crate) fn parse_response(#parts: http::response::Parts, #body: bytes::Bytes) -> Result<super::#output, crate::error::ResponseError> {
            #object
            Ok(super::#output { #(#fields)* })
        }
    })
}

fn parse_error(service: &Service, op: &Operation) -> TokenStream {
    let error = ident(&op.error_name);
    let arms = super::op_error::variants(service, op)
        .into_iter()
        .map(|(shape, s)| {
            // The model's code (a query code, for services that moved from
            // awsQuery) or the shape's name, whichever the response names.
            let code = s.error.as_ref().map(|e| e.code.as_str());
            let pattern = match code {
                Some(code) if code != shape.name => {
                    let name = &shape.name;
                    quote!(#code | #name)
                }
                Some(code) => quote!(#code),
                None => {
                    let name = &shape.name;
                    quote!(#name)
                }
            };
            let variant = ident(&shape.rust_name);
            let parser = json_de::error_fn(shape);
            quote! {
                #pattern => Some(crate::protocol::modeled_error(
                    response,
                    crate::json_de::#parser,
                    super::#error::#variant,
                    super::#error::Unhandled,
                )),
            }
        });
    let arms: Vec<TokenStream> = arms.collect();
    let body = if arms.is_empty() {
        quote!(super::#error::Unhandled(response.unhandled()))
    } else {
        quote! {
            response
                .codes()
                .find_map(|code| match code {
                    #(#arms)*
                    _ => None,
                })
                .unwrap_or_else(|| super::#error::Unhandled(response.unhandled()))
        }
    };
    quote! {
        /// Maps an error response to the operation's error.
        pub(crate) fn parse_error(response: &crate::protocol::ErrorResponse) -> super::#error {
            #body
        }
    }
}
