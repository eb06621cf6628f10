//! Structures: the struct, its builder, `Debug` that redacts sensitive
//! members, and for errors `Display` and `std::error::Error`.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::rust_type::{self, ident};
use super::{EmitError, Files, docs, validate};
use crate::ir::{Home, Member, Service, ShapeKind, Structure};

/// What a structure is for, which decides the extras it gets.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// A shape in `types`.
    Plain,
    /// A shape in `error`.
    Error,
    /// An operation's input: also validated before sending.
    Input,
    /// An operation's output.
    Output,
}

/// Structures shared between operations, one file each, in `types` and `error`.
pub(crate) fn emit_shared(service: &Service, out: &mut Files<'_>) -> Result<(), EmitError> {
    for shape in service.shapes.values() {
        let ShapeKind::Structure(structure) = &shape.kind else {
            continue;
        };
        let (dir, role) = match shape.home {
            Home::Types => ("types", Role::Plain),
            Home::Error => ("error", Role::Error),
            Home::Inline => continue,
        };
        let tokens = definition(service, structure, role);
        out.rust(
            &format!(
                "src/{dir}/{}.rs",
                crate::ir::names::bare(&shape.module_name)
            ),
            tokens,
        )?;
    }
    Ok(())
}

/// The struct, its builder and their impls.
pub(crate) fn definition(service: &Service, s: &Structure, role: Role) -> TokenStream {
    let name = ident(&s.rust_name);
    let builder = ident(&s.builder_name);
    let docs = docs::outer(s.docs.as_deref(), || default_docs(s, role));
    let redacts = s.sensitive || s.members.iter().any(|m| m.sensitive);
    let derive_debug = if redacts { quote!() } else { quote!(Debug,) };

    // An output holding an event stream has no wire form of its own.
    let holds_receiver = s.members.iter().any(|m| {
        rust_type::is_event_stream(service, &m.target) && service.shape(&m.target).used_in_output
    });
    let serde_names = super::serde::field_names(s);
    let fields: Vec<TokenStream> = s
        .members
        .iter()
        .zip(&serde_names)
        .map(|(m, serde_name)| {
            let field = ident(&m.rust_name);
            let ty = rust_type::field(service, m);
            let doc = docs::outer(m.docs.as_deref(), || format!("The `{}` member.", m.name));
            let deprecated = docs::deprecated(m.deprecated.as_ref());
            let serde =
                (!holds_receiver).then(|| super::serde::field_attributes(service, m, serde_name));
            quote! { #doc #deprecated #serde pub #field: #ty, }
        })
        .collect();
    let builder_fields = s.members.iter().map(|m| {
        let field = ident(&m.rust_name);
        let ty = rust_type::member_value(service, m);
        quote! { #field: Option<#ty>, }
    });
    let setters = s.members.iter().map(|m| setters(service, m).on_builder());
    let build = build_method(s);
    let debug = redacts.then(|| debug_impls(s));
    let debug_struct_only = redacts.then(|| debug_impl(s));
    let error_impls = (role == Role::Error).then(|| error_impls(service, s));
    let validation = validate::methods(service, s, role);
    let builder_doc = format!(" A builder for [`{}`].", s.rust_name);
    let builder_fn_doc = format!(" A builder for [`{}`].", s.rust_name);

    if holds_receiver {
        // A receiver cannot be cloned, compared or built by hand: such an
        // output only comes from a response.
        return quote! {
            #docs
            #[derive(#derive_debug)]
            #[non_exhaustive]
            pub struct #name {
                #(#fields)*
            }

            #debug_struct_only
        };
    }

    quote! {
        #docs
        #[derive(Clone, PartialEq, #derive_debug)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
        }

        impl #name {
            #[doc = #builder_fn_doc]
            pub fn builder() -> #builder {
                <#builder as Default>::default()
            }
        }

        #validation

        #[doc = #builder_doc]
        #[derive(Clone, PartialEq, Default, #derive_debug)]
        pub struct #builder {
            #(#builder_fields)*
        }

        impl #builder {
            #(#setters)*
            #build
        }

        #debug
        #error_impls
    }
}

fn default_docs(s: &Structure, role: Role) -> String {
    match role {
        Role::Input => format!("The input of the operation, `{}`.", s.rust_name),
        Role::Output => format!("The output of the operation, `{}`.", s.rust_name),
        Role::Error => format!("The `{}` error.", s.rust_name),
        Role::Plain => format!("The `{}` structure.", s.rust_name),
    }
}

/// The setter methods of one member, shared by a builder and the fluent
/// builder that wraps an operation input's builder.
pub(crate) struct Setters {
    docs: TokenStream,
    deprecated: TokenStream,
    /// For the forwarding setters, which use the deprecated builder method.
    allow_deprecated: TokenStream,
    field: Ident,
    /// `member(value)`: its parameters, their names, and what it stores.
    params: TokenStream,
    args: TokenStream,
    store: TokenStream,
    set: Ident,
    set_doc: String,
    get: Ident,
    get_doc: String,
    held: TokenStream,
}

