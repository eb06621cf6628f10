//! Unions: tagged enums with an `Unknown` variant for members this version
//! of the model does not know.

use proc_macro2::TokenStream;
use quote::quote;

use super::rust_type::{self, ident};
use super::{EmitError, Files, docs, validate};
use crate::ir::{Home, Service, Shape, ShapeKind, Union};

pub(crate) fn emit_all(service: &Service, out: &mut Files<'_>) -> Result<(), EmitError> {
    for shape in service.shapes_in(Home::Types) {
        if let ShapeKind::Union(union) = &shape.kind {
            let tokens = definition(service, shape, union);
            out.rust(
                &format!(
                    "src/types/{}.rs",
                    crate::ir::names::bare(&shape.module_name)
                ),
                tokens,
            )?;
        }
    }
    Ok(())
}

fn definition(service: &Service, shape: &Shape, u: &Union) -> TokenStream {
    if u.event_stream {
        return event_stream(service, shape, u);
    }
    let name = ident(&u.rust_name);
    let type_doc = docs::outer(u.docs.as_deref(), || {
        format!("The `{}` union.", u.rust_name)
    });
    let unknown = ident(&u.unknown_variant);
    let redacts = u.sensitive || u.members.iter().any(|m| m.sensitive);
    let derive_debug = if redacts { quote!() } else { quote!(Debug,) };

    let variants = u.members.iter().map(|m| {
        let variant = ident(&m.rust_name);
        let ty = rust_type::member_value(service, m);
        let doc = docs::outer(m.docs.as_deref(), || format!("The `{}` member.", m.name));
        let deprecated = docs::deprecated(m.deprecated.as_ref());
        quote! { #doc #deprecated #variant(#ty), }
    });
    let debug = redacts.then(|| {
        let arms = u.members.iter().map(|m| {
            let variant = ident(&m.rust_name);
            let label = crate::ir::names::bare(&m.rust_name);
            if u.sensitive || m.sensitive {
                quote! { #name::#variant(_) => f.debug_tuple(#label).field(&crate::redact::Redacted::SET).finish(), }
            } else {
                quote! { #name::#variant(value) => f.debug_tuple(#label).field(value).finish(), }
            }
        });
        let unknown_label = &u.unknown_variant;
        quote! {
            impl std::fmt::Debug for #name {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    match self {
                        #(#arms)*
                        #name::#unknown(member) => f.debug_tuple(#unknown_label).field(member).finish(),
                    }
                }
            }
        }
    });
    let validation = validate::union_methods(service, u);
    // `ContentBlock::text("hi")`: a named constructor for each text
    // member, rather than a `From<&str>` that would have to pick one.
    let constructors: Vec<TokenStream> = u
        .members
        .iter()
        .filter(|m| {
            m.deprecated.is_none()
                && !m.boxed
                && matches!(service.shape(&m.target).kind, ShapeKind::String)
        })
        .filter_map(|m| {
            let method = crate::ir::names::snake(crate::ir::names::bare(&m.rust_name));
            // `validate` is taken.
            if method == "validate" {
                return None;
            }
            let method = ident(&method);
            let variant = ident(&m.rust_name);
            let doc = format!(" The `{}` member, from text.", m.name);
            Some(quote! {
                #[doc = #doc]
                pub fn #method(value: impl Into<String>) -> Self {
                    #name::#variant(value.into())
                }
            })
        })
        .collect();
    let constructors = (!constructors.is_empty()).then(|| {
        quote! {
            impl #name {
                #(#constructors)*
            }
        }
    });
    let members: Vec<&crate::ir::Member> = u.members.iter().collect();
    let serde = super::serde::union_impls(service, u, &members);

    quote! {
        #type_doc
        #[derive(Clone, PartialEq, #derive_debug)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A member this version of the SDK does not know, by its name on the wire.
            #unknown(String),
        }

        #constructors
        #validation
        #debug
        #serde
    }
}

