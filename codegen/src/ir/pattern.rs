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

/// Translates and compiles a model's pattern. The error completes the
/// sentence "the pattern ...": no ECMA-262 engine accepts it, or it looks
/// like a typo (see [`typo`]); either way it is not enforced.
pub fn compile(pattern: &str) -> Result<Compiled, String> {
    if let Some(typo) = typo(pattern) {
        return Err(format!(
            "looks like a typo ({typo}), so it is not enforced, even in ValidationMode::Strict"
        ));
    }
    translate(pattern)
        .map_err(|reason| format!("is not a valid ECMA-262 regular expression ({reason})"))
}

/// What in `pattern` looks like a mistyped character class: an escaped
/// backslash before `d`, `w` or `s` (`\\d`: a backslash and a letter, where
/// `\d` was meant), or a slash in its place before a quantifier (`/d{12}`).
/// Both appear in AWS's models and refuse every real value.
pub fn typo(pattern: &str) -> Option<String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '\\' => {
                if chars.get(i + 1) == Some(&'\\')
                    && let Some(class) = chars.get(i + 2).filter(|c| "dwsDWS".contains(**c))
                {
                    return Some(format!("`\\\\{class}` where `\\{class}` was meant"));
                }
                // An escape: the escaped character is not looked at again.
                i += 2;
                continue;
            }
            '/' => {
                if let (Some(class), Some(quantifier)) = (chars.get(i + 1), chars.get(i + 2))
                    && "dws".contains(*class)
                    && "{+*".contains(*quantifier)
                {
                    return Some(format!(
                        "`/{class}{quantifier}` where `\\{class}{quantifier}` was meant"
                    ));
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// The pattern with its Java-style leading flags as ECMAScript flags,
/// compiled; the engine's reason when it does not compile.
fn translate(pattern: &str) -> Result<Compiled, String> {
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

    #[test]
    fn typos_seen_in_aws_models_are_caught_and_real_escapes_are_not() {
        // bedrock-agent's TaggableResourcesArn, databrew, marketplace-catalog.
        let agent =
            compile("^arn:aws:bedrock:[a-zA-Z0-9-]+:/d{12}:agent/[A-Z0-9]{10}$").unwrap_err();
        assert!(agent.contains("`/d{` where `\\d{` was meant"), "{agent}");
        assert!(compile(r"^[A-Z_][A-Z\\d_]*$").unwrap_err().contains("typo"));
        assert!(compile(r"^\\S+[\\S\\s]*").unwrap_err().contains("typo"));
        // An escaped backslash, then a class: a backslash or whitespace.
        assert!(compile(r"^[a-z\\\s]+$").is_ok());
        assert!(compile(r"^[\w/]+$").is_ok());
        assert!(compile("^/data/[a-z]+$").is_ok());
    }
}
