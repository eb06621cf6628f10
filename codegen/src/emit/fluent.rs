//! The fluent builder that `Client` returns for an operation: the input's
//! setters, and `send()`, which validates, serializes and dispatches.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::rust_type::{self, ident};
use super::structure::setters;
use crate::ir::{Operation, Service, ShapeKind};

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
    // Idempotency tokens the caller leaves empty get a fresh UUID, so that
    // retries of this call are recognised as one request.
    let token_fills = op
        .input
        .members
        .iter()
        .filter(|m| m.idempotency_token)
        .map(|m| {
            let field = ident(&m.rust_name);
            let get = format_ident!("get_{}", crate::ir::names::bare(&m.rust_name));
            // A deprecated token member is still filled (datazone's are).
            let allow = super::docs::allow_deprecated_uses(m.deprecated.is_some());
            quote! {
                #allow
                let filled = if inner.#get().is_none() {
                    inner.#field(crate::dispatch::idempotency_token())
                } else {
                    inner
                };
                inner = filled;
            }
        });
    let fill_tokens = if op.input.members.iter().any(|m| m.idempotency_token) {
        quote! {
            let mut inner = self.inner;
            #(#token_fills)*
        }
    } else {
        quote! { let inner = self.inner; }
    };
    let send = if super::http_binding::streams_input(service, op) {
        let stream_member = op
            .input
            .payload_member()
            .map(|m| ident(&m.rust_name))
            .unwrap_or_else(|| ident("body"));
        let events = op
            .input
            .payload_member()
            .map(|m| rust_type::of(service, &m.target))
            .unwrap_or_default();
        quote! {
            /// Checks the input (and the events given with it) against the
            /// model's constraints, as the client's validation mode says,
            /// then opens the stream over HTTP/2. Returns the sender of
            /// further events and the output, whose receiver yields the
            /// service's events as they arrive, while events are still
            /// being sent.
            ///
            /// Sending and receiving are separate values so that each can
            /// live in its own task: `sender.send(event).await` mirrors
            /// `output.body.recv().await`. The events given with the
            /// input go first. Dropping every clone of the sender ends the
            /// input cleanly; dropping the receiver ends the call. The call
            /// is retried (with the same events) only until the service
            /// accepts the stream.
            pub async fn send(
                self,
            ) -> Result<
                (crate::event_stream::EventSender<#events>, super::#output),
                crate::error::SdkError<super::#error>,
            > {
                #fill_tokens
                let mode = self.handle.config().validation_mode();
                if mode != crate::ValidationMode::Off {
                    crate::validation::enforce(mode, #input_name, inner.validate())?;
                }
                let mut input = inner.build()?;
                let events = input.#stream_member.take().unwrap_or_default();
                let request = super::http::serialize_request(&input)?;
                crate::dispatch::send_duplex(
                    &self.handle,
                    &super::http::OPERATION,
                    request,
                    events,
                    super::http::parse_response,
                    super::http::parse_error,
                )
                .await
            }
        }
    } else {
        quote! {
            /// Checks the input against the model's constraints (as the
            /// client's validation mode says), then sends it, retrying as
            /// configured. Nothing is sent when the input is invalid.
            pub async fn send(self) -> Result<super::#output, crate::error::SdkError<super::#error>> {
                #fill_tokens
                let mode = self.handle.config().validation_mode();
                if mode != crate::ValidationMode::Off {
                    crate::validation::enforce(mode, #input_name, inner.validate())?;
                }
                let input = inner.build()?;
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
    let paginator = paginator(service, op);
    quote! {
        #paginator

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

/// For an operation with a paginator: `into_paginator()` on the fluent
/// builder, and the paginator with its page and item streams.
fn paginator(service: &Service, op: &Operation) -> Option<TokenStream> {
    let config = op.paginator.as_ref()?;
    let input_member = |name: &str| op.input.members.iter().find(|m| m.name == name);
    let output_member = |name: &str| op.output.members.iter().find(|m| m.name == name);
    let token_in = input_member(&config.input_token)?;
    let token_out = output_member(&config.output_token)?;
    let fluent = ident(&op.fluent_name);
    let output = ident(&op.output.rust_name);
    let error = ident(&op.error_name);
    let name = format_ident!(
        "{}Paginator",
        crate::ir::names::bare(&op.fluent_name).trim_end_matches("FluentBuilder")
    );
    let set_token = format_ident!("set_{}", crate::ir::names::bare(&token_in.rust_name));
    let get_token = format_ident!("get_{}", crate::ir::names::bare(&token_in.rust_name));
    let out_field = ident(&token_out.rust_name);
    let next_token = if token_out.required {
        quote!(|output: &super::#output| Some(output.#out_field.as_str()))
    } else {
        quote!(|output: &super::#output| output.#out_field.as_deref())
    };
    let doc = format!(
        " The pages of `{}`, following `{}` until the service sends none.",
        op.name, config.output_token
    );
    let into_doc = format!(
        " Pages through the results, following `{}`.",
        config.output_token
    );
    let page_size = config.limit_key.as_deref().and_then(input_member).map(|m| {
        let setter = ident(&m.rust_name);
        let ty = rust_type::of(service, &m.target);
        let doc = format!(" Asks for at most this many items per page (`{}`).", m.name);
        quote! {
            #[doc = #doc]
            pub fn page_size(mut self, size: #ty) -> Self {
                self.builder = self.builder.#setter(size);
                self
            }
        }
    });
    let items = config.result_key.as_deref().and_then(output_member).and_then(|m| {
        let ShapeKind::List(list) = &service.shape(&m.target).kind else {
            return None;
        };
        let item = rust_type::of(service, &list.member);
        let item = if list.sparse { quote!(Option<#item>) } else { item };
        let field = ident(&m.rust_name);
        let take = if m.required {
            quote!(|output: super::#output| output.#field)
        } else {
            quote!(|output: super::#output| output.#field.unwrap_or_default())
        };
        let doc = format!(" Every item of every page (`{}`), in order.", m.name);
        Some(quote! {
            #[doc = #doc]
            pub fn items(self) -> crate::pagination::ItemStream<#item, super::#output, super::#error> {
                crate::pagination::ItemStream::new(self.send(), #take)
            }
        })
    });
    Some(quote! {
        impl #fluent {
            #[doc = #into_doc]
            pub fn into_paginator(self) -> #name {
                #name { builder: self }
            }
        }

        #[doc = #doc]
        #[derive(Debug, Clone)]
        pub struct #name {
            builder: #fluent,
        }

        impl #name {
            #page_size

            /// Every page, in order; fetched as the stream is read.
            pub fn send(self) -> crate::pagination::PageStream<super::#output, super::#error> {
                let builder = self.builder;
                let first = builder.#get_token().clone();
                crate::pagination::PageStream::new(
                    first,
                    move |token| Box::pin(builder.clone().#set_token(token).send()),
                    #next_token,
                )
            }

            #items
        }
    })
}
