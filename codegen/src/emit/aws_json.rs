//! The awsJson 1.0 and 1.1 request serializer: `POST /` with the operation
//! named in `X-Amz-Target` and the whole input as a JSON object (`{}` when
//! it has no members set). Responses and errors are read as in rest-json,
//! whose parsers (in `http_binding`) every member of an awsJson output
//! already suits: each is a key of the body, or the event stream that is
//! the whole body.

use proc_macro2::TokenStream;
use quote::quote;

use super::EmitError;
use super::http_binding::host_prefix;
use super::json_ser;
use super::rust_type::ident;
use crate::ir::{JsonVersion, Operation, Service};

pub(crate) fn serialize_request(
    service: &Service,
    op: &Operation,
    version: JsonVersion,
    query_compatible: bool,
) -> Result<TokenStream, EmitError> {
    let input = ident(&op.input.rust_name);
    let input_name = &op.input.rust_name;
    let Some(target) = &op.rpc_target else {
        return Err(EmitError {
            path: format!("operations.{}", op.name),
            message: "an awsJson operation without an X-Amz-Target".to_owned(),
            kind: super::EmitErrorKind::Unsupported,
        });
    };
    // An input event stream is the whole body, sent after the request.
    let streams_input = super::http_binding::streams_input(service, op);
    let media_type = if streams_input {
        "application/vnd.amazon.eventstream"
    } else {
        version.media_type()
    };
    let query_mode = query_compatible.then(|| {
        quote! {
            headers.insert(
                http::HeaderName::from_static("x-amzn-query-mode"),
                http::HeaderValue::from_static("true"),
            );
        }
    });
    let body = if streams_input {
        quote!(bytes::Bytes::new())
    } else {
        json_ser::body_object(service, &op.input)
            .unwrap_or_else(|| quote!(bytes::Bytes::from_static(b"{}")))
    };
    let prefix = host_prefix(op);
    let input_param = if op.input.members.is_empty() {
        quote!(_input)
    } else {
        quote!(input)
    };
    let (encoder, finish) = if prefix.uses_encoder {
        (
            quote!(let mut encoder = crate::protocol::Encoder::new(#input_name);),
            quote!(encoder.finish()?;),
        )
    } else {
        (quote!(), quote!())
    };
    let prefix_statements = prefix.statements;
    let prefix_field = prefix.field;
    let allow = super::docs::allow_deprecated_uses(op.input.has_deprecated_member());
    Ok(quote! {
        /// Serializes the input into a request, or says which values cannot be sent.
        #allow
        pub(crate) fn serialize_request(#input_param: &super::#input) -> Result<crate::dispatch::PreparedRequest, crate::error::ValidationError> {
            #encoder
            #prefix_statements
            let mut headers = http::HeaderMap::new();
            headers.insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static(#media_type));
            headers.insert(
                http::HeaderName::from_static("x-amz-target"),
                http::HeaderValue::from_static(#target),
            );
            #query_mode
            let body = #body;
            #finish
            Ok(crate::dispatch::PreparedRequest {
                method: http::Method::POST,
                path_and_query: String::from("/"),
                headers,
                body,
                #prefix_field
            })
        }
    })
}
