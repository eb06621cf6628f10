//! The generator is an input parser: any model, however mutated, ends in a
//! clean refusal (a load error or model problems naming where) or a crate,
//! never a panic, a stack overflow, or code the generator itself calls a
//! bug (`EmitErrorKind::Bug`).
//!
//! Each case takes a real model (the seed fixture, or `models/`'s Bedrock
//! Runtime) and applies one to three random structural mutations: shapes
//! and members renamed to digits, keywords and names the runtime or the
//! prelude uses (references followed or left dangling), a shape's `type`
//! changed, recursion through structures, lists, maps, unions and event
//! streams, references dropped or retargeted, wrong JSON types in any
//! field, shapes marked as streams, errors, documents or event streams
//! where they cannot be. A case is reproducible from its seed.
//!
//! `HOSTILE_MODEL_CASES` sets how many cases run (CI: the default);
//! `HOSTILE_MODEL_SEED` the first seed. A failing case prints its seed and
//! its mutations; `HOSTILE_MODEL_VERBOSE=1` prints each before it runs (a
//! stack overflow aborts the process with no report).
//!
//! Whether the crates of accepted models compile takes minutes each, so it
//! is a long run: `HOSTILE_MODEL_WRITE=DIR` writes each accepted model to
//! `DIR/hostile-SEED.json`, and `cargo xtask sweep DIR` generates and
//! checks them all (warnings denied), resumably.

use serde_json::{Value, json};

const SEED_MODEL: &str = include_str!("fixtures/bedrock-runtime-2023-09-30.json");
const CURRENT_MODEL: &str = include_str!("../../models/bedrock-runtime.json");

/// Names that collide with Rust, the prelude, or what generated code uses.
const HOSTILE_NAMES: &[&str] = &[
    "0",
    "123",
    "9lives",
    "type",
    "Self",
    "self",
    "crate",
    "super",
    "r#type",
    "async",
    "Result",
    "Option",
    "String",
    "Vec",
    "Box",
    "Some",
    "None",
    "Ok",
    "Err",
    "Client",
    "Config",
    "ConfigBuilder",
    "SdkError",
    "Error",
    "Unknown",
    "Unhandled",
    "Blob",
    "DateTime",
    "Document",
    "Default",
    "Debug",
    "Clone",
    "validate",
    "builder",
    "build",
    "send",
    "http",
    "json",
    "std",
    "core",
    "crate_",
    "_",
    "__",
    "a-b",
    "a.b",
    "",
    "ÄÖü",
    "名前",
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
];

const SHAPE_TYPES: &[&str] = &[
    "structure",
    "union",
    "list",
    "map",
    "string",
    "blob",
    "boolean",
    "byte",
    "short",
    "integer",
    "long",
    "float",
    "double",
    "bigInteger",
    "bigDecimal",
    "timestamp",
    "document",
    "enum",
    "intEnum",
    "operation",
    "service",
    "resource",
    "nonsense",
];

/// The odd values a field may get in place of its own.
fn odd_value(rng: &mut fastrand::Rng) -> Value {
    match rng.u8(0..9) {
        0 => Value::Null,
        1 => json!(true),
        2 => json!(-1),
        3 => json!(1e308),
        4 => json!(""),
        5 => json!([]),
        6 => json!({}),
        7 => json!(["a", 1, null]),
        _ => json!({"shape": "DoesNotExist"}),
    }
}

fn pick<'a, T>(rng: &mut fastrand::Rng, items: &'a [T]) -> Option<&'a T> {
    (!items.is_empty()).then(|| &items[rng.usize(..items.len())])
}

fn shape_names(model: &Value) -> Vec<String> {
    model["shapes"]
        .as_object()
        .map(|shapes| shapes.keys().cloned().collect())
        .unwrap_or_default()
}

/// Renames every reference to `from` (shape targets, inputs, outputs,
/// errors) to `to`.
fn rename_references(value: &mut Value, from: &str, to: &str) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map.iter_mut() {
                if key == "shape" && inner.as_str() == Some(from) {
                    *inner = Value::String(to.to_owned());
                } else {
                    rename_references(inner, from, to);
                }
            }
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|v| rename_references(v, from, to)),
        _ => {}
    }
}

