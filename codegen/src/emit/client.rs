//! `src/client.rs`: the client, with a method per operation.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs;
use super::rust_type::ident;
use crate::ir::Service;

pub(crate) fn definition(service: &Service) -> TokenStream {
    let module_doc = docs::inner(&format!("The client for {}.", service.title));
    let doc = format!(
        " A client for {}. Cheap to clone: clones share connections, cached credentials and the retry quota.",
        service.title
    );
    let methods = service.operations.iter().map(|op| {
        let method = ident(&op.snake_name);
        let module = ident(&op.snake_name);
        let fluent = ident(&op.fluent_name);
        let op_doc = docs::outer(op.docs.as_deref(), || format!("Calls `{}`.", op.name));
        let feature_doc = format!(
            " Needs the cargo feature `{}` (on by default; with `default-features = false`, list it).",
            op.feature
        );
        let deprecated = docs::deprecated(op.deprecated.as_ref());
        let cfg = super::features::for_operation(op);
        quote! {
            #op_doc
            #[doc = ""]
            #[doc = #feature_doc]
            #deprecated
            #cfg
            pub fn #method(&self) -> crate::operation::#module::#fluent {
                crate::operation::#module::#fluent::new(self.handle.clone())
            }
        }
    });
    // The dispatcher's handle exists when some operation is compiled in:
    // with none, nothing would read it.
    let (handle_field, handle_value) = if service.operations.is_empty() {
        (TokenStream::new(), TokenStream::new())
    } else {
        let every_operation: Vec<usize> = (0..service.operations.len()).collect();
        let cfg = super::features::for_users(service, &every_operation);
        (
            quote! { #cfg handle: std::sync::Arc<crate::dispatch::Handle>, },
            quote! {
                #cfg
                handle: std::sync::Arc::new(crate::dispatch::Handle::new(config.resolved().clone())),
            },
        )
    };
    quote! {
        #module_doc

        #[doc = #doc]
        #[derive(Debug, Clone)]
        pub struct Client {
            config: crate::Config,
            #handle_field
        }

        impl Client {
            /// A client made from the configuration a program shares between
            /// services: clients made from one `SdkConfig` share its
            /// credentials cache and connection pool. What this service
            /// cannot resolve from it (no region, say) is reported by each
            /// call before anything is sent.
            pub fn new(sdk_config: &crate::SdkConfig) -> Self {
                Self::from_conf(crate::Config::from(sdk_config))
            }

            /// A client with this service's own configuration.
            pub fn from_conf(config: crate::Config) -> Self {
                Client {
                    #handle_value
                    config,
                }
            }

            /// The client's configuration.
            pub fn config(&self) -> &crate::Config {
                &self.config
            }

            #(#methods)*
        }
    }
}
