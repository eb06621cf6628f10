//! Cargo features per operation: named after the operations, grouped by
//! resource when a service has more operations than crates.io allows
//! features, and what each shape is reached by.

use codegen::ir::{self, Service};
use serde_json::{Value, json};

/// A rest-json model with an operation per name, each taking a `Name`
/// string and returning nothing.
fn model(operations: &[String]) -> Value {
    let mut ops = serde_json::Map::new();
    let mut shapes = serde_json::Map::new();
    shapes.insert("Name".into(), json!({"type": "string"}));
    for name in operations {
        ops.insert(
            name.clone(),
            json!({
                "name": name,
                "http": {"method": "POST", "requestUri": format!("/{name}")},
                "input": {"shape": format!("{name}Request")}
            }),
        );
        shapes.insert(
            format!("{name}Request"),
            json!({"type": "structure", "members": {"name": {"shape": "Name"}}}),
        );
    }
    json!({
        "version": "2.0",
        "metadata": {
            "apiVersion": "2024-01-01", "endpointPrefix": "example", "protocol": "rest-json",
            "serviceFullName": "Example", "serviceId": "Example", "signatureVersion": "v4",
            "signingName": "example", "uid": "example-2024-01-01"
        },
        "operations": ops,
        "shapes": shapes
    })
}

fn resolve(operations: &[String]) -> Service {
    let text = model(operations).to_string();
    let model = codegen::load::parse_model("example.json", &text).expect("the model loads");
    ir::resolve(&model, "example", "models/example.json").expect("the model resolves")
}

fn features(service: &Service) -> Vec<(&str, &str)> {
    service
        .operations
        .iter()
        .map(|op| (op.name.as_str(), op.feature.as_str()))
        .collect()
}

#[test]
fn each_operation_has_its_kebab_case_feature() {
    let service = resolve(&["GetThing".into(), "ListThings".into(), "Serde".into()]);
    assert_eq!(
        features(&service),
        [
            ("GetThing", "get-thing"),
            ("ListThings", "list-things"),
            // `serde` is the crate's own feature.
            ("Serde", "serde-2"),
        ]
    );
    // Shared by all three: compiled when any is on.
    assert_eq!(service.shape("Name").used_by, [0, 1, 2]);
}

#[test]
fn more_operations_than_crates_io_allows_are_grouped_by_resource() {
    let mut names = Vec::new();
    for i in 0..100 {
        names.push(format!("CreateWidget{i}"));
        names.push(format!("DescribeWidget{i}"));
        names.push(format!("ListWidget{i}s"));
    }
    let service = resolve(&names);
    let found = features(&service);
    assert!(found.contains(&("CreateWidget7", "widget7")), "{found:?}");
    assert!(found.contains(&("DescribeWidget7", "widget7")), "{found:?}");
    assert!(found.contains(&("ListWidget7s", "widget7")), "{found:?}");
    let distinct: std::collections::BTreeSet<&str> = found.iter().map(|(_, f)| *f).collect();
    assert_eq!(distinct.len(), 100);
    let files = codegen::generate(&codegen::Input {
        model_file: "models/example.json",
        model_text: &model(&names).to_string(),
        crate_name: "example",
        ..Default::default()
    })
    .expect("the model generates")
    .files;
    let manifest = &files
        .iter()
        .find(|f| f.path.ends_with("Cargo.toml"))
        .unwrap()
        .contents;
    assert!(
        manifest.contains("# CreateWidget7, DescribeWidget7, ListWidget7s\nwidget7 = []\n"),
        "{manifest}"
    );
    let declared = manifest.lines().filter(|l| l.ends_with(" = []")).count();
    assert_eq!(declared, 100);
}