/// Every object in the model, by JSON pointer, for "wrong type anywhere".
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                let escaped = key.replace('~', "~0").replace('/', "~1");
                let here = format!("{at}/{escaped}");
                out.push(here.clone());
                pointers(inner, here, out);
            }
        }
        Value::Array(items) => {
            for (index, inner) in items.iter().enumerate() {
                let here = format!("{at}/{index}");
                out.push(here.clone());
                pointers(inner, here, out);
            }
        }
        _ => {}
    }
}

/// Sets `field` of shape `name`, when the shape is still an object.
fn set(shapes: &mut serde_json::Map<String, Value>, name: &str, field: &str, value: Value) {
    if let Some(shape) = shapes.get_mut(name).and_then(Value::as_object_mut) {
        shape.insert(field.to_owned(), value);
    }
}

/// The members of shape `name`, when it has an object of them.
fn members_of<'a>(
    shapes: &'a mut serde_json::Map<String, Value>,
    name: &str,
) -> Option<&'a mut serde_json::Map<String, Value>> {
    shapes.get_mut(name)?.get_mut("members")?.as_object_mut()
}

/// Applies one random mutation; says what it did.
fn mutate(model: &mut Value, rng: &mut fastrand::Rng) -> String {
    let names = shape_names(model);
    let Some(shape) = pick(rng, &names).cloned() else {
        return "no shapes to mutate".to_owned();
    };
    let hostile = pick(rng, HOSTILE_NAMES).copied().unwrap_or("x").to_owned();
    let Some(shapes) = model.get_mut("shapes").and_then(Value::as_object_mut) else {
        return "shapes is not an object".to_owned();
    };
    match rng.u8(0..14) {
        12 => {
            // A shape that holds itself directly: a list of itself, a map
            // to itself, a member (required or not) of its own type.
            let how = rng.u8(0..3);
            let required = rng.bool();
            let definition = match how {
                0 => json!({"type": "list", "member": {"shape": shape}}),
                1 => json!({"type": "map", "key": {"shape": "String"}, "value": {"shape": shape}}),
                _ => {
                    let mut d = json!({"type": "structure", "members": {"me": {"shape": shape}, "again": {"shape": shape}}});
                    if required {
                        d["required"] = json!(["me", "again"]);
                    }
                    if rng.bool() {
                        d["union"] = json!(true);
                    }
                    d
                }
            };
            shapes.insert(shape.clone(), definition);
            format!("made {shape} hold itself ({how}, required {required})")
        }
        13 => {
            // Two shapes that hold each other, required both ways.
            let partner = format!("{shape}Partner");
            shapes.insert(
                partner.clone(),
                json!({"type": "structure", "required": ["back"], "members": {"back": {"shape": shape}}}),
            );
            shapes.insert(
                shape.clone(),
                json!({"type": "structure", "required": ["there"], "members": {"there": {"shape": partner}}}),
            );
            format!("made {shape} and {partner} require each other")
        }
        0 => {
            // Rename a shape and every reference to it.
            if let Some(definition) = shapes.remove(&shape) {
                shapes.insert(hostile.clone(), definition);
                rename_references(model, &shape, &hostile);
            }
            format!("renamed shape {shape} to {hostile:?} everywhere")
        }
        1 => {
            // Rename a shape, leaving references dangling.
            if let Some(definition) = shapes.remove(&shape) {
                shapes.insert(hostile.clone(), definition);
            }
            format!("renamed shape {shape} to {hostile:?}, references left")
        }
        2 => {
            // Rename a member.
            let Some(members) = members_of(shapes, &shape) else {
                return format!("{shape} has no members to rename");
            };
            let keys: Vec<String> = members.keys().cloned().collect();
            let Some(member) = pick(rng, &keys).cloned() else {
                return format!("{shape} has no members");
            };
            let definition = members.remove(&member).unwrap_or(Value::Null);
            members.insert(hostile.clone(), definition);
            format!("renamed member {shape}.{member} to {hostile:?}")
        }
        3 => {
            let to = pick(rng, SHAPE_TYPES).copied().unwrap_or("string");
            set(shapes, &shape, "type", json!(to));
            format!("changed {shape}'s type to {to}")
        }
        4 => {
            // Recursion through a structure, list, map or union.
            let via = rng.u8(0..4);
            let holder = format!("{shape}Holder");
            let (kind, definition) = match via {
                0 => ("list", json!({"type": "list", "member": {"shape": shape}})),
                1 => (
                    "map",
                    json!({"type": "map", "key": {"shape": shape}, "value": {"shape": shape}}),
                ),
                2 => (
                    "union",
                    json!({"type": "structure", "union": true, "members": {"again": {"shape": shape}}}),
                ),
                _ => (
                    "event stream",
                    json!({"type": "structure", "eventstream": true, "members": {"again": {"shape": shape}}}),
                ),
            };
            shapes.insert(holder.clone(), definition);
            match members_of(shapes, &shape) {
                Some(members) => {
                    members.insert("loop".to_owned(), json!({"shape": holder}));
                }
                None => set(shapes, &shape, "member", json!({"shape": holder})),
            }
            format!("made {shape} recursive through a {kind}")
        }
        5 => {
            // Retarget a member to a random shape (or itself).
            let target = pick(rng, &names).cloned().unwrap_or_default();
            let Some(members) = members_of(shapes, &shape) else {
                return format!("{shape} has no members to retarget");
            };
            let keys: Vec<String> = members.keys().cloned().collect();
            let Some(member) = pick(rng, &keys).cloned() else {
                return format!("{shape} has no members");
            };
            match members.get_mut(&member).and_then(Value::as_object_mut) {
                Some(definition) => {
                    definition.insert("shape".to_owned(), json!(target));
                }
                None => return format!("{shape}.{member} is not an object"),
            }
            format!("retargeted {shape}.{member} to {target}")
        }
        6 => {
            shapes.remove(&shape);
            format!("dropped shape {shape}")
        }
        7 => {
            let flag = *pick(
                rng,
                &[
                    "streaming",
                    "exception",
                    "eventstream",
                    "event",
                    "union",
                    "document",
                    "sensitive",
                    "requiresLength",
                ],
            )
            .unwrap_or(&"streaming");
            set(shapes, &shape, flag, json!(true));
            format!("marked {shape} as {flag}")
        }
        8 => {
            // A required entry naming no member, or every member required.
            let required: Vec<Value> = match members_of(shapes, &shape) {
                Some(members) if rng.bool() => members.keys().map(|k| json!(k)).collect(),
                _ => vec![json!(hostile)],
            };
            set(shapes, &shape, "required", Value::Array(required));
            format!("changed {shape}'s required list")
        }
        9 => {
            // Bounds and patterns out of range or order.
            let field = *pick(
                rng,
                &[
                    "min",
                    "max",
                    "pattern",
                    "enum",
                    "timestampFormat",
                    "locationName",
                    "location",
                ],
            )
            .unwrap_or(&"min");
            let value = match field {
                "min" | "max" => pick(rng, &[json!(-5), json!(1e300), json!(u64::MAX), json!(0.5)])
                    .cloned()
                    .unwrap_or(json!(0)),
                "pattern" => pick(
                    rng,
                    &[
                        json!("(unclosed"),
                        json!("(?x)a"),
                        json!("\\"),
                        json!("[z-a]"),
                        json!("/d{3}"),
                    ],
                )
                .cloned()
                .unwrap_or(json!("")),
                "enum" => json!(["a", "a", "", "Unknown", "1"]),
                _ => json!(hostile),
            };
            set(shapes, &shape, field, value);
            format!("set {shape}.{field}")
        }
        10 => {
            // Any field of the model gets a value of another JSON type.
            let mut all = Vec::new();
            pointers(model, String::new(), &mut all);
            let Some(pointer) = pick(rng, &all).cloned() else {
                return "nothing to replace".to_owned();
            };
            let value = odd_value(rng);
            if let Some(slot) = model.pointer_mut(&pointer) {
                *slot = value.clone();
            }
            format!("set {pointer} to {value}")
        }
        _ => {
            // An operation's input, output or errors point elsewhere.
            let operations = model.get_mut("operations").and_then(Value::as_object_mut);
            let Some(operations) = operations else {
                return "no operations".to_owned();
            };
            let keys: Vec<String> = operations.keys().cloned().collect();
            let Some(operation) = pick(rng, &keys).cloned() else {
                return "no operations".to_owned();
            };
            let which = *pick(rng, &["input", "output", "errors", "http"]).unwrap_or(&"input");
            let value = match which {
                "errors" => json!([{"shape": shape}, {"shape": shape}]),
                "http" => json!({"method": hostile, "requestUri": "/{label}/{label}?a={b}"}),
                _ => json!({"shape": shape}),
            };
            if let Some(definition) = operations
                .get_mut(&operation)
                .and_then(Value::as_object_mut)
            {
                definition.insert(which.to_owned(), value);
            }
            format!("set operation {operation}.{which} to {shape}")
        }
    }
}

