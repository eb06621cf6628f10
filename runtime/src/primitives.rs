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

/// An open JSON value (a `document` shape): any JSON the service accepts.
pub type Document = serde_json::Value;

/// A point in time (a `timestamp` shape), to the nanosecond.
///
/// On the wire a timestamp is epoch seconds (a JSON number), an ISO-8601
/// date-time, or an HTTP date, as the model says. Epoch seconds are read from
/// and written as the number's decimal text, so nothing is lost to an `f64`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct DateTime {
    seconds: i64,
    /// Always below one billion.
    nanos: u32,
}

impl DateTime {
    /// Whole seconds since the Unix epoch.
    pub const fn from_secs(seconds: i64) -> Self {
        DateTime { seconds, nanos: 0 }
    }

    /// Seconds and nanoseconds (below one billion) since the Unix epoch;
    /// `None` when `nanos` is out of range.
    pub const fn from_secs_and_nanos(seconds: i64, nanos: u32) -> Option<Self> {
        if nanos < 1_000_000_000 {
            Some(DateTime { seconds, nanos })
        } else {
            None
        }
    }

    /// Milliseconds since the Unix epoch.
    pub const fn from_millis(millis: i64) -> Self {
        DateTime {
            seconds: millis.div_euclid(1000),
            nanos: (millis.rem_euclid(1000) as u32) * 1_000_000,
        }
    }

    /// Fractional seconds since the Unix epoch, rounded to the microsecond
    /// (what an `f64` holds for current dates); `None` if not finite or out
    /// of range.
    pub fn from_secs_f64(seconds: f64) -> Option<Self> {
        if !seconds.is_finite() || seconds.abs() > 9.0e15 {
            return None;
        }
        let micros = (seconds * 1e6).round();
        // In range: checked above, so the value fits an i64.
        let micros = micros as i64;
        Some(DateTime {
            seconds: micros.div_euclid(1_000_000),
            nanos: (micros.rem_euclid(1_000_000) as u32) * 1000,
        })
    }

    /// Parses epoch seconds written as decimal text (`1515531081.123456789`,
    /// `-1.5`), exactly to the nanosecond; digits past the ninth are dropped.
    /// Exponent notation goes through [`DateTime::from_secs_f64`]. `None` for
    /// anything else or out of range.
    pub fn parse_epoch_seconds(text: &str) -> Option<Self> {
        if text.contains(['e', 'E']) {
            return text.parse::<f64>().ok().and_then(Self::from_secs_f64);
        }
        let (negative, unsigned) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !all_digits(whole) || !all_digits(fraction) {
            return None;
        }
        let whole: i64 = whole.parse().ok()?;
        let nanos = fraction
            .bytes()
            .chain(std::iter::repeat(b'0'))
            .take(9)
            .fold(0u32, |n, digit| n * 10 + u32::from(digit - b'0'));
        match (negative, nanos) {
            (false, _) => Self::from_secs_and_nanos(whole, nanos),
            (true, 0) => Self::from_secs_and_nanos(whole.checked_neg()?, 0),
            (true, _) => Self::from_secs_and_nanos(
                whole.checked_neg()?.checked_sub(1)?,
                1_000_000_000 - nanos,
            ),
        }
    }

    /// Epoch seconds as exact decimal text, the fraction only as long as it
    /// needs to be: `1515531081`, `1515531081.5`, `-1.5`.
    pub fn to_epoch_seconds_text(&self) -> String {
        if self.nanos == 0 {
            return self.seconds.to_string();
        }
        // A negative time with a fraction is `-(|seconds| - 1).(1e9 - nanos)`.
        let (sign, whole, nanos) = if self.seconds < 0 {
            ("-", -(self.seconds + 1), 1_000_000_000 - self.nanos)
        } else {
            ("", self.seconds, self.nanos)
        };
        let fraction = format!("{nanos:09}");
        format!("{sign}{whole}.{}", fraction.trim_end_matches('0'))
    }

    /// Whole seconds since the Unix epoch (rounded down).
    pub const fn secs(&self) -> i64 {
        self.seconds
    }

    /// Nanoseconds past [`DateTime::secs`].
    pub const fn subsec_nanos(&self) -> u32 {
        self.nanos
    }

