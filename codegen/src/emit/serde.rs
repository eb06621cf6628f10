//! The `serde` feature of generated crates: every shape (de)serializes in
//! its wire form, so that applications can store and replay values.
//! Structures derive; enums and unions get impls that keep their `Unknown`
//! variants working.

use proc_macro2::TokenStream;
use quote::quote;

use super::rust_type::ident;
use crate::ir::{
    Member, MemberLocation, Service, ShapeKind, StringEnum, Structure, TimestampFormat, Union,
};

/// The serde name of each member of `s`, in order: body members by their
/// JSON key, the others by their model name. A name already taken (a label
/// `httpMethod` beside a body key `httpMethod`) falls back to the field name.
pub(crate) fn field_names(s: &Structure) -> Vec<String> {
    let mut scope = crate::ir::names::Scope::default();
    let mut names = vec![String::new(); s.members.len()];
    // Body members first: their names are the wire form and must not move.
    let (body, other): (Vec<_>, Vec<_>) = s
        .members
        .iter()
        .enumerate()
        .partition(|(_, m)| m.location == MemberLocation::Body);
    for (i, m) in body {
        names[i] = scope.claim(&m.wire_name);
    }
    for (i, m) in other {
        let wanted = if scope.contains(&m.name) {
            crate::ir::names::bare(&m.rust_name)
        } else {
            m.name.as_str()
        };
        names[i] = scope.claim(wanted);
    }
    names
}

/// `#[serde(...)]` for a structure field: its name from [`field_names`],
/// optional members left out when absent, timestamps in the model's format.
pub(crate) fn field_attributes(service: &Service, m: &Member, name: &str) -> TokenStream {
    let mut parts = vec![quote!(rename = #name)];
    if !m.required {
        parts.push(quote!(default));
        parts.push(quote!(skip_serializing_if = "Option::is_none"));
    }
    if let ShapeKind::Timestamp { format } = &service.shape(&m.target).kind {
        let module = match (m.timestamp_format.or(*format), m.required) {
            (Some(TimestampFormat::DateTime), true) => {
                Some("crate::primitives::serde_timestamp::date_time")
            }
            (Some(TimestampFormat::DateTime), false) => {
                Some("crate::primitives::serde_timestamp::date_time_option")
            }
            (Some(TimestampFormat::HttpDate), true) => {
                Some("crate::primitives::serde_timestamp::http_date")
            }
            (Some(TimestampFormat::HttpDate), false) => {
                Some("crate::primitives::serde_timestamp::http_date_option")
            }
            _ => None,
        };
        if let Some(module) = module {
            parts.push(quote!(with = #module));
        }
    }
    quote! { #[cfg_attr(feature = "serde", serde(#(#parts),*))] }
}

/// A string enum as its wire value.
pub(crate) fn enum_impls(name: &proc_macro2::Ident, _e: &StringEnum) -> TokenStream {
    quote! {
        #[cfg(feature = "serde")]
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        #[cfg(feature = "serde")]
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                String::deserialize(deserializer).map(#name::from)
            }
        }
    }
}

/// A union as a single-key object; a key this model does not know reads as
/// `Unknown`, which cannot be written.
pub(crate) fn union_impls(service: &Service, u: &Union, members: &[&Member]) -> TokenStream {
    let name = ident(&u.rust_name);
    let type_name = &u.rust_name;
    let unknown = ident(&u.unknown_variant);
    let serialize_arms = members.iter().map(|m| {
        let variant = ident(&m.rust_name);
        let key = &m.wire_name;
        quote! { #name::#variant(value) => map.serialize_entry(#key, value)?, }
    });
    let deserialize_arms = members.iter().map(|m| {
        let variant = ident(&m.rust_name);
        let key = &m.wire_name;
        let ty = super::rust_type::member_value(service, m);
        quote! { #key => #name::#variant(map.next_value::<#ty>()?), }
    });
    let expecting = format!("a {type_name} object with one member");
    let unknown_error =
        format!("the {type_name} holds its Unknown variant, which has no wire form");
    let allow = super::docs::allow_deprecated_uses(members.iter().any(|m| m.deprecated.is_some()));
    quote! {
        #[cfg(feature = "serde")]
        #allow
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeMap as _;
                let mut map = serializer.serialize_map(Some(1))?;
                match self {
                    #(#serialize_arms)*
                    #name::#unknown(_) => return Err(serde::ser::Error::custom(#unknown_error)),
                }
                map.end()
            }
        }

        #[cfg(feature = "serde")]
        #allow
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct Visitor;

                impl<'de> serde::de::Visitor<'de> for Visitor {
                    type Value = #name;

                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(#expecting)
                    }

                    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                        let Some(key) = map.next_key::<String>()? else {
                            return Err(serde::de::Error::custom(#expecting));
                        };
                        let value = match key.as_str() {
                            #(#deserialize_arms)*
                            _ => {
                                map.next_value::<serde::de::IgnoredAny>()?;
                                #name::#unknown(key)
                            }
                        };
                        if map.next_key::<serde::de::IgnoredAny>()?.is_some() {
                            return Err(serde::de::Error::custom(#expecting));
                        }
                        Ok(value)
                    }
                }

                deserializer.deserialize_map(Visitor)
            }
        }
    }
}
