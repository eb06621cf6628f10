//! Settings every AWS SDK reads from the environment and the shared
//! `config`/`credentials` files. Code wins, then the environment, then the
//! profile; a value that cannot be read is an error naming the variable, or
//! the profile key and its file, never a setting silently ignored.

use crate::credentials::{Environment, Profile};
use crate::error::ConfigError;
use crate::retry::RetryMode;

/// The environment and the profile, read as one.
pub(crate) struct Sources<'a> {
    pub(crate) env: &'a Environment,
    pub(crate) profile: &'a Profile,
}

impl Sources<'_> {
    /// The value of `variable`, else of the profile's `key`, with where it
    /// was read.
    fn raw(&self, variable: &str, key: &str) -> Option<(String, String)> {
        if let Some(value) = self.env.get(variable) {
            return Some((value, variable.to_owned()));
        }
        self.profile
            .get(key)
            .map(|value| (value.to_owned(), self.profile.origin(key)))
    }

    /// A text setting, as given.
    pub(crate) fn text(&self, variable: &str, key: &str) -> Option<String> {
        self.raw(variable, key)
            .map(|(value, _)| value.trim().to_owned())
    }

    /// A setting `parse` understands; `expected` says what it takes.
    pub(crate) fn parsed<T>(
        &self,
        variable: &str,
        key: &str,
        expected: &str,
        parse: impl Fn(&str) -> Option<T>,
    ) -> Result<Option<T>, ConfigError> {
        match self.raw(variable, key) {
            None => Ok(None),
            Some((value, origin)) => parse(value.trim())
                .map(Some)
                .ok_or_else(|| invalid(&origin, &value, expected)),
        }
    }

    /// `true` or `false`, in any case.
    pub(crate) fn flag(&self, variable: &str, key: &str) -> Result<Option<bool>, ConfigError> {
        self.parsed(variable, key, "true or false", parse_bool)
    }

    /// A whole number of attempts, at least 1.
    pub(crate) fn attempts(&self, variable: &str, key: &str) -> Result<Option<u32>, ConfigError> {
        self.parsed(variable, key, "a whole number of at least 1", |v| {
            v.parse::<u32>().ok().filter(|n| *n >= 1)
        })
    }

    /// `standard` or `adaptive`.
    pub(crate) fn retry_mode(&self) -> Result<Option<RetryMode>, ConfigError> {
        self.parsed(
            "AWS_RETRY_MODE",
            "retry_mode",
            "a retry mode this SDK has (standard or adaptive)",
            |v| match v.to_ascii_lowercase().as_str() {
                "standard" => Some(RetryMode::Standard),
                "adaptive" => Some(RetryMode::Adaptive),
                _ => None,
            },
        )
    }

    /// `standard`, `strict`, `warn` or `off`: our setting, not AWS's, so
    /// named for this SDK.
    pub(crate) fn validation_mode(
        &self,
    ) -> Result<Option<crate::validation::ValidationMode>, ConfigError> {
        use crate::validation::ValidationMode as Mode;
        self.parsed(
            "SDK_RS_VALIDATION_MODE",
            "sdk_rs_validation_mode",
            "standard, strict, warn or off",
            |v| match v.to_ascii_lowercase().as_str() {
                "standard" => Some(Mode::Standard),
                "strict" => Some(Mode::Strict),
                "warn" => Some(Mode::Warn),
                "off" => Some(Mode::Off),
                _ => None,
            },
        )
    }

    /// `preferred`, `disabled` or `required`.
    pub(crate) fn account_id_endpoint_mode(
        &self,
    ) -> Result<Option<super::AccountIdEndpointMode>, ConfigError> {
        use super::AccountIdEndpointMode as Mode;
        self.parsed(
            "AWS_ACCOUNT_ID_ENDPOINT_MODE",
            "account_id_endpoint_mode",
            "preferred, disabled or required",
            |v| match v.to_ascii_lowercase().as_str() {
                "preferred" => Some(Mode::Preferred),
                "disabled" => Some(Mode::Disabled),
                "required" => Some(Mode::Required),
                _ => None,
            },
        )
    }
}

/// The error for a value that cannot be read: `AWS_MAX_ATTEMPTS = "abc" is
/// not a whole number of at least 1`.
pub(crate) fn invalid(origin: &str, value: &str, expected: &str) -> ConfigError {
    ConfigError::new(format!("{origin} = {value:?} is not {expected}"))
}

fn parse_bool(value: &str) -> Option<bool> {
    if value.eq_ignore_ascii_case("true") {
        Some(true)
    } else if value.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// A service's SDK id as environment variables spell it:
/// `Bedrock Runtime` becomes `BEDROCK_RUNTIME`.
pub(crate) fn environment_service_id(sdk_id: &str) -> String {
    sdk_id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// A service's SDK id as the `services` section spells it:
/// `Bedrock Runtime` becomes `bedrock_runtime`.
pub(crate) fn profile_service_id(sdk_id: &str) -> String {
    environment_service_id(sdk_id).to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_ids_are_spelt_as_the_sdks_spell_them() {
        assert_eq!(environment_service_id("Bedrock Runtime"), "BEDROCK_RUNTIME");
        assert_eq!(
            environment_service_id("Bedrock Agent Runtime"),
            "BEDROCK_AGENT_RUNTIME"
        );
        assert_eq!(environment_service_id("STS"), "STS");
        assert_eq!(
            environment_service_id("Resource Groups Tagging API"),
            "RESOURCE_GROUPS_TAGGING_API"
        );
        assert_eq!(profile_service_id("Bedrock Runtime"), "bedrock_runtime");
    }

    #[test]
    fn the_environment_wins_and_bad_values_name_their_source() {
        let env = Environment::from_vars([("AWS_MAX_ATTEMPTS", "abc")]);
        let profile = Profile::default();
        let sources = Sources {
            env: &env,
            profile: &profile,
        };
        let err = sources
            .attempts("AWS_MAX_ATTEMPTS", "max_attempts")
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid configuration: AWS_MAX_ATTEMPTS = \"abc\" is not a whole number of at least 1"
        );
        let env = Environment::from_vars([
            ("AWS_RETRY_MODE", "Adaptive"),
            ("AWS_USE_FIPS_ENDPOINT", "TRUE"),
        ]);
        let sources = Sources {
            env: &env,
            profile: &profile,
        };
        assert_eq!(sources.retry_mode().unwrap(), Some(RetryMode::Adaptive));
        assert_eq!(
            sources
                .flag("AWS_USE_FIPS_ENDPOINT", "use_fips_endpoint")
                .unwrap(),
            Some(true)
        );
        let env = Environment::from_vars([("AWS_USE_FIPS_ENDPOINT", "yes")]);
        let sources = Sources {
            env: &env,
            profile: &profile,
        };
        assert!(
            sources
                .flag("AWS_USE_FIPS_ENDPOINT", "use_fips_endpoint")
                .is_err()
        );
    }
}
