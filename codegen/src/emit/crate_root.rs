//! `lib.rs` and the files that list a directory's modules.

use proc_macro2::TokenStream;
use quote::quote;

use super::runtime::{self, Visibility};
use super::rust_type::ident;
use super::{EmitError, Files, docs};
use crate::ir::{Home, Service, ShapeKind};

pub(crate) fn emit(service: &Service, out: &mut Files<'_>) -> Result<(), EmitError> {
    out.rust("src/lib.rs", lib_rs(service))?;
    out.rust(
        "src/types.rs",
        shapes_module(service, Home::Types, types_docs(service)),
    )?;
    out.rust(
        "src/error.rs",
        shapes_module(service, Home::Error, error_docs(service)),
    )?;
    out.rust("src/operation.rs", operation_module(service))?;
    out.rust("src/client.rs", super::client::definition(service))?;
    out.rust("src/service.rs", service_info(service))?;
    Ok(())
}

fn lib_rs(service: &Service) -> TokenStream {
    let mut text = format!(
        "A client for {}, generated from `{}`.",
        service.title, service.model_file
    );
    if let Some(docs) = &service.docs {
        text.push_str("\n\n");
        text.push_str(docs);
    }
    let crate_docs = docs::inner(&text);
    let runtime_modules = runtime::modules(service).map(|m| {
        let name = ident(m.module);
        let gate = m
            .feature
            .map(|feature| quote! { #[cfg(feature = #feature)] });
        match m.visibility {
            Visibility::Public => quote! { #gate pub mod #name; },
            Visibility::Hidden => quote! { #gate #[doc(hidden)] pub mod #name; },
            Visibility::Private => quote! { #gate mod #name; },
        }
    });
    let endpoint_module = service.endpoint_rules.as_ref().map(|_| {
        quote! {
            #[rustfmt::skip]
            mod endpoint_data;
        }
    });
    quote! {
        #crate_docs
        #![warn(missing_docs)]

        #[cfg(feature = "cli")]
        #[rustfmt::skip]
        pub mod cli;
        #[rustfmt::skip]
        pub mod client;
        #endpoint_module
        #[rustfmt::skip]
        pub mod error;
        #[rustfmt::skip]
        mod json_de;
        #[rustfmt::skip]
        mod json_ser;
        #[rustfmt::skip]
        pub mod operation;
        #[rustfmt::skip]
        mod service;
        #[rustfmt::skip]
        mod patterns;
        #[rustfmt::skip]
        pub mod types;

        #(#runtime_modules)*

        pub use crate::client::Client;
        pub use crate::config::{Config, ConfigBuilder, TimeoutConfig};
        pub use crate::retry::RetryConfig;
        pub(crate) use crate::service::SERVICE;
        pub use crate::validation::ValidationMode;
    }
}

fn types_docs(service: &Service) -> String {
    format!(
        "Structures, unions and enums shared by the operations of {}.",
        service.title
    )
}

fn error_docs(service: &Service) -> String {
    format!(
        "Errors: those {} returns, and those this crate reports before anything is sent.",
        service.title
    )
}

/// `types.rs` or `error.rs`: a module per named type, re-exported.
fn shapes_module(service: &Service, home: Home, text: String) -> TokenStream {
    let module_docs = docs::inner(&text);
    let entries = service.shapes_in(home).filter_map(|shape| {
        let module = ident(&shape.module_name);
        let name = ident(&shape.rust_name);
        let items = match &shape.kind {
            ShapeKind::Structure(s) => {
                let builder = ident(&s.builder_name);
                quote! { {#name, #builder} }
            }
            ShapeKind::Union(u) if u.event_stream && shape.used_in_output => {
                let error = ident(u.error_name.as_deref().unwrap_or_default());
                quote! { {#name, #error} }
            }
            ShapeKind::Union(_) | ShapeKind::Enum(_) => quote! { #name },
            _ => return None,
        };
        let cfg = super::features::for_shape(service, shape);
        Some(quote! {
            #cfg
            #[rustfmt::skip]
            mod #module;
            #cfg
            pub use self::#module::#items;
        })
    });
    let runtime_exports = (home == Home::Error).then(|| {
        quote! {
            pub use crate::sdk_error::{
                BoxError, ConfigError, CredentialsError, ErrorMetadata, ResponseError, SdkError, ServiceError,
                TimeoutError, TimeoutKind, TransportError, TransportErrorKind, Unhandled, UnsupportedError,
            };
            pub use crate::validation::{ValidationError, Violation, ViolationKind};
        }
    });
    quote! {
        #module_docs
        #(#entries)*
        #runtime_exports
    }
}

fn operation_module(service: &Service) -> TokenStream {
    let module_docs = docs::inner(&format!(
        "The operations of {}: a module each, with the input, output and error types.",
        service.title
    ));
    let modules = service.operations.iter().map(|op| {
        let module = ident(&op.snake_name);
        let cfg = super::features::for_operation(op);
        quote! {
            #cfg
            #[rustfmt::skip]
            pub mod #module;
        }
    });
    quote! {
        #module_docs
        #(#modules)*
    }
}

/// `src/service.rs`: what the runtime needs to know about the service.
fn service_info(service: &Service) -> TokenStream {
    let module_doc = docs::inner("What the runtime needs to know about the service.");
    let endpoint_prefix = &service.endpoint_prefix;
    let signing_name = &service.signing_name;
    let bearer_token_env = if service
        .operations
        .iter()
        .any(|op| op.auth.supported.contains(&crate::ir::AuthScheme::Bearer))
    {
        let variable = format!(
            "AWS_BEARER_TOKEN_{}",
            service
                .signing_name
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() {
                    c.to_ascii_uppercase()
                } else {
                    '_'
                })
                .collect::<String>()
        );
        quote!(Some(#variable))
    } else {
        quote!(None)
    };
    let endpoint_rules = match &service.endpoint_rules {
        Some(_) => quote!(Some((
            crate::endpoint_data::RULES,
            crate::endpoint_data::PARTITIONS
        ))),
        None => quote!(None),
    };
    let query_compatible = matches!(
        service.protocol,
        crate::ir::Protocol::AwsJson {
            query_compatible: true,
            ..
        }
    );
    // The parameters every operation fixes, as the first one fixes them:
    // the configuration's own endpoint needs them when they are required.
    let shared_params: Vec<(String, crate::ir::EndpointValue)> = service
        .operations
        .first()
        .map(|first| {
            first
                .endpoint_params
                .iter()
                .filter(|(name, _)| {
                    service
                        .operations
                        .iter()
                        .all(|op| op.endpoint_params.iter().any(|(p, _)| p == name))
                })
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    let endpoint_params = super::http_binding::endpoint_params(&shared_params);
    quote! {
        #module_doc

        /// Names, signing and endpoint rules of the service.
        pub(crate) static SERVICE: crate::dispatch::ServiceInfo = crate::dispatch::ServiceInfo {
            endpoint_prefix: #endpoint_prefix,
            signing_name: #signing_name,
            endpoint_rules: #endpoint_rules,
            bearer_token_env: #bearer_token_env,
            query_compatible: #query_compatible,
            endpoint_params: #endpoint_params,
        };
    }
}
