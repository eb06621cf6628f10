//! How `Debug` prints sensitive values. Copied into a crate only when its
//! model has sensitive members or shapes.

use std::fmt;

/// What `Debug` prints in place of a sensitive value.
pub const REDACTED: &str = "*** Sensitive Data Redacted ***";

/// Stands in for a sensitive value in `Debug` output. It still says whether
/// an optional value was set, which helps debugging and reveals nothing.
pub struct Redacted {
    present: bool,
}

impl Redacted {
    /// A value that is always present (a required member).
    pub const SET: Redacted = Redacted { present: true };

    /// An optional value.
    pub fn of<T>(value: &Option<T>) -> Self {
        Redacted {
            present: value.is_some(),
        }
    }
}

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.present {
            f.write_str(REDACTED)
        } else {
            f.write_str("None")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacted_says_whether_a_value_is_set() {
        assert_eq!(format!("{:?}", Redacted::of(&Some("x"))), REDACTED);
        assert_eq!(format!("{:?}", Redacted::of::<&str>(&None)), "None");
        assert_eq!(format!("{:?}", Redacted::SET), REDACTED);
    }
}