/// What a run of a case came to.
enum Outcome {
    Refused,
    Generated,
}

fn run_case(base: &str, seed: u64) -> Result<Outcome, String> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut model: Value =
        codegen::load::parse_file("base.json", base).expect("the base model is JSON");
    let mut done = Vec::new();
    for _ in 0..rng.usize(1..=3) {
        done.push(mutate(&mut model, &mut rng));
    }
    // A stack overflow aborts the process before any report: with
    // HOSTILE_MODEL_VERBOSE set, each case is named before it runs.
    if std::env::var_os("HOSTILE_MODEL_VERBOSE").is_some() {
        eprintln!("seed {seed}: {}", done.join("; "));
    }
    let text = serde_json::to_string(&model).expect("a Value serializes");
    let result = std::panic::catch_unwind(|| {
        codegen::generate(&codegen::Input {
            model_file: "models/hostile.json",
            model_text: &text,
            crate_name: "hostile",
            ..Default::default()
        })
    });
    match result {
        Err(_) => Err(format!(
            "seed {seed}: the generator panicked after: {}",
            done.join("; ")
        )),
        Ok(Err(codegen::Error::Emit(e))) if e.kind == codegen::EmitErrorKind::Bug => Err(format!(
            "seed {seed}: the generator accepted the model and emitted code it calls a bug ({e}) after: {}",
            done.join("; ")
        )),
        Ok(Err(_)) => Ok(Outcome::Refused),
        Ok(Ok(_)) => {
            // Whether an accepted model's crate compiles is checked by
            // `cargo xtask sweep` over the models written here.
            if let Some(dir) = std::env::var_os("HOSTILE_MODEL_WRITE") {
                let path = std::path::Path::new(&dir).join(format!("hostile-{seed}.json"));
                std::fs::create_dir_all(&dir)
                    .and_then(|()| std::fs::write(&path, &text))
                    .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            }
            Ok(Outcome::Generated)
        }
    }
}

