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
    let guide = guide(service);
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
        #guide
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

/// The crate root's guide: a call of the example operation (compiled,
/// not run, when its feature is on), how features pick operations, how
/// errors look, and that enum values are open.
fn guide(service: &Service) -> TokenStream {
    if service.protocol_tests {
        return TokenStream::new();
    }
    let lib = &service.lib_name;
    let crate_name = &service.crate_name;
    let mut parts = Vec::new();
    if let Some(op) = example_operation(service) {
        let method = &op.snake_name;
        let setters: String = op
            .input
            .members
            .iter()
            .filter(|m| m.required && !m.idempotency_token)
            .map(|m| format!("\n    .{}(\"example\")", m.rust_name))
            .collect();
        let module = crate::ir::names::bare(&op.snake_name);
        let error_arm = op
            .errors
            .iter()
            .find(|e| e.as_str() == "ThrottlingException")
            .or(op.errors.first())
            .map(|e| {
                let variant = &service.shape(e).rust_name;
                format!(
                    "    Err(err) => match err.as_service_error() {{\n        \
                     Some({lib}::operation::{module}::{error}::{variant}(e)) => eprintln!(\"{variant}: {{e:?}}\"),\n        \
                     _ => eprintln!(\"{{err}}\"),\n    }},\n",
                    error = op.error_name,
                )
            })
            .unwrap_or_else(|| "    Err(err) => eprintln!(\"{err}\"),\n".to_owned());
        let example = format!(
            "# Calling an operation\n\n\
             One `SdkConfig` for the whole program (the environment, the shared\n\
             files and, on EC2, instance metadata), a client made from it, and a call:\n\n\
             ```no_run\n\
             # async fn example() -> Result<(), Box<dyn std::error::Error>> {{\n\
             let shared = {lib}::SdkConfig::load_from_env().await?;\n\
             let client = {lib}::Client::new(&shared);\n\
             match client\n    .{method}(){setters}\n    .send()\n    .await\n{{\n\
             \x20   Ok(output) => println!(\"{{output:?}}\"),\n\
             {error_arm}\
             }}\n\
             # Ok(())\n\
             # }}\n\
             ```\n\n\
             A call ends in an `SdkError`: `InvalidInput` names every violation of the\n\
             model's constraints before anything is sent; `Service` holds the operation's\n\
             typed error (`as_service_error()`, `into_service_error()`), with the code\n\
             and message the service sent; the others say which stage failed\n\
             (credentials, connection, timeout, reading the answer).",
            method = method,
        );
        let cfg = &op.feature;
        parts.push(quote! { #![cfg_attr(feature = #cfg, doc = #example)] });
    }
    let features = format!(
        "# Choosing operations\n\n\
         Each operation is a cargo feature, all on by default. A program that\n\
         calls a few compiles only what they need:\n\n\
         ```toml\n\
         [dependencies]\n\
         {crate_name} = {{ version = \"0.1\", default-features = false, features = [\"{}\"] }}\n\
         ```\n\n\
         Calling an operation whose feature is off fails to compile: the client\n\
         has no such method. Each method's docs name its feature.\n\n\
         # Types\n\n\
         `operation::<name>` holds an operation's input, output, error and\n\
         builders; `types` the model's shared shapes. A shape the model names\n\
         like an operation's input or output (`FooOutput`) is a different type\n\
         from the operation's own; both say so. Enums are open, as in every AWS\n\
         SDK: a value the model does not list travels as `Unknown`, so values\n\
         the service adds later still pass.",
        example_operation(service)
            .map(|op| op.feature.as_str())
            .or(service.operations.first().map(|op| op.feature.as_str()))
            .unwrap_or("operation-name"),
    );
    parts.push(docs::inner(&features));
    quote! { #(#parts)* }
}

/// The operation the crate docs show: one that needs only strings, sends
/// and answers no stream, and is not deprecated; with a required member if
/// any has one, then the shortest name (the service's core verb, as
/// `Converse` or `Query`), then the first by name.
fn example_operation(service: &Service) -> Option<&crate::ir::Operation> {
    service
        .operations
        .iter()
        .filter(|op| {
            op.deprecated.is_none()
                && !super::http_binding::streams_input(service, op)
                && !super::http_binding::streams_output(service, op)
                && op
                    .input
                    .members
                    .iter()
                    .filter(|m| m.required && !m.idempotency_token)
                    .all(|m| matches!(service.shape(&m.target).kind, ShapeKind::String))
        })
        .min_by_key(|op| {
            let required = op
                .input
                .members
                .iter()
                .any(|m| m.required && !m.idempotency_token);
            (!required, op.name.len(), op.name.clone())
        })
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
