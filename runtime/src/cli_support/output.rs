//! What a command prints, as the AWS CLI prints it: `--query` (JMESPath)
//! picks part of the output, `--output` says how it looks (`json`, indented
//! by four spaces; `text`, tab-separated; `table`, boxed).

use std::io::Write as _;

use clap::ArgMatches;
use serde_json::Value;

use super::CliError;

/// How the output is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// JSON, indented by four spaces.
    Json,
    /// Tab-separated values, one line per object or list of scalars, as
    /// the AWS CLI's `text`.
    Text,
    /// Boxed tables, one per object or list of objects.
    Table,
}

/// The output options of one run: `--query`, `--output`, `--no-paginate`.
pub struct Context {
    query: Option<jmespath::Expression<'static>>,
    format: Format,
    paginate: bool,
}

impl Context {
    /// Reads the global options; a `--query` that does not compile is a
    /// parameter error, before anything is sent.
    pub fn from_args(global: &ArgMatches) -> Result<Self, CliError> {
        let query = match global.get_one::<String>("query") {
            Some(expression) => Some(jmespath::compile(expression).map_err(|e| {
                CliError::parameter(format!("--query: {expression:?} is not JMESPath: {e}"))
            })?),
            None => None,
        };
        let format = match global.get_one::<String>("output").map(String::as_str) {
            None | Some("json") => Format::Json,
            Some("text") => Format::Text,
            Some("table") => Format::Table,
            Some(other) => {
                return Err(CliError::parameter(format!(
                    "--output: {other:?} is not one of json, text, table"
                )));
            }
        };
        Ok(Context {
            query,
            format,
            paginate: !global.get_flag("no-paginate"),
        })
    }

    /// Whether to follow a paginated operation's tokens (no `--no-paginate`).
    pub fn paginate(&self) -> bool {
        self.paginate
    }

    /// Prints an operation's output: the query's result, in the format.
    pub fn print(&self, value: &Value) -> Result<(), CliError> {
        let selected;
        let value = match &self.query {
            None => value,
            Some(query) => {
                selected = search(query, value)?;
                &selected
            }
        };
        match self.format {
            Format::Json => print_json(value),
            Format::Text => write_stdout(text(value).as_bytes()),
            Format::Table => write_stdout(table(value).as_bytes()),
        }
    }

    /// Prints one event of a stream as one JSON line (after the query).
    /// Without a query the event is written as it is, with no JSON tree
    /// built in between: this runs once per event.
    pub fn print_line(&self, value: &impl serde::Serialize) -> Result<(), CliError> {
        let mut line = match &self.query {
            None => serde_json::to_vec(value)?,
            Some(query) => serde_json::to_vec(&search(query, &serde_json::to_value(value)?)?)?,
        };
        line.push(b'\n');
        write_stdout(&line)
    }
}

/// The part of `value` a `--query` picks.
fn search(query: &jmespath::Expression<'static>, value: &Value) -> Result<Value, CliError> {
    let found = query
        .search(value)
        .map_err(|e| CliError::parameter(format!("--query: {e}")))?;
    serde_json::to_value(&*found).map_err(CliError::from)
}

/// Prints JSON as the AWS CLI does: indented by four spaces.
pub fn print_json(value: &Value) -> Result<(), CliError> {
    let mut out = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, formatter);
    serde::Serialize::serialize(value, &mut serializer)?;
    out.push(b'\n');
    write_stdout(&out)
}

/// Prints JSON on one line.
pub fn print_json_line(value: &Value) -> Result<(), CliError> {
    let mut line = serde_json::to_vec(value)?;
    line.push(b'\n');
    write_stdout(&line)
}

fn write_stdout(bytes: &[u8]) -> Result<(), CliError> {
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(bytes)?;
    stdout.flush()?;
    Ok(())
}

fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::Null => Some("None".to_owned()),
        Value::Bool(b) => Some(if *b { "True" } else { "False" }.to_owned()),
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) => Some(s.clone()),
        Value::Array(_) | Value::Object(_) => None,
    }
}

/// The AWS CLI's `text`: an object's scalars on one tab-separated line
/// (keys in order, after the upper-cased name of the member holding it),
/// then its lists and objects the same way; a list of scalars on one line.
pub fn text(value: &Value) -> String {
    let mut out = String::new();
    write_text(value, None, &mut out);
    out
}

fn write_text(value: &Value, identifier: Option<&str>, out: &mut String) {
    let mut line = |cells: Vec<String>| {
        let mut all: Vec<String> = identifier.map(str::to_owned).into_iter().collect();
        all.extend(cells);
        out.push_str(&all.join("\t"));
        out.push('\n');
    };
    match value {
        Value::Object(members) => {
            let mut keys: Vec<&String> = members.keys().collect();
            keys.sort();
            let cells: Vec<String> = keys.iter().filter_map(|k| scalar(&members[*k])).collect();
            if !cells.is_empty() {
                line(cells);
            }
            for key in keys {
                let inner = &members[key];
                if scalar(inner).is_none() {
                    write_text(inner, Some(&key.to_uppercase()), out);
                }
            }
        }
        Value::Array(items) => {
            let cells: Option<Vec<String>> = items.iter().map(scalar).collect();
            match cells {
                Some(cells) if !cells.is_empty() => line(cells),
                Some(_) => {}
                None => {
                    for item in items {
                        write_text(item, identifier, out);
                    }
                }
            }
        }
        other => line(scalar(other).into_iter().collect()),
    }
}

