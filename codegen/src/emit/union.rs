//! Unions: tagged enums with an `Unknown` variant for members this version
//! of the model does not know.

use proc_macro2::TokenStream;
use quote::quote;

use super::rust_type::{self, ident};
use super::structure::module_name;
use super::{EmitError, Files, docs, validate};
use crate::ir::{Home, Service, ShapeKind, Union};

pub(crate) fn emit_all(service: &Service, out: &mut Files<'_>) -> Result<(), EmitError> {
    for shape in service.shapes_in(Home::Types) {
        if let ShapeKind::Union(union) = &shape.kind {
            let tokens = definition(service, union);
            out.rust(
                &format!("src/types/{}.rs", module_name(&shape.rust_name)),
                tokens,
            )?;
        }
    }
    Ok(())
}

fn definition(service: &Service, u: &Union) -> TokenStream {
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
                quote! { #name::#variant(_) => f.debug_tuple(#label).field(&crate::primitives::Redacted::SET).finish(), }
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

    quote! {
        #type_doc
        #[derive(Clone, PartialEq, #derive_debug)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A member this version of the SDK does not know, by its name on the wire.
            #unknown(String),
        }

        #validation
        #debug
    }
}