    /// Milliseconds since the Unix epoch (rounded down).
    pub fn to_millis(&self) -> i64 {
        self.seconds
            .saturating_mul(1000)
            .saturating_add(i64::from(self.nanos / 1_000_000))
    }

    /// Seconds since the Unix epoch as a float, for JSON.
    pub fn as_secs_f64(&self) -> f64 {
        self.seconds as f64 + f64::from(self.nanos) / 1e9
    }

    /// ISO 8601 / RFC 3339 in UTC, e.g. `2024-03-01T12:00:00.5Z`: the
    /// fraction only as long as it needs to be.
    pub fn to_rfc3339(&self) -> String {
        let days = self.seconds.div_euclid(86_400);
        let secs_of_day = self.seconds.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        let mut out = format!(
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
            secs_of_day / 3600,
            secs_of_day % 3600 / 60,
            secs_of_day % 60
        );
        if self.nanos > 0 {
            let fraction = format!("{:09}", self.nanos);
            out.push('.');
            out.push_str(fraction.trim_end_matches('0'));
        }
        out.push('Z');
        out
    }

    /// Parses an RFC 3339 date-time (`Z` or a numeric offset).
    pub fn parse_rfc3339(text: &str) -> Option<Self> {
        let b = text.as_bytes();
        if b.len() < 20
            || b[4] != b'-'
            || b[7] != b'-'
            || !matches!(b[10], b'T' | b't' | b' ')
            || b[13] != b':'
            || b[16] != b':'
        {
            return None;
        }
        let num = |range: std::ops::Range<usize>| -> Option<i64> {
            let digits = text.get(range)?;
            digits
                .bytes()
                .all(|c| c.is_ascii_digit())
                .then(|| digits.parse().ok())?
        };
        let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
        if !(1..=12).contains(&month)
            || day < 1
            || day > days_in_month(year, month)
            || hour > 23
            || minute > 59
            || second > 60
        {
            return None;
        }
        let mut rest = &text[19..];
        let mut nanos = 0u32;
        if let Some(fraction) = rest.strip_prefix('.') {
            let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                return None;
            }
            let kept = &fraction[..digits.min(9)];
            nanos = kept.parse::<u32>().ok()? * 10u32.pow(9 - kept.len() as u32);
            rest = &fraction[digits..];
        }
        let offset_seconds = match rest {
            "Z" | "z" => 0,
            _ => {
                let sign = match rest.as_bytes().first()? {
                    b'+' => 1,
                    b'-' => -1,
                    _ => return None,
                };
                let offset = rest.get(1..)?;
                let (h, m) = offset.split_once(':')?;
                if h.len() != 2 || m.len() != 2 {
                    return None;
                }
                sign * (h.parse::<i64>().ok()? * 3600 + m.parse::<i64>().ok()? * 60)
            }
        };
        // A leap second is folded into the next second.
        let seconds =
            days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second
                - offset_seconds;
        Some(DateTime { seconds, nanos })
    }

    /// An HTTP date (IMF-fixdate), e.g. `Tue, 29 Apr 2014 18:30:38 GMT`;
    /// the fraction is dropped, as the format has none.
    pub fn to_http_date(&self) -> String {
        const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
        const MONTHS: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        let days = self.seconds.div_euclid(86_400);
        let secs_of_day = self.seconds.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        format!(
            "{}, {day:02} {} {year:04} {:02}:{:02}:{:02} GMT",
            DAYS[days.rem_euclid(7) as usize],
            MONTHS[(month - 1) as usize],
            secs_of_day / 3600,
            secs_of_day % 3600 / 60,
            secs_of_day % 60
        )
    }

    /// Parses an HTTP date in any of its three historic formats.
    pub fn parse_http_date(text: &str) -> Option<Self> {
        let time = httpdate::parse_http_date(text.trim()).ok()?;
        let seconds = time.duration_since(std::time::UNIX_EPOCH).ok()?.as_secs();
        Some(DateTime::from_secs(i64::try_from(seconds).ok()?))
    }
}

