//! Boxing union variants that would make every value of their union large.
//!
//! A Rust enum is as large as its largest variant, so one big structure in
//! a union makes each of its values carry that many bytes, and clippy's
//! `large_enum_variant` refuses the crate. Variants whose value is much
//! larger than the union's other variants are held in a `Box`, as members
//! that close a cycle already are (`Member::boxed`), which every emitter
//! understands. The sizes are estimates of the generated types on a 64-bit
//! target, erring large; the margin is below clippy's 200-byte threshold.

use std::collections::BTreeMap;

use super::{Member, Service, ShapeKind};

/// Box a variant when it is this many bytes larger than the union's next
/// largest one.
const MARGIN: u64 = 128;

pub(super) fn box_large_union_variants(service: &mut Service) {
    let mut sizes = Sizes {
        service,
        known: BTreeMap::new(),
    };
    let mut to_box: Vec<(String, String)> = Vec::new();
    for (name, shape) in &service.shapes {
        let ShapeKind::Union(u) = &shape.kind else {
            continue;
        };
        // An event stream's exceptions live in their own error enum.
        let variants: Vec<&Member> = if u.event_stream {
            u.events(service).collect()
        } else {
            u.members.iter().collect()
        };
        // As clippy does: the largest variant against the next largest
        // (at least the unknown variant's `String`), boxing the largest
        // until the two are close.
        let mut by_size: Vec<(u64, &Member)> =
            variants.into_iter().map(|m| (sizes.member(m), m)).collect();
        by_size.sort_by_key(|(size, _)| std::cmp::Reverse(*size));
        let floor = 24;
        for i in 0..by_size.len() {
            let next = by_size
                .get(i + 1)
                .map_or(floor, |(size, _)| (*size).max(floor));
            if by_size[i].0 <= next + MARGIN {
                break;
            }
            to_box.push((name.clone(), by_size[i].1.name.clone()));
        }
    }
    for (union, member) in to_box {
        if let Some(ShapeKind::Union(u)) = service.shapes.get_mut(&union).map(|s| &mut s.kind) {
            for m in u.members.iter_mut().filter(|m| m.name == member) {
                m.boxed = true;
            }
        }
    }
}

struct Sizes<'a> {
    service: &'a Service,
    known: BTreeMap<String, u64>,
}

impl Sizes<'_> {
    /// The size of a member's field: an `Option` of a number or a
    /// timestamp needs room for its tag; strings, collections, boxes and
    /// what holds them have a niche for `None`.
    fn member(&mut self, m: &Member) -> u64 {
        if m.boxed {
            return 8;
        }
        let size = self.shape(&m.target);
        let needs_tag = matches!(
            self.service.shape(&m.target).kind,
            ShapeKind::Boolean
                | ShapeKind::Byte
                | ShapeKind::Short
                | ShapeKind::Integer
                | ShapeKind::Long
                | ShapeKind::Float
                | ShapeKind::Double
                | ShapeKind::Timestamp { .. }
        );
        if needs_tag && !m.required {
            size + 8
        } else {
            size
        }
    }

    fn shape(&mut self, name: &str) -> u64 {
        if let Some(size) = self.known.get(name) {
            return *size;
        }
        // A cycle is boxed somewhere; count a box while it is being sized.
        self.known.insert(name.to_owned(), 8);
        let service = self.service;
        let size = match &service.shape(name).kind {
            ShapeKind::Structure(s) => {
                let sum: u64 = s.members.iter().map(|m| self.member(m)).sum();
                sum.div_ceil(8) * 8
            }
            ShapeKind::Union(u) => {
                u.members
                    .iter()
                    .map(|m| self.member(m))
                    .max()
                    .unwrap_or(0)
                    .max(24)
                    + 8
            }
            ShapeKind::Enum(_)
            | ShapeKind::String
            | ShapeKind::BigInteger
            | ShapeKind::BigDecimal => 24,
            ShapeKind::List(_) => 24,
            ShapeKind::Map(_) => 48,
            ShapeKind::Blob { .. } | ShapeKind::Document => 32,
            ShapeKind::Timestamp { .. } => 16,
            ShapeKind::Boolean | ShapeKind::Byte => 1,
            ShapeKind::Short => 2,
            ShapeKind::Integer | ShapeKind::Float => 4,
            ShapeKind::Long | ShapeKind::Double => 8,
        };
        self.known.insert(name.to_owned(), size);
        size
    }
}
