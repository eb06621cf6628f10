//! `pattern` constraints: ECMA-262 regular expressions, as Smithy says, with
//! the Java-style leading flag groups (`(?s)`, `(?i)`, `(?is)`, ...) that
//! some AWS models use translated into ECMAScript flags.

/// A pattern ready for `regress`: its source and flags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Compiled {
    pub source: String,
    /// `regress` flags: any of `i`, `m`, `s`.
    pub flags: String,
}

/// Translates and compiles a model's pattern; the reason when no ECMA-262
/// engine would accept it.
pub fn compile(pattern: &str) -> Result<Compiled, String> {
    let mut rest = pattern;
    let mut flags = String::new();
    // Leading inline flag groups, possibly several: `(?i)(?s)...`.
    while let Some(after) = rest.strip_prefix("(?") {
        let Some(end) = after.find(')') else { break };
        let group = &after[..end];
        if group.is_empty() || !group.chars().all(|c| c.is_ascii_alphabetic()) {
            break;
        }
        for flag in group.chars() {
            match flag {
                'i' | 'm' | 's' => {
                    if !flags.contains(flag) {
                        flags.push(flag);
                    }
                }
                other => {
                    return Err(format!(
                        "the inline flag `{other}` has no ECMAScript equivalent"
                    ));
                }
            }
        }
        rest = &after[end + 1..];
    }
    let mut sorted: Vec<char> = flags.chars().collect();
    sorted.sort_unstable();
    let flags: String = sorted.into_iter().collect();
    regress::Regex::with_flags(rest, flags.as_str()).map_err(|e| e.to_string())?;
    Ok(Compiled {
        source: rest.to_owned(),
        flags,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(source: &str, flags: &str) -> Result<Compiled, String> {
        Ok(Compiled {
            source: source.to_owned(),
            flags: flags.to_owned(),
        })
    }

    #[test]
    fn ecmascript_patterns_pass_unchanged() {
        assert_eq!(compile("^[a-z]+$"), ok("^[a-z]+$", ""));
        assert_eq!(compile(r"(?<n>a)\k<n>"), ok(r"(?<n>a)\k<n>", ""));
        assert_eq!(compile("(?:ab)+"), ok("(?:ab)+", ""));
    }

    #[test]
    fn leading_java_flags_become_ecmascript_flags() {
        assert_eq!(compile("(?s).+"), ok(".+", "s"));
        assert_eq!(compile("(?is)^a.b$"), ok("^a.b$", "is"));
        assert_eq!(compile("(?s)(?i)x"), ok("x", "is"));
        assert_eq!(compile("(?m)^x$"), ok("^x$", "m"));
        let dotall = compile("(?s).+").unwrap();
        let regex = regress::Regex::with_flags(&dotall.source, dotall.flags.as_str()).unwrap();
        assert!(regex.find("a\nb").is_some_and(|m| m.range() == (0..3)));
    }

    #[test]
    fn what_no_engine_accepts_is_reported() {
        assert!(compile("(?x) a b").unwrap_err().contains("`x`"));
        assert!(compile("([a-z]+").is_err());
    }
}
