//! Value types that the model's shapes map to beyond Rust's own.

use std::fmt;

use bytes::Bytes;

/// Binary data (a `blob` shape), backed by [`Bytes`] so that cloning and
/// slicing never copy.
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct Blob {
    inner: Bytes,
}

impl Blob {
    /// Wraps anything that converts into [`Bytes`].
    pub fn new(data: impl Into<Bytes>) -> Self {
        Blob { inner: data.into() }
    }

    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.inner
    }

    /// Number of bytes.
    pub fn len(&self) -> usize {
        self.inner.len()
    }

    /// Whether there are no bytes.
    pub fn is_empty(&self) -> bool {
        self.inner.is_empty()
    }

    /// The underlying [`Bytes`], without copying.
    pub fn into_bytes(self) -> Bytes {
        self.inner
    }
}

impl AsRef<[u8]> for Blob {
    fn as_ref(&self) -> &[u8] {
        &self.inner
    }
}

impl From<Bytes> for Blob {
    fn from(inner: Bytes) -> Self {
        Blob { inner }
    }
}

impl From<Vec<u8>> for Blob {
    fn from(data: Vec<u8>) -> Self {
        Blob::new(data)
    }
}

impl From<&'static [u8]> for Blob {
    fn from(data: &'static [u8]) -> Self {
        Blob::new(data)
    }
}

impl From<&'static str> for Blob {
    fn from(data: &'static str) -> Self {
        Blob::new(data.as_bytes())
    }
}

impl From<String> for Blob {
    fn from(data: String) -> Self {
        Blob::new(data.into_bytes())
    }
}

impl From<Blob> for Bytes {
    fn from(blob: Blob) -> Self {
        blob.inner
    }
}

/// Shows the length, not the contents: a blob may be large or private.
impl fmt::Debug for Blob {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Blob({} bytes)", self.inner.len())
    }
}

/// What `Debug` prints in place of a sensitive value.
pub(crate) const REDACTED: &str = "*** Sensitive Data Redacted ***";

/// Stands in for a sensitive value in `Debug` output. It still says whether
/// an optional value was set, which helps debugging and reveals nothing.
pub(crate) struct Redacted {
    present: bool,
}

impl Redacted {
    /// A value that is always present (a required member).
    pub(crate) const SET: Redacted = Redacted { present: true };

    /// An optional value.
    pub(crate) fn of<T>(value: &Option<T>) -> Self {
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
    fn blob_debug_shows_no_bytes() {
        let blob = Blob::new(&b"secret prompt"[..]);
        assert_eq!(format!("{blob:?}"), "Blob(13 bytes)");
    }

    #[test]
    fn blob_conversions_do_not_copy() {
        let bytes = Bytes::from_static(b"abc");
        let blob = Blob::from(bytes.clone());
        assert_eq!(blob.as_bytes().as_ptr(), bytes.as_ptr());
        assert_eq!(Bytes::from(blob), bytes);
    }

    #[test]
    fn redacted_says_whether_a_value_is_set() {
        assert_eq!(format!("{:?}", Redacted::of(&Some("x"))), REDACTED);
        assert_eq!(format!("{:?}", Redacted::of::<&str>(&None)), "None");
        assert_eq!(format!("{:?}", Redacted::SET), REDACTED);
    }
}