impl From<std::time::SystemTime> for DateTime {
    fn from(time: std::time::SystemTime) -> Self {
        match time.duration_since(std::time::UNIX_EPOCH) {
            Ok(after) => DateTime {
                seconds: i64::try_from(after.as_secs()).unwrap_or(i64::MAX),
                nanos: after.subsec_nanos(),
            },
            Err(before) => {
                let before = before.duration();
                let seconds = -i64::try_from(before.as_secs()).unwrap_or(i64::MAX);
                match before.subsec_nanos() {
                    0 => DateTime { seconds, nanos: 0 },
                    n => DateTime {
                        seconds: seconds - 1,
                        nanos: 1_000_000_000 - n,
                    },
                }
            }
        }
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count since 1970-01-01.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

/// The wire form of blobs and timestamps for applications that store or
/// replay values with serde (the `serde` feature): blobs as base64 text,
/// timestamps as epoch seconds unless the model says otherwise.
#[cfg(feature = "serde")]
mod serde_impls {
    use base64::Engine as _;
    use serde::de::Error as _;

    use super::{Blob, DateTime};

    impl serde::Serialize for Blob {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serializer
                .serialize_str(&base64::engine::general_purpose::STANDARD.encode(self.as_bytes()))
        }
    }

    impl<'de> serde::Deserialize<'de> for Blob {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            let text = String::deserialize(deserializer)?;
            base64::engine::general_purpose::STANDARD
                .decode(text)
                .map(Blob::new)
                .map_err(|_| D::Error::custom("a blob must be base64 text"))
        }
    }

    impl serde::Serialize for DateTime {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            if self.subsec_nanos() == 0 {
                serializer.serialize_i64(self.secs())
            } else {
                serializer.serialize_f64(self.as_secs_f64())
            }
        }
    }

    impl<'de> serde::Deserialize<'de> for DateTime {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            match serde_json::Value::deserialize(deserializer)? {
                serde_json::Value::Number(n) => DateTime::parse_epoch_seconds(&n.to_string())
                    .ok_or_else(|| D::Error::custom("epoch seconds out of range")),
                serde_json::Value::String(s) => DateTime::parse_rfc3339(&s)
                    .or_else(|| DateTime::parse_http_date(&s))
                    .ok_or_else(|| D::Error::custom("a timestamp must be epoch seconds or a date")),
                _ => Err(D::Error::custom(
                    "a timestamp must be epoch seconds or a date",
                )),
            }
        }
    }
}

/// serde helpers for timestamps the model writes as text (`#[serde(with)]`).
#[cfg(feature = "serde")]
pub mod serde_timestamp {
    /// ISO 8601 text.
    pub mod date_time {
        use super::super::DateTime;

        /// Writes ISO 8601.
        pub fn serialize<S: serde::Serializer>(
            value: &DateTime,
            serializer: S,
        ) -> Result<S::Ok, S::Error> {
            serializer.serialize_str(&value.to_rfc3339())
        }

        /// Reads any timestamp form.
        pub fn deserialize<'de, D: serde::Deserializer<'de>>(
            deserializer: D,
        ) -> Result<DateTime, D::Error> {
            serde::Deserialize::deserialize(deserializer)
        }
    }

    /// Optional ISO 8601 text.
    pub mod date_time_option {
        use super::super::DateTime;

        /// Writes ISO 8601.
        pub fn serialize<S: serde::Serializer>(
            value: &Option<DateTime>,
            serializer: S,
        ) -> Result<S::Ok, S::Error> {
            match value {
                Some(value) => serializer.serialize_str(&value.to_rfc3339()),
                None => serializer.serialize_none(),
            }
        }

        /// Reads any timestamp form.
        pub fn deserialize<'de, D: serde::Deserializer<'de>>(
            deserializer: D,
        ) -> Result<Option<DateTime>, D::Error> {
            serde::Deserialize::deserialize(deserializer)
        }
    }

    /// HTTP date text.
    pub mod http_date {
        use super::super::DateTime;

        /// Writes an HTTP date.
        pub fn serialize<S: serde::Serializer>(
            value: &DateTime,
            serializer: S,
        ) -> Result<S::Ok, S::Error> {
            serializer.serialize_str(&value.to_http_date())
        }

        /// Reads any timestamp form.
        pub fn deserialize<'de, D: serde::Deserializer<'de>>(
            deserializer: D,
        ) -> Result<DateTime, D::Error> {
            serde::Deserialize::deserialize(deserializer)
        }
    }

