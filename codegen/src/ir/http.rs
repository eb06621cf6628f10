//! Parsing `requestUri` templates such as `/model/{modelId}/invoke` or
//! `/{Bucket}/{Key+}?uploads&x-id=Upload`.

use super::check::ProblemKind;

/// A parsed request URI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UriTemplate {
    /// The template as written in the model.
    pub source: String,
    /// The path, as literal text and labels, in order.
    pub path: Vec<PathPart>,
    /// Literal query parameters (`?uploads&x-id=Upload`): name and optional value.
    pub query: Vec<(String, Option<String>)>,
}

impl UriTemplate {
    /// Label names in the order they appear.
    pub fn labels(&self) -> impl Iterator<Item = (&str, bool)> {
        self.path.iter().filter_map(|part| match part {
            PathPart::Label { name, greedy } => Some((name.as_str(), *greedy)),
            PathPart::Literal(_) => None,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathPart {
    /// Text sent as written (already valid in a URI path).
    Literal(String),
    /// A member's value, percent-encoded; a greedy label keeps `/`.
    Label { name: String, greedy: bool },
}

/// Parses a `requestUri`.
pub fn parse_uri(source: &str) -> Result<UriTemplate, ProblemKind> {
    let invalid = |reason: &str| ProblemKind::InvalidUri {
        uri: source.to_owned(),
        reason: reason.to_owned(),
    };
    if !source.starts_with('/') {
        return Err(invalid("it must start with `/`"));
    }
    let (path_text, query_text) = match source.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (source, None),
    };

    let mut path = Vec::new();
    let mut rest = path_text;
    while !rest.is_empty() {
        match rest.find('{') {
            Some(open) => {
                if open > 0 {
                    push_literal(&mut path, &rest[..open], &invalid)?;
                }
                let after = &rest[open + 1..];
                let close = after
                    .find('}')
                    .ok_or_else(|| invalid("a `{` is never closed"))?;
                let inner = &after[..close];
                let (name, greedy) = match inner.strip_suffix('+') {
                    Some(name) => (name, true),
                    None => (inner, false),
                };
                // botocore takes any name but an empty one: `{resource-arn}`,
                // `{broker-id}`; the label is matched to a member by its
                // `locationName`, never turned into an identifier.
                if name.is_empty() || name.contains(['{', '/', '+']) {
                    return Err(invalid(&format!("`{{{inner}}}` is not a valid label")));
                }
                if path
                    .iter()
                    .any(|p| matches!(p, PathPart::Label { name: n, .. } if n == name))
                {
                    return Err(invalid(&format!("label `{name}` appears twice")));
                }
                if greedy && !after[close + 1..].is_empty() && !after[close + 1..].starts_with('/')
                {
                    return Err(invalid(&format!(
                        "greedy label `{name}` must end a path segment"
                    )));
                }
                path.push(PathPart::Label {
                    name: name.to_owned(),
                    greedy,
                });
                rest = &after[close + 1..];
            }
            None => {
                push_literal(&mut path, rest, &invalid)?;
                rest = "";
            }
        }
    }

    let mut query = Vec::new();
    if let Some(text) = query_text {
        for pair in text.split('&').filter(|p| !p.is_empty()) {
            if pair.contains(['{', '}']) {
                return Err(invalid("labels are not allowed in the query string"));
            }
            match pair.split_once('=') {
                Some((name, value)) => query.push((name.to_owned(), Some(value.to_owned()))),
                None => query.push((pair.to_owned(), None)),
            }
        }
    }

    Ok(UriTemplate {
        source: source.to_owned(),
        path,
        query,
    })
}

fn push_literal(
    path: &mut Vec<PathPart>,
    text: &str,
    invalid: &impl Fn(&str) -> ProblemKind,
) -> Result<(), ProblemKind> {
    if text.contains('}') {
        return Err(invalid("a `}` has no matching `{`"));
    }
    path.push(PathPart::Literal(text.to_owned()));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn label(name: &str, greedy: bool) -> PathPart {
        PathPart::Label {
            name: name.to_owned(),
            greedy,
        }
    }

    fn literal(text: &str) -> PathPart {
        PathPart::Literal(text.to_owned())
    }

    #[test]
    fn parses_labels_and_literals() {
        let uri = parse_uri("/model/{modelId}/invoke").unwrap();
        assert_eq!(
            uri.path,
            vec![
                literal("/model/"),
                label("modelId", false),
                literal("/invoke")
            ]
        );
        assert!(uri.query.is_empty());
    }

    #[test]
    fn parses_greedy_labels_and_literal_query() {
        let uri = parse_uri("/{Bucket}/{Key+}?uploads&x-id=Upload").unwrap();
        assert_eq!(
            uri.path,
            vec![
                literal("/"),
                label("Bucket", false),
                literal("/"),
                label("Key", true)
            ]
        );
        assert_eq!(
            uri.query,
            vec![
                ("uploads".to_owned(), None),
                ("x-id".to_owned(), Some("Upload".to_owned()))
            ]
        );
        assert_eq!(
            uri.labels().collect::<Vec<_>>(),
            vec![("Bucket", false), ("Key", true)]
        );
    }

    #[test]
    fn labels_take_any_name_botocore_takes() {
        let uri = parse_uri("/tags/{resource-arn}/{broker.id}/{type}/{Key+}").unwrap();
        assert_eq!(
            uri.labels().collect::<Vec<_>>(),
            vec![
                ("resource-arn", false),
                ("broker.id", false),
                ("type", false),
                ("Key", true)
            ]
        );
    }

    #[test]
    fn rejects_malformed_templates() {
        for (uri, reason) in [
            ("model/{x}", "must start with `/`"),
            ("/model/{x", "never closed"),
            ("/model/x}", "no matching `{`"),
            ("/model/{}", "not a valid label"),
            ("/model/{a{b}", "not a valid label"),
            ("/a/{x}/{x}", "appears twice"),
            ("/a/{x+}b", "must end a path segment"),
            ("/a?b={c}", "not allowed in the query"),
        ] {
            let err = parse_uri(uri).unwrap_err().to_string();
            assert!(err.contains(reason), "{uri}: {err}");
        }
    }
}
