//! Model documentation (HTML, or plain text in older models) as Markdown
//! that rustdoc renders without surprises.

use htmd::HtmlToMarkdown;
use htmd::options::{BrStyle, BulletListMarker, Options};

/// Converts documentation to Markdown; `None` when it says nothing.
pub struct DocConverter {
    html: HtmlToMarkdown,
}

impl DocConverter {
    pub fn new() -> Self {
        let options = Options {
            bullet_list_marker: BulletListMarker::Dash,
            ul_bullet_spacing: 1,
            br_style: BrStyle::Backslash,
            ..Options::default()
        };
        DocConverter {
            html: HtmlToMarkdown::builder().options(options).build(),
        }
    }

    pub fn convert(&self, doc: Option<&str>) -> Option<String> {
        let doc = doc?.trim();
        if doc.is_empty() {
            return None;
        }
        let html = if looks_like_html(doc) {
            doc.to_owned()
        } else {
            plain_text_as_html(doc)
        };
        // htmd only fails on I/O errors of its internal writer; fall back to
        // the text itself rather than losing the documentation.
        let markdown = self.html.convert(&html).unwrap_or_else(|_| doc.to_owned());
        let markdown = make_rustdoc_safe(&markdown);
        (!markdown.is_empty()).then_some(markdown)
    }
}

/// Whether the text is HTML. Plain-text documentation may mention `<name>`
/// placeholders, so a lone tag is not enough: HTML documentation always
/// closes a paragraph, a list or a code span.
fn looks_like_html(text: &str) -> bool {
    text.contains("</") || text.contains("<br")
}

/// Blank lines separate paragraphs in plain-text documentation.
fn plain_text_as_html(text: &str) -> String {
    let mut html = String::with_capacity(text.len() + 16);
    for paragraph in text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
        html.push_str("<p>");
        for c in paragraph.chars() {
            match c {
                '<' => html.push_str("&lt;"),
                '>' => html.push_str("&gt;"),
                '&' => html.push_str("&amp;"),
                _ => html.push(c),
            }
        }
        html.push_str("</p>");
    }
    html
}

/// Fenced blocks without a language would be compiled as doctests; mark them
/// as text. Trailing whitespace is dropped and blank-line runs collapsed.
fn make_rustdoc_safe(markdown: &str) -> String {
    let mut out = Vec::new();
    let mut in_fence = false;
    let mut previous_blank = true;
    for line in markdown.lines() {
        let line = line.trim_end();
        if line.trim_start().starts_with("```") {
            if !in_fence && line.trim_start() == "```" {
                out.push(line.replacen("```", "```text", 1));
            } else {
                out.push(line.to_owned());
            }
            in_fence = !in_fence;
            previous_blank = false;
            continue;
        }
        if !in_fence && line.is_empty() {
            if !previous_blank {
                out.push(String::new());
            }
            previous_blank = true;
            continue;
        }
        previous_blank = false;
        out.push(if in_fence {
            line.to_owned()
        } else {
            link_bare_urls(line)
        });
    }
    if in_fence {
        out.push("```".to_owned());
    }
    while out.last().is_some_and(String::is_empty) {
        out.pop();
    }
    out.join("\n")
}

/// Wraps bare URLs in `<...>`, which rustdoc wants (`bare_urls`); URLs that
/// are already link targets, autolinks or inside code are left alone.
fn link_bare_urls(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(start) = ["https://", "http://"]
        .iter()
        .filter_map(|scheme| rest.find(scheme))
        .min()
    {
        let before = &rest[..start];
        out.push_str(before);
        let written = &out;
        let in_code = written.matches('`').count() % 2 == 1;
        let linked = written.ends_with("](") || written.ends_with('<');
        let after = &rest[start..];
        let mut end = after
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>' | ')' | '`'))
            .unwrap_or(after.len());
        while end > 0 && after[..end].ends_with(['.', ',', ';', ':', '!', '?']) {
            end -= 1;
        }
        let url = &after[..end];
        if in_code || linked || url.len() <= "https://".len() {
            out.push_str(url);
        } else {
            out.push('<');
            out.push_str(url);
            out.push('>');
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_urls_become_autolinks() {
        assert_eq!(
            link_bare_urls(r#"the seed URL "https://docs.aws.amazon.com/bedrock/". Then"#),
            r#"the seed URL "<https://docs.aws.amazon.com/bedrock/>". Then"#
        );
        assert_eq!(
            link_bare_urls("see http://a.example/x."),
            "see <http://a.example/x>."
        );
        for untouched in [
            "[docs](https://a.example/x)",
            "<https://a.example/x>",
            "`curl https://a.example/x`",
        ] {
            assert_eq!(link_bare_urls(untouched), untouched);
        }
    }

    fn convert(doc: &str) -> String {
        DocConverter::new().convert(Some(doc)).unwrap_or_default()
    }

    #[test]
    fn plain_text_keeps_its_paragraphs() {
        assert_eq!(
            convert("\n\nFirst paragraph.\n\nSecond, with <angle> & [brackets].\n\n"),
            "First paragraph.\n\nSecond, with \\<angle> & \\[brackets\\]."
        );
    }

    #[test]
    fn html_becomes_markdown() {
        let doc = r#"<p>Sends <code>Converse</code> a <a href="https://example.com/a">link</a>.</p> <ul><li><p>one</p></li><li>two</li></ul>"#;
        assert_eq!(
            convert(doc),
            "Sends `Converse` a [link](https://example.com/a).\n\n- one\n\n- two"
        );
    }

    #[test]
    fn code_blocks_are_not_doctests() {
        let md = convert("<p>Example:</p><pre><code>let x = 1;</code></pre>");
        assert!(md.contains("```text\nlet x = 1;\n```"), "{md}");
    }

    #[test]
    fn empty_documentation_is_none() {
        let converter = DocConverter::new();
        assert_eq!(converter.convert(Some("\n\n  ")), None);
        assert_eq!(converter.convert(Some("<p></p>")), None);
        assert_eq!(converter.convert(None), None);
    }
}