fn cases() -> u64 {
    std::env::var("HOSTILE_MODEL_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(400)
}

fn first_seed() -> u64 {
    std::env::var("HOSTILE_MODEL_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1)
}

fn sweep(base: &str, cases: u64) {
    // Panics are the finding, reported with their seeds below; the
    // default hook would print each one as it happens too.
    let mut failures = Vec::new();
    let (mut refused, mut generated) = (0, 0);
    for seed in first_seed()..first_seed() + cases {
        match run_case(base, seed) {
            Ok(Outcome::Refused) => refused += 1,
            Ok(Outcome::Generated) => generated += 1,
            Err(failure) => failures.push(failure),
        }
    }
    eprintln!(
        "{cases} cases: {refused} refused cleanly, {generated} generated, {} failed",
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn mutated_seed_models_are_refused_cleanly_or_generated() {
    sweep(SEED_MODEL, cases());
}

#[test]
fn mutated_current_models_are_refused_cleanly_or_generated() {
    // The current model is larger; fewer cases keep CI short.
    sweep(CURRENT_MODEL, cases() / 20);
}

#[test]
fn the_harness_mutates_reproducibly() {
    let mut a: Value = codegen::load::parse_file("seed.json", SEED_MODEL).unwrap();
    let mut b = a.clone();
    let mut first = fastrand::Rng::with_seed(7);
    let mut second = fastrand::Rng::with_seed(7);
    assert_eq!(mutate(&mut a, &mut first), mutate(&mut b, &mut second));
    assert_eq!(a, b);
}
