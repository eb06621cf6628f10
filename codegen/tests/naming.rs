//! Rust names for awkward model names: keywords, acronyms, collisions.

use codegen::ir::{self, Home, MemberLocation, Service, ShapeKind};

fn resolve_fixture() -> Service {
    let text = include_str!("fixtures/names.json");
    let model = codegen::load::parse_model("names.json", text).expect("fixture loads");
    ir::resolve(&model, "names", "models/names.json").expect("fixture resolves")
}

#[test]
fn operations_get_snake_case_modules_and_camel_case_types() {
    let service = resolve_fixture();
    let names: Vec<(&str, &str, &str, &str)> = service
        .operations
        .iter()
        .map(|op| {
            (
                op.snake_name.as_str(),
                op.input.rust_name.as_str(),
                op.output.rust_name.as_str(),
                op.error_name.as_str(),
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            (
                "get_http_status",
                "GetHttpStatusInput",
                "GetHttpStatusOutput",
                "GetHttpStatusError"
            ),
            ("r#type", "TypeInput", "TypeOutput", "TypeError"),
        ]
    );
}

#[test]
fn members_that_are_keywords_or_collide_are_renamed() {
    let service = resolve_fixture();
    let input = &service.operations[0].input;
    let names: Vec<(&str, &str)> = input
        .members
        .iter()
        .map(|m| (m.name.as_str(), m.rust_name.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("type", "r#type"),
            ("self", "self_"),
            ("build", "build2"),
            ("fooBar", "foo_bar"),
            ("FooBar", "foo_bar2"),
            ("SSEKMSKeyId", "ssekms_key_id"),
        ]
    );
    // Wire names are untouched by renaming.
    assert_eq!(input.members[0].wire_name, "type");
    assert_eq!(
        input.members[0].location,
        MemberLocation::Uri { greedy: false }
    );
    assert_eq!(input.members[2].wire_name, "x-build");
}

#[test]
fn types_that_shadow_the_prelude_or_each_other_are_renamed() {
    let service = resolve_fixture();
    let types: Vec<(&str, &str)> = service
        .shapes_in(Home::Types)
        .map(|s| (s.name.as_str(), s.rust_name.as_str()))
        .collect();
    assert_eq!(
        types,
        [
            ("Choice", "Choice"),
            ("HTTPStatus", "HttpStatus"),
            ("Match", "Match"),
            ("Result", "ResultValue"),
            ("match", "Match2"),
        ]
    );
}

#[test]
fn enum_values_become_unique_variants() {
    let service = resolve_fixture();
    let ShapeKind::Enum(e) = &service.shape("HTTPStatus").kind else {
        panic!("HTTPStatus is an enum");
    };
    let variants: Vec<&str> = e.variants.iter().map(|v| v.rust_name.as_str()).collect();
    assert_eq!(variants, ["V200Ok", "Unknown2", "Unknown3", "V20", "Self_"]);
    assert_eq!(e.unknown_variant, "Unknown");
}

#[test]
fn union_members_do_not_take_the_unknown_variant() {
    let service = resolve_fixture();
    let ShapeKind::Union(u) = &service.shape("Choice").kind else {
        panic!("Choice is a union");
    };
    let variants: Vec<&str> = u.members.iter().map(|m| m.rust_name.as_str()).collect();
    assert_eq!(variants, ["Unknown2", "Crate"]);
}

#[test]
fn recursive_structures_are_boxed() {
    let service = resolve_fixture();
    for name in ["Match", "match"] {
        let ShapeKind::Structure(s) = &service.shape(name).kind else {
            panic!("{name} is a structure");
        };
        assert!(
            s.members[0].boxed,
            "{name}.{} closes a cycle",
            s.members[0].name
        );
    }
    let ShapeKind::Structure(result) = &service.shape("Result").kind else {
        panic!("Result is a structure");
    };
    assert!(
        result.members.iter().all(|m| !m.boxed),
        "Result is not on a cycle"
    );
}

#[test]
fn the_fixture_generates() {
    let files = codegen::generate(&codegen::Input {
        model_file: "models/names.json",
        model_text: include_str!("fixtures/names.json"),
        crate_name: "names",
        ..Default::default()
    })
    .expect("generates")
    .files;
    let paths: Vec<String> = files.iter().map(|f| f.path.display().to_string()).collect();
    assert!(
        paths.contains(&"src/operation/type.rs".to_owned()),
        "{paths:?}"
    );
    assert!(
        paths.contains(&"src/types/match2.rs".to_owned()),
        "{paths:?}"
    );
    let types_rs = &files
        .iter()
        .find(|f| f.path.ends_with("src/types.rs"))
        .unwrap()
        .contents;
    assert!(
        types_rs.contains("pub use self::result_value::{ResultValue, ResultValueBuilder};"),
        "{types_rs}"
    );
}