/// Boxed tables, titled by the member that holds them: an object's
/// scalars as two columns, a list of objects as one row each under the
/// union of their scalar keys, nested lists and objects as tables below.
pub fn table(value: &Value) -> String {
    let mut out = String::new();
    write_table(value, "Output", &mut out);
    out
}

fn write_table(value: &Value, title: &str, out: &mut String) {
    match value {
        Value::Object(members) => {
            let rows: Vec<Vec<String>> = members
                .iter()
                .filter_map(|(k, v)| scalar(v).map(|s| vec![k.clone(), s]))
                .collect();
            if !rows.is_empty() {
                boxed(title, None, &rows, out);
            }
            for (key, inner) in members {
                if scalar(inner).is_none() {
                    write_table(inner, key, out);
                }
            }
        }
        Value::Array(items) if items.iter().all(Value::is_object) && !items.is_empty() => {
            let mut headers: Vec<String> = Vec::new();
            for item in items.iter().filter_map(Value::as_object) {
                for (key, v) in item {
                    if scalar(v).is_some() && !headers.contains(key) {
                        headers.push(key.clone());
                    }
                }
            }
            if !headers.is_empty() {
                let rows: Vec<Vec<String>> = items
                    .iter()
                    .map(|item| {
                        headers
                            .iter()
                            .map(|h| item.get(h).and_then(scalar).unwrap_or_default())
                            .collect()
                    })
                    .collect();
                boxed(title, Some(&headers), &rows, out);
            }
            for item in items.iter().filter_map(Value::as_object) {
                for (key, inner) in item {
                    if scalar(inner).is_none() {
                        write_table(inner, key, out);
                    }
                }
            }
        }
        Value::Array(items) => {
            let rows: Vec<Vec<String>> = items
                .iter()
                .filter_map(|v| scalar(v).map(|s| vec![s]))
                .collect();
            if !rows.is_empty() {
                boxed(title, None, &rows, out);
            }
            for item in items.iter().filter(|v| scalar(v).is_none()) {
                write_table(item, title, out);
            }
        }
        other => boxed(title, None, &[scalar(other).into_iter().collect()], out),
    }
}

fn boxed(title: &str, headers: Option<&[String]>, rows: &[Vec<String>], out: &mut String) {
    let columns = rows
        .iter()
        .map(Vec::len)
        .chain(headers.map(<[String]>::len))
        .max()
        .unwrap_or(0);
    let mut widths = vec![0usize; columns];
    for row in rows.iter().chain(headers.map(|h| h.to_vec()).iter()) {
        for (i, cell) in row.iter().enumerate() {
            widths[i] = widths[i].max(cell.chars().count());
        }
    }
    let span = |widths: &[usize]| {
        widths
            .iter()
            .map(|w| w + 3)
            .sum::<usize>()
            .saturating_sub(1)
    };
    // A title wider than the columns widens the last one.
    let wanted = title.chars().count() + 2;
    if span(&widths) < wanted {
        let short = wanted - span(&widths);
        match widths.last_mut() {
            Some(last) => *last += short,
            None => widths.push(wanted.saturating_sub(2)),
        }
    }
    let inner = span(&widths);
    let rule = format!("+{}+\n", "-".repeat(inner));
    out.push_str(&rule);
    let pad = inner - title.chars().count();
    out.push_str(&format!(
        "|{}{title}{}|\n",
        " ".repeat(pad / 2),
        " ".repeat(pad - pad / 2)
    ));
    out.push_str(&rule);
    let mut write_row = |row: &[String]| {
        out.push('|');
        for (i, width) in widths.iter().enumerate() {
            let cell = row.get(i).map(String::as_str).unwrap_or("");
            out.push_str(&format!(
                " {cell}{} |",
                " ".repeat(width - cell.chars().count())
            ));
        }
        out.push('\n');
    };
    if let Some(headers) = headers {
        write_row(headers);
    }
    for row in rows {
        write_row(row);
    }
    out.push_str(&rule);
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn text_puts_scalars_on_a_line_and_names_nested_members() {
        let value = json!({
            "modelSummaries": [
                {"modelId": "a", "providerName": "X", "inputModalities": ["TEXT", "IMAGE"]},
                {"modelId": "b", "providerName": "Y", "inputModalities": []}
            ],
            "count": 2
        });
        assert_eq!(
            text(&value),
            "2\nMODELSUMMARIES\ta\tX\nINPUTMODALITIES\tTEXT\tIMAGE\nMODELSUMMARIES\tb\tY\n"
        );
        assert_eq!(text(&json!(["a", "b"])), "a\tb\n");
        assert_eq!(text(&json!("x")), "x\n");
    }

    #[test]
    fn tables_box_objects_and_lists_of_objects() {
        let value = json!({"items": [{"id": "a", "n": 1}, {"id": "bb", "n": 22}]});
        assert_eq!(
            table(&value),
            "+---------+\n\
             |  items  |\n\
             +---------+\n\
             | id | n  |\n\
             | a  | 1  |\n\
             | bb | 22 |\n\
             +---------+\n"
        );
    }

    #[test]
    fn a_query_picks_part_of_the_output() {
        let context = Context {
            query: Some(jmespath::compile("items[].id").unwrap()),
            format: Format::Json,
            paginate: true,
        };
        let value = json!({"items": [{"id": "a"}, {"id": "b"}]});
        let query = context.query.as_ref().unwrap();
        assert_eq!(search(query, &value).unwrap(), json!(["a", "b"]));
    }
}