/// `member(value)`, `set_member(Option)` and `get_member()`. Lists append and
/// maps insert, as in the AWS SDKs.
pub(crate) fn setters(service: &Service, m: &Member) -> Setters {
    let field = ident(&m.rust_name);
    let bare = crate::ir::names::bare(&m.rust_name);
    let value_ty = rust_type::of(service, &m.target);
    let held = rust_type::member_value(service, m);
    let required_note = if m.required {
        " This member is required."
    } else {
        ""
    };
    let input_stream =
        rust_type::is_event_stream(service, &m.target) && !service.shape(&m.target).used_in_output;
    let (docs, params, args, store) = match &service.shape(&m.target).kind {
        ShapeKind::Union(_) if input_stream => {
            let doc = format!(" Appends an event to `{}`.", m.name);
            (
                quote!(#[doc = #doc]),
                quote!(input: impl Into<#value_ty>),
                quote!(input),
                quote! { self.#field.get_or_insert_with(Vec::new).push(input.into()); },
            )
        }
        ShapeKind::List(list) if !m.boxed => {
            let item = rust_type::of(service, &list.member);
            let item = if list.sparse {
                quote!(Option<#item>)
            } else {
                item
            };
            let doc = format!(" Appends an item to `{}`.", m.name);
            (
                quote!(#[doc = #doc]),
                quote!(input: impl Into<#item>),
                quote!(input),
                quote! { self.#field.get_or_insert_with(Vec::new).push(input.into()); },
            )
        }
        ShapeKind::Map(map) if !m.boxed => {
            let key = rust_type::of(service, &map.key);
            let value = rust_type::of(service, &map.value);
            let value = if map.sparse {
                quote!(Option<#value>)
            } else {
                value
            };
            let doc = format!(" Inserts an entry into `{}`.", m.name);
            (
                quote!(#[doc = #doc]),
                quote!(key: impl Into<#key>, value: impl Into<#value>),
                quote!(key, value),
                quote! { self.#field.get_or_insert_with(Default::default).insert(key.into(), value.into()); },
            )
        }
        _ => {
            let wrap = if m.boxed {
                quote!(Box::new(input.into()))
            } else {
                quote!(input.into())
            };
            (
                docs::outer(m.docs.as_deref(), || format!("Sets `{}`.", m.name)),
                quote!(input: impl Into<#value_ty>),
                quote!(input),
                quote! { self.#field = Some(#wrap); },
            )
        }
    };
    Setters {
        docs,
        deprecated: docs::deprecated(m.deprecated.as_ref()),
        allow_deprecated: docs::allow_deprecated_uses(m.deprecated.is_some()),
        field,
        params,
        args,
        store,
        set: format_ident!("set_{}", bare),
        set_doc: format!(" Sets or clears `{}`.{required_note}", m.name),
        get: format_ident!("get_{}", bare),
        get_doc: format!(" The value of `{}`, if set.", m.name),
        held,
    }
}

impl Setters {
    /// The methods on the builder that owns the field.
    fn on_builder(&self) -> TokenStream {
        let Setters {
            docs,
            deprecated,
            field,
            params,
            store,
            set,
            set_doc,
            get,
            get_doc,
            held,
            ..
        } = self;
        quote! {
            #docs
            #deprecated
            pub fn #field(mut self, #params) -> Self {
                #store
                self
            }

            #[doc = #set_doc]
            #deprecated
            pub fn #set(mut self, input: Option<#held>) -> Self {
                self.#field = input;
                self
            }

            #[doc = #get_doc]
            #deprecated
            pub fn #get(&self) -> &Option<#held> {
                &self.#field
            }
        }
    }

    /// The same methods on a wrapper whose `inner` is the builder.
    pub(crate) fn delegating(&self) -> TokenStream {
        let Setters {
            docs,
            deprecated,
            allow_deprecated,
            field,
            params,
            args,
            set,
            set_doc,
            get,
            get_doc,
            held,
            ..
        } = self;
        // Deprecated here too, for the caller; the forwarding call itself is
        // the crate's own use.
        quote! {
            #docs
            #deprecated
            #allow_deprecated
            pub fn #field(mut self, #params) -> Self {
                self.inner = self.inner.#field(#args);
                self
            }

            #[doc = #set_doc]
            #deprecated
            #allow_deprecated
            pub fn #set(mut self, input: Option<#held>) -> Self {
                self.inner = self.inner.#set(input);
                self
            }

            #[doc = #get_doc]
            #deprecated
            #allow_deprecated
            pub fn #get(&self) -> &Option<#held> {
                self.inner.#get()
            }
        }
    }
}

/// `build()`: fails, naming every missing required member, when any is unset.
fn build_method(s: &Structure) -> TokenStream {
    let name = ident(&s.rust_name);
    let type_name = &s.rust_name;
    let doc = format!(
        " Builds the [`{}`]; fails, naming each one, if a required member is not set.",
        s.rust_name
    );
    let required: Vec<&Member> = s.members.iter().filter(|m| m.required).collect();
    let assignments = s.members.iter().map(|m| {
        let field = ident(&m.rust_name);
        quote! { #field: self.#field, }
    });
    let allow = docs::allow_deprecated_uses(s.has_deprecated_member());
    if required.is_empty() {
        return quote! {
            #[doc = #doc]
            #allow
            pub fn build(self) -> Result<#name, crate::error::ValidationError> {
                Ok(#name { #(#assignments)* })
            }
        };
    }
    let checks = required.iter().map(|m| {
        let field = ident(&m.rust_name);
        let wire = &m.name;
        quote! {
            if self.#field.is_none() {
                violations.missing(&root.member(#wire));
            }
        }
    });
    // Bound under names of their own: a member may be called anything,
    // `foo` included, which clippy refuses as a binding.
    let binding = |m: &crate::ir::Member| {
        // `self_` (a keyword, escaped) would make `self__value`.
        format_ident!(
            "{}_value",
            crate::ir::names::bare(&m.rust_name).trim_end_matches('_')
        )
    };
    let unwraps = s.members.iter().filter(|m| m.required).map(|m| {
        let field = ident(&m.rust_name);
        let value = binding(m);
        quote! { let Some(#value) = self.#field else { return Err(violations.into_error()); }; }
    });
    let fields = s.members.iter().map(|m| {
        let field = ident(&m.rust_name);
        if m.required {
            let value = binding(m);
            quote!(#field: #value)
        } else {
            quote!(#field: self.#field)
        }
    });
    quote! {
        #[doc = #doc]
        #allow
        pub fn build(self) -> Result<#name, crate::error::ValidationError> {
            let root = crate::validation::Path::root(#type_name);
            let mut violations = crate::validation::Violations::default();
            #(#checks)*
            #(#unwraps)*
            Ok(#name { #(#fields,)* })
        }
    }
}

/// `Debug` for the struct and its builder that prints sensitive members as
/// `*** Sensitive Data Redacted ***`.
fn debug_impls(s: &Structure) -> TokenStream {
    let builder = ident(&s.builder_name);
    let builder_name = &s.builder_name;
    let struct_debug = debug_impl(s);
    let builder_fields = s.members.iter().map(|m| {
        let field = ident(&m.rust_name);
        let label = crate::ir::names::bare(&m.rust_name);
        if s.sensitive || m.sensitive {
            quote! { .field(#label, &crate::redact::Redacted::of(&self.#field)) }
        } else {
            quote! { .field(#label, &self.#field) }
        }
    });
    let allow = docs::allow_deprecated_uses(s.has_deprecated_member());
    quote! {
        #struct_debug

        #allow
        impl std::fmt::Debug for #builder {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(#builder_name)
                    #(#builder_fields)*
                    .finish()
            }
        }
    }
}

/// `Debug` for the struct alone.
fn debug_impl(s: &Structure) -> TokenStream {
    let name = ident(&s.rust_name);
    let type_name = &s.rust_name;
    let struct_fields = s.members.iter().map(|m| {
        let field = ident(&m.rust_name);
        let label = crate::ir::names::bare(&m.rust_name);
        let redact = s.sensitive || m.sensitive;
        match (redact, m.required) {
            (false, _) => quote! { .field(#label, &self.#field) },
            (true, true) => quote! { .field(#label, &crate::redact::Redacted::SET) },
            (true, false) => {
                quote! { .field(#label, &crate::redact::Redacted::of(&self.#field)) }
            }
        }
    });
    let allow = docs::allow_deprecated_uses(s.has_deprecated_member());
    quote! {
        #allow
        impl std::fmt::Debug for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(#type_name)
                    #(#struct_fields)*
                    .finish()
            }
        }
    }
}

fn error_impls(service: &Service, s: &Structure) -> TokenStream {
    let name = ident(&s.rust_name);
    let type_name = &s.rust_name;
    // A sensitive message stays out of Display.
    let message = super::op_error::message_member(service, s).filter(|m| !m.sensitive);
    let write_message = match message {
        Some(m) if m.required => {
            let field = ident(&m.rust_name);
            quote! { write!(f, ": {}", self.#field)?; }
        }
        Some(m) => {
            let field = ident(&m.rust_name);
            quote! {
                if let Some(message) = &self.#field {
                    write!(f, ": {message}")?;
                }
            }
        }
        None => quote!(),
    };
    quote! {
        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(#type_name)?;
                #write_message
                Ok(())
            }
        }

        impl std::error::Error for #name {}
    }
}