    /// Optional HTTP date text.
    pub mod http_date_option {
        use super::super::DateTime;

        /// Writes an HTTP date.
        pub fn serialize<S: serde::Serializer>(
            value: &Option<DateTime>,
            serializer: S,
        ) -> Result<S::Ok, S::Error> {
            match value {
                Some(value) => serializer.serialize_str(&value.to_http_date()),
                None => serializer.serialize_none(),
            }
        }

        /// Reads any timestamp form.
        pub fn deserialize<'de, D: serde::Deserializer<'de>>(
            deserializer: D,
        ) -> Result<Option<DateTime>, D::Error> {
            serde::Deserialize::deserialize(deserializer)
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
    fn date_times_format_and_parse_as_rfc3339() {
        let t = DateTime::from_secs_and_nanos(1_709_294_400, 500_000_000).unwrap();
        assert_eq!(t.to_rfc3339(), "2024-03-01T12:00:00.5Z");
        assert_eq!(DateTime::parse_rfc3339("2024-03-01T12:00:00.5Z"), Some(t));
        assert_eq!(
            DateTime::parse_rfc3339("2024-03-01T14:00:00.500+02:00"),
            Some(t)
        );
        assert_eq!(DateTime::from_secs(0).to_rfc3339(), "1970-01-01T00:00:00Z");
        assert_eq!(DateTime::from_secs(-1).to_rfc3339(), "1969-12-31T23:59:59Z");
        let nanos = DateTime::parse_rfc3339("2000-02-29T23:59:59.123456789Z").unwrap();
        assert_eq!(nanos.subsec_nanos(), 123_456_789, "no precision is lost");
        for bad in [
            "2024-02-30T00:00:00Z",
            "2024-03-01 12:00",
            "2024-03-01T12:00:00",
            "2024-13-01T00:00:00Z",
            "2024-03-01T12:00:00.Z",
        ] {
            assert_eq!(DateTime::parse_rfc3339(bad), None, "{bad}");
        }
    }

    #[test]
    fn date_times_format_and_parse_as_http_dates() {
        let t = DateTime::from_secs(1_398_796_238);
        assert_eq!(t.to_http_date(), "Tue, 29 Apr 2014 18:30:38 GMT");
        assert_eq!(
            DateTime::parse_http_date("Tue, 29 Apr 2014 18:30:38 GMT"),
            Some(t)
        );
        assert_eq!(DateTime::parse_http_date("yesterday"), None);
    }

    #[test]
    fn epoch_seconds_text_is_exact_to_the_nanosecond() {
        for (text, secs, nanos) in [
            ("1515531081", 1_515_531_081, 0),
            ("1515531081.123456789", 1_515_531_081, 123_456_789),
            ("1515531081.5", 1_515_531_081, 500_000_000),
            ("-1.5", -2, 500_000_000),
            ("-0.000000001", -1, 999_999_999),
            ("-3", -3, 0),
        ] {
            let t = DateTime::parse_epoch_seconds(text).unwrap();
            assert_eq!((t.secs(), t.subsec_nanos()), (secs, nanos), "{text}");
            assert_eq!(t.to_epoch_seconds_text(), text);
        }
        let t = DateTime::parse_epoch_seconds("1.5e9").unwrap();
        assert_eq!((t.secs(), t.subsec_nanos()), (1_500_000_000, 0));
        for bad in ["", "-", ".5", "1.2.3", "1a", "+1", "99999999999999999999"] {
            assert_eq!(DateTime::parse_epoch_seconds(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn date_times_from_epoch_seconds_round_to_the_microsecond() {
        let t = DateTime::from_secs_f64(1_515_531_081.123).unwrap();
        assert_eq!((t.secs(), t.subsec_nanos()), (1_515_531_081, 123_000_000));
        let before = DateTime::from_secs_f64(-1.5).unwrap();
        assert_eq!((before.secs(), before.subsec_nanos()), (-2, 500_000_000));
        assert_eq!(DateTime::from_secs_f64(f64::NAN), None);
        assert_eq!(DateTime::from_millis(-1).to_millis(), -1);
    }
}
