//! String enums: a variant per value and `Unknown(String)` for values this
//! version of the model does not know, so that new values never fail to parse.

use proc_macro2::TokenStream;
use quote::quote;

use super::rust_type::ident;
use super::{EmitError, Files, docs};
use crate::ir::{Home, Service, Shape, ShapeKind, StringEnum};

pub(crate) fn emit_all(service: &Service, out: &mut Files<'_>) -> Result<(), EmitError> {
    for shape in service.shapes_in(Home::Types) {
        if let ShapeKind::Enum(values) = &shape.kind {
            let tokens = definition(shape, values);
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

fn definition(shape: &Shape, e: &StringEnum) -> TokenStream {
    let name = ident(&shape.rust_name);
    let type_doc = docs::outer(shape.docs.as_deref(), || {
        format!("The values of `{}`.", shape.name)
    });
    let unknown = ident(&e.unknown_variant);
    let variants: Vec<_> = e.variants.iter().map(|v| ident(&v.rust_name)).collect();
    let values: Vec<&str> = e.variants.iter().map(|v| v.value.as_str()).collect();
    let variant_docs = values.iter().map(|v| format!(" `{v}`"));
    let derive_debug = if shape.sensitive {
        quote!()
    } else {
        quote!(Debug,)
    };
    let debug = shape.sensitive.then(|| {
        quote! {
            impl std::fmt::Debug for #name {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str(crate::redact::REDACTED)
                }
            }
        }
    });

    let serde = super::serde::enum_impls(&name, e);
    quote! {
        #type_doc
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, #derive_debug)]
        #[non_exhaustive]
        pub enum #name {
            #(
                #[doc = #variant_docs]
                #variants,
            )*
            /// A value this version of the SDK does not know.
            #unknown(String),
        }

        impl #name {
            /// The value as it appears on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #( #name::#variants => #values, )*
                    #name::#unknown(value) => value,
                }
            }

            /// Every value the model defines, in model order.
            pub const fn values() -> &'static [&'static str] {
                &[#(#values),*]
            }
        }

        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #( #values => #name::#variants, )*
                    other => #name::#unknown(other.to_owned()),
                }
            }
        }

        impl From<String> for #name {
            fn from(value: String) -> Self {
                match value.as_str() {
                    #( #values => #name::#variants, )*
                    _ => #name::#unknown(value),
                }
            }
        }

        impl std::str::FromStr for #name {
            type Err = std::convert::Infallible;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(#name::from(value))
            }
        }

        impl AsRef<str> for #name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        #debug
        #serde
    }
}
