//! A cargo feature per operation: the `cfg` attributes that compile an
//! item only when an operation that needs it is on, and the manifest's
//! `[features]` entries. Reachability comes from the IR (`Shape::used_by`),
//! so no list is kept by hand.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{Operation, Service, Shape, ShapeKind};

/// `#[cfg(feature = "...")]` for the operation's own items.
pub(crate) fn for_operation(op: &Operation) -> TokenStream {
    let feature = &op.feature;
    quote!(#[cfg(feature = #feature)])
}

/// For an item that the operations `used_by` (indices) need. Gated even
/// when every operation needs it: with none on, its writers, parsers and
/// patterns would be dead code. A shape no operation reaches is compiled
/// always, as it was before features.
pub(crate) fn for_users(service: &Service, used_by: &[usize]) -> TokenStream {
    // Grouped operations share a feature: each is named once.
    let features: Vec<&str> = used_by
        .iter()
        .filter_map(|&index| service.operations.get(index))
        .map(|op| op.feature.as_str())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    match features.as_slice() {
        [] => TokenStream::new(),
        [feature] => quote!(#[cfg(feature = #feature)]),
        _ => quote!(#[cfg(any(#(feature = #features),*))]),
    }
}

/// For the items of `shape`: its type, builder, writers and parsers.
pub(crate) fn for_shape(service: &Service, shape: &Shape) -> TokenStream {
    for_users(service, &shape.used_by)
}

/// The operations whose own event stream (of their input when `input`,
/// else of their output) has `shape` as an event or exception: those that
/// write or read it as a message.
pub(crate) fn event_users(service: &Service, shape: &str, input: bool) -> Vec<usize> {
    service
        .operations
        .iter()
        .enumerate()
        .filter(|(_, op)| {
            let side = if input { &op.input } else { &op.output };
            side.members
                .iter()
                .any(|m| match &service.shape(&m.target).kind {
                    ShapeKind::Union(u) => {
                        u.event_stream && u.members.iter().any(|e| e.target == shape)
                    }
                    _ => false,
                })
        })
        .map(|(index, _)| index)
        .collect()
}

/// The operations that list `shape` among their errors.
pub(crate) fn error_users(service: &Service, shape: &str) -> Vec<usize> {
    service
        .operations
        .iter()
        .enumerate()
        .filter(|(_, op)| op.errors.iter().any(|e| e == shape))
        .map(|(index, _)| index)
        .collect()
}

/// The `[features]` entries of the operations, and `default` with all of them.
pub(crate) fn manifest_entries(service: &Service) -> String {
    let mut toml = String::from(
        "# Every operation, each its own feature: with `default-features = false`,\n\
         # list the operations you call and only what they need is compiled.\n\
         default = [",
    );
    // Operations of a service grouped by resource share a feature.
    let mut features: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for op in &service.operations {
        features
            .entry(op.feature.as_str())
            .or_default()
            .push(op.name.as_str());
    }
    let names: Vec<String> = features.keys().map(|f| format!("\"{f}\"")).collect();
    toml.push_str(&names.join(", "));
    toml.push_str("]\n");
    for (feature, operations) in &features {
        let _ = writeln!(toml, "# {}\n{feature} = []", operations.join(", "));
    }
    toml
}
