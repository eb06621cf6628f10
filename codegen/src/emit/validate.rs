//! Validators generated from the model's constraints, and the module of
//! compiled patterns they share.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::rust_type::ident;
use super::structure::Role;
use super::{EmitError, Files, docs};
use crate::ir::{Bounds, Member, Number, Pattern, Service, ShapeKind, Structure, Union};

/// `validate()` and `validate_into()` for a structure that needs them, and
/// for an operation input also the builder-level check the client runs.
pub(crate) fn methods(service: &Service, s: &Structure, role: Role) -> TokenStream {
    let needs = s
        .members
        .iter()
        .any(|m| service.shape(&m.target).needs_validation);
    if !needs && role != Role::Input {
        return TokenStream::new();
    }
    let name = ident(&s.rust_name);
    let type_name = &s.rust_name;
    let checks: Vec<TokenStream> = s
        .members
        .iter()
        .filter(|m| service.shape(&m.target).needs_validation)
        .map(|m| {
            let field = ident(&m.rust_name);
            let wire = &m.name;
            let body = value_checks(service, &m.target, m.sensitive, 0);
            if m.required {
                quote! {
                    {
                        let path = path.member(#wire);
                        let value = &self.#field;
                        #body
                    }
                }
            } else {
                quote! {
                    if let Some(value) = &self.#field {
                        let path = path.member(#wire);
                        #body
                    }
                }
            }
        })
        .collect();
    let (path_param, violations_param) = if checks.is_empty() {
        (quote!(_path), quote!(_violations))
    } else {
        (quote!(path), quote!(violations))
    };
    let builder = (role == Role::Input).then(|| builder_check(service, s));
    let visibility = if role == Role::Input {
        quote!()
    } else {
        quote!(pub(crate))
    };
    let validate_into = (role != Role::Input || !checks.is_empty()).then(|| {
        quote! {
            /// Adds every violation in this value to `violations`.
            #visibility fn validate_into(
                &self,
                #path_param: &crate::validation::Path<'_>,
                #violations_param: &mut crate::validation::Violations,
            ) {
                #(#checks)*
            }
        }
    });
    let validate_body = if role == Role::Input && checks.is_empty() {
        quote! { Ok(()) }
    } else {
        quote! {
            let mut violations = crate::validation::Violations::default();
            self.validate_into(&crate::validation::Path::root(#type_name), &mut violations);
            violations.into_result()
        }
    };
    let allow = docs::allow_deprecated_uses(s.has_deprecated_member());
    quote! {
        #allow
        impl #name {
            /// Checks the model's constraints (lengths, ranges, patterns, enum
            /// values) on this value and everything inside it, reporting every
            /// violation.
            pub fn validate(&self) -> Result<(), crate::error::ValidationError> {
                #validate_body
            }

            #validate_into
        }

        #builder
    }
}

/// The check the client runs on an operation input's builder before
/// building it, so that missing members and constraint violations are
/// reported together.
fn builder_check(service: &Service, s: &Structure) -> TokenStream {
    let builder = ident(&s.builder_name);
    let type_name = &s.rust_name;
    let checks: Vec<TokenStream> = s
        .members
        .iter()
        .filter_map(|m| member_check_in_builder(service, m))
        .collect();
    let body = if checks.is_empty() {
        quote! { Ok(()) }
    } else {
        quote! {
            let path = crate::validation::Path::root(#type_name);
            let mut found = crate::validation::Violations::default();
            let violations = &mut found;
            #(#checks)*
            found.into_result()
        }
    };
    quote! {
        impl #builder {
            /// Checks what `build()` and the input's `validate()` would check,
            /// together: every missing required member and every constraint
            /// violation of the members that are set. The client runs this
            /// before sending anything.
            pub fn validate(&self) -> Result<(), crate::error::ValidationError> {
                #body
            }
        }
    }
}

fn member_check_in_builder(service: &Service, m: &Member) -> Option<TokenStream> {
    let needs = service.shape(&m.target).needs_validation;
    let field = ident(&m.rust_name);
    let wire = &m.name;
    let checks = value_checks(service, &m.target, m.sensitive, 0);
    match (needs, m.required) {
        (false, false) => None,
        (false, true) => Some(quote! {
            if self.#field.is_none() {
                violations.missing(&path.member(#wire));
            }
        }),
        (true, false) => Some(quote! {
            if let Some(value) = &self.#field {
                let path = path.member(#wire);
                #checks
            }
        }),
        (true, true) => Some(quote! {
            match &self.#field {
                Some(value) => {
                    let path = path.member(#wire);
                    #checks
                }
                None => violations.missing(&path.member(#wire)),
            }
        }),
    }
}

/// `validate()` and `validate_into()` for a union that needs them.
pub(crate) fn union_methods(service: &Service, u: &Union) -> TokenStream {
    if u.event_stream {
        return TokenStream::new();
    }
    let checked: Vec<&Member> = u
        .members
        .iter()
        .filter(|m| service.shape(&m.target).needs_validation)
        .collect();
    if checked.is_empty() {
        return TokenStream::new();
    }
    let name = ident(&u.rust_name);
    let type_name = &u.rust_name;
    let arms: Vec<TokenStream> = checked
        .iter()
        .map(|m| {
            let variant = ident(&m.rust_name);
            let wire = &m.name;
            let body = value_checks(service, &m.target, m.sensitive, 0);
            quote! {
                #name::#variant(value) => {
                    let path = path.member(#wire);
                    #body
                }
            }
        })
        .collect();
    // One checked variant reads best as `if let`; several as a match.
    let dispatch = match checked.as_slice() {
        [m] => {
            let variant = ident(&m.rust_name);
            let wire = &m.name;
            let body = value_checks(service, &m.target, m.sensitive, 0);
            quote! {
                if let #name::#variant(value) = self {
                    let path = path.member(#wire);
                    #body
                }
            }
        }
        _ => quote! {
            match self {
                #(#arms)*
                _ => {}
            }
        },
    };
    quote! {
        impl #name {
            /// Checks the model's constraints (lengths, ranges, patterns, enum
            /// values) on this value and everything inside it, reporting every
            /// violation.
            pub fn validate(&self) -> Result<(), crate::error::ValidationError> {
                let mut violations = crate::validation::Violations::default();
                self.validate_into(&crate::validation::Path::root(#type_name), &mut violations);
                violations.into_result()
            }

            /// Adds every violation in this value to `violations`.
            pub(crate) fn validate_into(
                &self,
                path: &crate::validation::Path<'_>,
                violations: &mut crate::validation::Violations,
            ) {
                #dispatch
            }
        }
    }
}

/// Checks for `value` (a reference to a value of `target`) at `path`.
fn value_checks(service: &Service, target: &str, sensitive: bool, depth: usize) -> TokenStream {
    let shape = service.shape(target);
    if !shape.needs_validation {
        return TokenStream::new();
    }
    let c = &shape.constraints;
    let length_of = |len: TokenStream| {
        c.length.as_ref().map(|Bounds { min, max }| {
            let min = optional_u64(*min);
            let max = optional_u64(*max);
            quote! { violations.length(&path, #len, #min, #max); }
        })
    };
    match &shape.kind {
        ShapeKind::Enum(e) => {
            let ty = super::rust_type::of(service, target);
            let unknown = ident(&e.unknown_variant);
            quote! {
                if let #ty::#unknown(value) = value {
                    violations.unlisted(&path, value, #sensitive);
                }
            }
        }
        ShapeKind::String => {
            let length = length_of(quote!(value.chars().count()));
            let pattern = c.pattern.as_ref().map(|p| {
                let name = format_ident!("{}", p.static_name);
                quote! { violations.pattern(&path, value, &crate::patterns::#name); }
            });
            quote! { #length #pattern }
        }
        ShapeKind::Blob { .. } => {
            let length = length_of(quote!(value.len()));
            quote! { #length }
        }
        kind if kind.is_number() => {
            let Some(range) = &c.range else {
                return TokenStream::new();
            };
            let float = matches!(kind, ShapeKind::Float | ShapeKind::Double);
            let min = optional_number(range.min.as_ref(), float);
            let max = optional_number(range.max.as_ref(), float);
            quote! { violations.range(&path, *value, #min, #max, #sensitive); }
        }
        ShapeKind::List(list) => {
            let length = length_of(quote!(value.len()));
            let items = service.shape(&list.member).needs_validation.then(|| {
                let inner = value_checks(service, &list.member, sensitive, depth + 1);
                let index = format_ident!("index{}", depth);
                let item = if list.sparse {
                    quote! { let Some(value) = value else { continue }; }
                } else {
                    quote!()
                };
                quote! {
                    for (#index, value) in value.iter().enumerate() {
                        #item
                        let path = path.index(#index);
                        #inner
                    }
                }
            });
            quote! { #length #items }
        }
        ShapeKind::Map(map) => {
            let length = length_of(quote!(value.len()));
            let key_checks = service
                .shape(&map.key)
                .needs_validation
                .then(|| value_checks(service, &map.key, sensitive, depth + 1));
            let value_checks = service
                .shape(&map.value)
                .needs_validation
                .then(|| value_checks(service, &map.value, sensitive, depth + 1));
            let entries = (key_checks.is_some() || value_checks.is_some()).then(|| {
                let key = format_ident!("key{}", depth);
                let key_str = match service.shape(&map.key).kind {
                    ShapeKind::Enum(_) => quote!(#key.as_str()),
                    _ => quote!(#key),
                };
                let value_binding = quote!(value);
                let sparse = (map.sparse && value_checks.is_some())
                    .then(|| quote! { let Some(value) = value else { continue }; });
                let key_checks = key_checks.map(|checks| {
                    quote! {
                        {
                            let value = #key;
                            #checks
                        }
                    }
                });
                let iterate = if value_checks.is_some() {
                    quote!((#key, #value_binding) in value)
                } else {
                    quote!(#key in value.keys())
                };
                quote! {
                    for #iterate {
                        let path = path.key(#key_str);
                        #key_checks
                        #sparse
                        #value_checks
                    }
                }
            });
            quote! { #length #entries }
        }
        ShapeKind::Structure(_) | ShapeKind::Union(_) => {
            quote! { value.validate_into(&path, violations); }
        }
        _ => TokenStream::new(),
    }
}

fn optional_u64(bound: Option<u64>) -> TokenStream {
    match bound {
        Some(n) => {
            let lit = Literal::u64_unsuffixed(n);
            quote!(Some(#lit))
        }
        None => quote!(None),
    }
}

fn optional_number(bound: Option<&Number>, float: bool) -> TokenStream {
    match bound {
        None => quote!(None),
        Some(n) if float => {
            let lit = Literal::f64_unsuffixed(n.as_f64());
            quote!(Some(#lit))
        }
        Some(Number::Integer(n)) => {
            let lit = Literal::i128_unsuffixed(*n);
            quote!(Some(#lit))
        }
        Some(Number::Float(f)) => {
            let lit = Literal::i128_unsuffixed(*f as i128);
            quote!(Some(#lit))
        }
    }
}

/// `src/patterns.rs`: one static per distinct pattern, compiled on first use.
pub(crate) fn emit_patterns(service: &Service, out: &mut Files<'_>) -> Result<(), EmitError> {
    let mut patterns: BTreeMap<&str, (&Pattern, Vec<&str>, BTreeSet<usize>)> = BTreeMap::new();
    // Only plain strings are checked against their pattern: an enum's
    // values are the model's own.
    for shape in service.shapes.values() {
        if let (ShapeKind::String, Some(pattern)) = (&shape.kind, &shape.constraints.pattern) {
            let entry = patterns.entry(pattern.static_name.as_str()).or_insert((
                pattern,
                Vec::new(),
                BTreeSet::new(),
            ));
            entry.1.push(shape.name.as_str());
            entry.2.extend(shape.used_by.iter().copied());
        }
    }
    let statics = patterns.iter().map(|(name, (pattern, users, used_by))| {
        let used_by: Vec<usize> = used_by.iter().copied().collect();
        let cfg = super::features::for_users(service, &used_by);
        let name = format_ident!("{}", name);
        let users: Vec<String> = users.iter().map(|u| format!("`{u}`")).collect();
        let doc = format!(" The pattern of {}.", users.join(", "));
        let source = &pattern.source;
        let value = if pattern.source == pattern.ecma_source && pattern.flags.is_empty() {
            quote!(crate::validation::Pattern::new(#source))
        } else {
            let ecma_source = &pattern.ecma_source;
            let flags = &pattern.flags;
            quote!(crate::validation::Pattern::with_flags(#source, #ecma_source, #flags))
        };
        quote! {
            #cfg
            #[doc = #doc]
            pub(crate) static #name: crate::validation::Pattern = #value;
        }
    });
    let module_doc =
        docs::inner("The model's `pattern` constraints, each compiled once, on first use.");
    let tokens = quote! {
        #module_doc
        #(#statics)*
    };
    out.rust("src/patterns.rs", tokens)
}
