//! `lib.rs` and the files that list a directory's modules.

use proc_macro2::TokenStream;
use quote::quote;

use super::runtime;
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
    out.rust("src/config.rs", config_module(service))?;
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
    let runtime_modules = runtime::reexports(service);
    let endpoint_module = service.endpoint_rules.as_ref().map(|_| {
        quote! {
            #[rustfmt::skip]
            mod endpoint_data;
        }
    });
    let protocol_tests = service.protocol_tests.then(|| {
        quote! {
            /// botocore's protocol tests, a test per case.
            #[cfg(test)]
            #[rustfmt::skip]
            mod protocol_tests;
        }
    });
    quote! {
        #crate_docs
        #![warn(missing_docs)]
        // On docs.rs (`--cfg docsrs`), every feature-gated item is marked
        // with the feature that enables it.
        #![cfg_attr(docsrs, feature(doc_cfg))]

        #[cfg(feature = "cli")]
        #[rustfmt::skip]
        pub mod cli;
        #[rustfmt::skip]
        pub mod client;
        #[rustfmt::skip]
        pub mod config;
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

        pub use crate::client::Client;
        pub use crate::config::{Config, ConfigBuilder};
        #runtime_modules
        pub use sdk_runtime::{RetryConfig, SdkConfig, TimeoutConfig, ValidationMode};
        #protocol_tests
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
        let uses = crate::ir::ERROR_MODULE_RUNTIME_EXPORTS
            .iter()
            .map(|(module, names)| {
                let module = ident(module);
                let names = names.iter().map(|name| ident(name));
                quote! { pub use sdk_runtime::#module::{#(#names),*}; }
            });
        quote! { #(#uses)* }
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
        Some(_) => quote!(Some(crate::dispatch::EndpointRules::new(
            crate::endpoint_data::RULES
        ))),
        None => quote!(None),
    };
    let sdk_id = &service.service_id;
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
            sdk_id: #sdk_id,
            crate_name: env!("CARGO_PKG_NAME"),
            crate_version: env!("CARGO_PKG_VERSION"),
            endpoint_prefix: #endpoint_prefix,
            signing_name: #signing_name,
            endpoint_rules: #endpoint_rules,
            bearer_token_env: #bearer_token_env,
            query_compatible: #query_compatible,
            endpoint_params: #endpoint_params,
        };
    }
}

/// `src/config.rs`: the service's `Config`, the runtime's configuration
/// for this service, and what a program shares between services.
fn config_module(service: &Service) -> TokenStream {
    let module_doc = docs::inner(&format!(
        "The configuration of {title} clients. A program that uses several services makes one [`SdkConfig`] and a client of each from it (`Client::new(&sdk_config)`); [`Config`] overrides settings for {title} alone (`ConfigBuilder::from(&sdk_config)`).",
        title = service.title
    ));
    let marker_doc = format!(
        " {}, as the runtime's configuration types name a service: [`Config`] is `sdk_runtime::config::Config<Service>`.",
        service.title
    );
    let config_doc = format!(
        " The configuration of {} clients: a shared [`SdkConfig`] and what this service resolves from it (its endpoint above all). Cheap to clone.",
        service.title
    );
    quote! {
        #module_doc

        pub use sdk_runtime::config::{AccountIdEndpointMode, SdkConfig, SdkConfigBuilder, TimeoutConfig};

        #[doc = #marker_doc]
        #[derive(Debug, Clone, Copy)]
        pub struct Service;

        impl sdk_runtime::config::Service for Service {
            const INFO: &'static sdk_runtime::dispatch::ServiceInfo = &crate::service::SERVICE;
        }

        #[doc = #config_doc]
        pub type Config = sdk_runtime::config::Config<Service>;

        /// Builds a [`Config`]: from the environment (`Config::env_builder()`), from nothing (`Config::builder()`), or from a shared configuration (`ConfigBuilder::from(&sdk_config)`).
        pub type ConfigBuilder = sdk_runtime::config::ConfigBuilder<Service>;
    }
}
