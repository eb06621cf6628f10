//! The fluent builder that `Client` returns for an operation: the input's
//! setters, and `send()`, which validates, serializes and dispatches.

use proc_macro2::TokenStream;
use quote::quote;

use super::rust_type::ident;
use super::structure::setters;
use crate::ir::{Operation, Service};

pub(crate) fn definition(service: &Service, op: &Operation) -> TokenStream {
    let name = ident(&op.fluent_name);
    let input = ident(&op.input.rust_name);
    let input_builder = ident(&op.input.builder_name);
    let output = ident(&op.output.rust_name);
    let error = ident(&op.error_name);
    let input_name = &op.input.rust_name;
    let doc = format!(
        " Builds and sends a `{}` request; made by [`Client::{}`](crate::Client::{}).",
        op.name,
        crate::ir::names::bare(&op.snake_name),
        crate::ir::names::bare(&op.snake_name)
    );
    let setters = op
        .input
        .members
        .iter()
        .map(|m| setters(service, m).delegating());
    let dispatch = if super::http_binding::streams_output(service, op) {
        quote!(send_streaming)
    } else {
        quote!(send)
    };
    let send = if super::http_binding::streams_input(service, op) {
        let reason = format!(
            "{} sends an event stream over HTTP/2, which this version of the client does not support yet",
            op.name
        );
        quote! {
            /// Not supported yet: the operation sends an event stream over
            /// HTTP/2. Fails without sending anything.
            pub async fn send(self) -> Result<super::#output, crate::error::SdkError<super::#error>> {
                tracing::debug!(config = ?self.handle.config(), "{}", #reason);
                Err(crate::error::SdkError::Unsupported(crate::error::UnsupportedError::new(#reason)))
            }
        }
    } else {
        quote! {
            /// Checks the input against the model's constraints (as the
            /// client's validation mode says), then sends it, retrying as
            /// configured. Nothing is sent when the input is invalid.
            pub async fn send(self) -> Result<super::#output, crate::error::SdkError<super::#error>> {
                let mode = self.handle.config().validation_mode();
                if mode != crate::ValidationMode::Off {
                    crate::validation::enforce(mode, #input_name, self.inner.validate())?;
                }
                let input = self.inner.build()?;
                let request = super::http::serialize_request(&input)?;
                crate::dispatch::#dispatch(
                    &self.handle,
                    &super::http::OPERATION,
                    request,
                    super::http::parse_response,
                    super::http::parse_error,
                )
                .await
            }
        }
    };
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone)]
        pub struct #name {
            handle: std::sync::Arc<crate::dispatch::Handle>,
            inner: super::#input_builder,
        }

        impl #name {
            pub(crate) fn new(handle: std::sync::Arc<crate::dispatch::Handle>) -> Self {
                #name {
                    handle,
                    inner: super::#input::builder(),
                }
            }

            /// The input as built so far.
            pub fn as_input(&self) -> &super::#input_builder {
                &self.inner
            }

            #(#setters)*

            #send
        }
    }
}