/// How the events of an input stream become messages: checked against the
/// model's constraints as the client's validation mode says, then written.
fn marshal(service: &Service, shape: &Shape, u: &Union) -> TokenStream {
    let name = ident(&u.rust_name);
    let type_name = &u.rust_name;
    let unknown = ident(&u.unknown_variant);
    let shape_name = &shape.name;
    let arms = u.events(service).map(|m| {
        let variant = ident(&m.rust_name);
        let key = &m.name;
        let target = service.shape(&m.target);
        let writer = super::json_ser::event_writer_fn(target);
        let check = target.needs_validation.then(|| {
            quote! {
                if mode != crate::ValidationMode::Off {
                    crate::validation::enforce(mode, #type_name, value.validate())?;
                }
            }
        });
        quote! {
            #name::#variant(value) => {
                #check
                crate::json_ser::#writer(#key, value)
                    .map_err(|e| e.into_validation_error(#type_name))
            }
        }
    });
    let uses_mode = u
        .events(service)
        .any(|m| service.shape(&m.target).needs_validation);
    let mode = if uses_mode {
        quote!(mode)
    } else {
        quote!(_mode)
    };
    quote! {
        impl crate::event_stream::Marshal for #name {
            fn marshal(
                &self,
                #mode: crate::ValidationMode,
            ) -> Result<crate::event_stream::Message, crate::error::ValidationError> {
                match self {
                    #(#arms)*
                    #name::#unknown(_) => Err(crate::json::SerializeError::unknown_variant(#shape_name)
                        .into_validation_error(#type_name)),
                }
            }
        }
    }
}

/// An event stream: an enum of its events (with `Unknown` for event types
/// this model does not know), an enum of the exceptions that can end it, and
/// the decoding of both from event-stream messages.
fn event_stream(service: &Service, shape: &Shape, u: &Union) -> TokenStream {
    let name = ident(&u.rust_name);
    let error_name = ident(u.error_name.as_deref().unwrap_or("EventStreamError"));
    let type_doc = docs::outer(u.docs.as_deref(), || {
        format!("The events of the `{}` stream.", u.rust_name)
    });
    let error_doc = format!(" The exceptions that can end a `{}` stream.", u.rust_name);
    let unknown = ident(&u.unknown_variant);

    let event_variants = u.events(service).map(|m| {
        let variant = ident(&m.rust_name);
        let ty = rust_type::member_value(service, m);
        let doc = docs::outer(m.docs.as_deref(), || format!("The `{}` event.", m.name));
        quote! { #doc #variant(#ty), }
    });
    let event_arms = u.events(service).map(|m| {
        let variant = ident(&m.rust_name);
        let key = &m.name;
        let parser = super::json_de::event_fn(service.shape(&m.target));
        let value = quote!(crate::json_de::#parser(message).map_err(|e| e.within(#key))?);
        let value = if m.boxed {
            quote!(Box::new(#value))
        } else {
            value
        };
        quote! { #key => #name::#variant(#value), }
    });
    let exception_variants = u.exceptions(service).map(|m| {
        let variant = ident(&m.rust_name);
        let ty = rust_type::of(service, &m.target);
        let doc = docs::outer(m.docs.as_deref(), || format!("The `{}` exception.", m.name));
        quote! { #doc #variant(#ty), }
    });
    let exception_arms: Vec<TokenStream> = u
        .exceptions(service)
        .map(|m| {
            let variant = ident(&m.rust_name);
            let key = &m.name;
            let parser = super::json_de::event_fn(service.shape(&m.target));
            quote! { #key => crate::json_de::#parser(message).map(#error_name::#variant), }
        })
        .collect();
    let exception_body = if exception_arms.is_empty() {
        quote! {
            let _ = (exception_type, message);
            None
        }
    } else {
        quote! {
            Some(match exception_type {
                #(#exception_arms)*
                _ => return None,
            })
        }
    };
    let display_arms = u.exceptions(service).map(|m| {
        let variant = ident(&m.rust_name);
        quote! { #error_name::#variant(e) => std::fmt::Display::fmt(e, f), }
    });
    let source_arms = u.exceptions(service).map(|m| {
        let variant = ident(&m.rust_name);
        quote! { #error_name::#variant(e) => Some(e), }
    });
    let has_exceptions = u.exceptions(service).next().is_some();
    let error_impls = if has_exceptions {
        quote! {
            impl std::fmt::Display for #error_name {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    match self {
                        #(#display_arms)*
                    }
                }
            }

            impl std::error::Error for #error_name {
                fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                    match self {
                        #(#source_arms)*
                    }
                }
            }
        }
    } else {
        quote! {
            impl std::fmt::Display for #error_name {
                fn fmt(&self, _f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    match *self {}
                }
            }

            impl std::error::Error for #error_name {}
        }
    };

    let event_members: Vec<&crate::ir::Member> = u.events(service).collect();
    let serde = super::serde::union_impls(service, u, &event_members);
    let events = quote! {
        #serde

        #type_doc
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #(#event_variants)*
            /// An event type this version of the SDK does not know, by its `:event-type`.
            #unknown(String),
        }
    };
    if !shape.used_in_output {
        // Sent, not received: nothing to decode, no exceptions to end it.
        let marshal = marshal(service, shape, u);
        return quote! {
            #events
            #marshal
        };
    }
    quote! {
        #events

        #[doc = #error_doc]
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        #[allow(clippy::enum_variant_names, reason = "variants are named after the model's exception shapes")]
        pub enum #error_name {
            #(#exception_variants)*
        }

        #error_impls

        impl crate::event_stream::Unmarshal for #name {
            type Error = #error_name;

            fn event(
                event_type: &str,
                message: &crate::event_stream::Message,
            ) -> Result<Self, crate::json::DeserializeError> {
                Ok(match event_type {
                    #(#event_arms)*
                    other => #name::#unknown(other.to_owned()),
                })
            }

            fn exception(
                exception_type: &str,
                message: &crate::event_stream::Message,
            ) -> Option<Result<Self::Error, crate::json::DeserializeError>> {
                #exception_body
            }
        }
    }
}
