//! Retries as the AWS SDKs make them: a few attempts, exponential backoff
//! with full jitter, and a shared retry quota so that a struggling service
//! is not hit harder by every client retrying at once; in adaptive mode
//! also a client-side rate limiter that throttling slows down.

mod rate_limit;

use std::sync::Mutex;
use std::time::Duration;

pub(crate) use rate_limit::RateLimiter;

/// The AWS SDKs' retry modes (`AWS_RETRY_MODE`, the profile's `retry_mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RetryMode {
    /// Backoff and the retry quota.
    #[default]
    Standard,
    /// Standard, plus a client-side rate limiter: after the service first
    /// throttles, attempts wait for a token from a bucket whose rate
    /// throttling cuts and success grows back.
    Adaptive,
}

/// Error codes the AWS SDKs treat as throttling.
const THROTTLING_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "EC2ThrottledException",
];

/// Error codes the AWS SDKs treat as transient.
const TRANSIENT_CODES: &[&str] = &[
    "RequestTimeout",
    "RequestTimeoutException",
    "PriorRequestNotComplete",
];

/// HTTP statuses of transient server faults.
const TRANSIENT_STATUSES: &[u16] = &[500, 502, 503, 504];

/// The retry quota's size and costs, as in the AWS SDKs.
const QUOTA_CAPACITY: u32 = 500;
const RETRY_COST: u32 = 5;
const TIMEOUT_RETRY_COST: u32 = 10;
const SUCCESS_REFUND: u32 = 1;

/// How the client retries failed attempts.
///
/// Throttling errors, server faults (HTTP 500, 502, 503, 504), errors the
/// model marks retryable and connection failures are retried; validation,
/// access, not-found and quota errors are not. A timed-out attempt of an
/// operation the model does not mark idempotent is not retried unless
/// [`RetryConfig::with_retry_timed_out_non_idempotent`] says so: a model
/// invocation that timed out after running for minutes may have run, and a
/// retry would be paid for twice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryConfig {
    mode: RetryMode,
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    retry_timed_out_non_idempotent: bool,
}

impl Default for RetryConfig {
    fn default() -> Self {
        Self::standard()
    }
}

impl RetryConfig {
    /// Standard mode: 3 attempts, backoff starting at up to 1 s and capped at 20 s.
    pub fn standard() -> Self {
        RetryConfig {
            mode: RetryMode::Standard,
            max_attempts: 3,
            initial_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(20),
            retry_timed_out_non_idempotent: false,
        }
    }

    /// Adaptive mode: standard mode's attempts and backoff, plus client-side
    /// rate limiting once the service throttles.
    pub fn adaptive() -> Self {
        Self::standard().with_mode(RetryMode::Adaptive)
    }

    /// The retry mode.
    pub fn with_mode(mut self, mode: RetryMode) -> Self {
        self.mode = mode;
        self
    }

    /// The retry mode.
    pub fn mode(&self) -> RetryMode {
        self.mode
    }

    /// One attempt, no retries.
    pub fn disabled() -> Self {
        Self::standard().with_max_attempts(1)
    }

    /// Attempts in all, the first included; must be at least 1.
    pub fn with_max_attempts(mut self, max_attempts: u32) -> Self {
        self.max_attempts = max_attempts;
        self
    }

    /// The upper bound of the first backoff; each retry doubles it.
    pub fn with_initial_backoff(mut self, initial_backoff: Duration) -> Self {
        self.initial_backoff = initial_backoff;
        self
    }

    /// No backoff (nor `x-amz-retry-after` wait) is longer than this.
    pub fn with_max_backoff(mut self, max_backoff: Duration) -> Self {
        self.max_backoff = max_backoff;
        self
    }

    /// Whether to retry an attempt that timed out when the operation is not
    /// idempotent (off by default; see the type's documentation).
    pub fn with_retry_timed_out_non_idempotent(mut self, retry: bool) -> Self {
        self.retry_timed_out_non_idempotent = retry;
        self
    }

    /// Attempts in all, the first included.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    pub(crate) fn check(&self) -> Result<(), String> {
        if self.max_attempts == 0 {
            return Err("max_attempts must be at least 1".to_owned());
        }
        if self.initial_backoff > self.max_backoff {
            return Err(format!(
                "initial backoff {:?} exceeds max backoff {:?}",
                self.initial_backoff, self.max_backoff
            ));
        }
        Ok(())
    }
}

/// Why an attempt failed, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Failure {
    /// The service is throttling.
    Throttling,
    /// A transient fault: a server error or a broken connection.
    Transient,
    /// The attempt timed out; the request may have been processed.
    TimedOut,
    /// Retrying cannot help.
    Permanent,
}

/// How a model's `retryable` trait marks an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Modeled {
    /// The error means the service is throttling.
    Throttling,
    /// The error is transient.
    Transient,
}

/// Classifies an error response by its code and status, after what the
/// model says about the code.
pub(crate) fn classify_response(
    status: u16,
    code: Option<&str>,
    modeled: Option<Modeled>,
) -> Failure {
    match modeled {
        Some(Modeled::Throttling) => return Failure::Throttling,
        Some(Modeled::Transient) => return Failure::Transient,
        None => {}
    }
    if let Some(code) = code {
        if THROTTLING_CODES.contains(&code) {
            return Failure::Throttling;
        }
        if TRANSIENT_CODES.contains(&code) {
            return Failure::Transient;
        }
    }
    if status == 429 {
        Failure::Throttling
    } else if TRANSIENT_STATUSES.contains(&status) {
        Failure::Transient
    } else {
        Failure::Permanent
    }
}

/// The retry quota shared by every call of a client.
#[derive(Debug)]
pub(crate) struct RetryQuota {
    available: Mutex<u32>,
}

impl Default for RetryQuota {
    fn default() -> Self {
        RetryQuota {
            available: Mutex::new(QUOTA_CAPACITY),
        }
    }
}

impl RetryQuota {
    fn acquire(&self, cost: u32) -> bool {
        match self.available.lock() {
            Ok(mut available) if *available >= cost => {
                *available -= cost;
                true
            }
            _ => false,
        }
    }

    fn release(&self, amount: u32) {
        if let Ok(mut available) = self.available.lock() {
            *available = (*available + amount).min(QUOTA_CAPACITY);
        }
    }

    #[cfg(test)]
    fn available(&self) -> u32 {
        self.available.lock().map_or(0, |a| *a)
    }
}

/// The retry bookkeeping of one call.
pub(crate) struct RetryState<'a> {
    config: &'a RetryConfig,
    quota: &'a RetryQuota,
    idempotent: bool,
    attempt: u32,
    /// Quota taken by the retry in flight, returned if it succeeds.
    held: u32,
}

impl<'a> RetryState<'a> {
    pub(crate) fn new(config: &'a RetryConfig, quota: &'a RetryQuota, idempotent: bool) -> Self {
        RetryState {
            config,
            quota,
            idempotent,
            attempt: 1,
            held: 0,
        }
    }

    /// The attempt about to be made, from 1.
    pub(crate) fn attempt(&self) -> u32 {
        self.attempt
    }

    /// Attempts in all.
    pub(crate) fn max_attempts(&self) -> u32 {
        self.config.max_attempts
    }

    /// Records a success: the quota gets back what the retry took, or a
    /// little more when no retry was needed.
    pub(crate) fn succeeded(&mut self) {
        let refund = if self.held > 0 {
            self.held
        } else {
            SUCCESS_REFUND
        };
        self.quota.release(refund);
        self.held = 0;
    }

    /// After a failed attempt: how long to wait before the next one, or
    /// `None` to give up. `retry_after` is the service's `x-amz-retry-after`.
    pub(crate) fn next_delay(
        &mut self,
        failure: Failure,
        retry_after: Option<Duration>,
    ) -> Option<Duration> {
        let cost = match failure {
            Failure::Permanent => return None,
            Failure::TimedOut
                if !self.idempotent && !self.config.retry_timed_out_non_idempotent =>
            {
                return None;
            }
            Failure::TimedOut => TIMEOUT_RETRY_COST,
            Failure::Throttling | Failure::Transient => RETRY_COST,
        };
        if self.attempt >= self.config.max_attempts || !self.quota.acquire(cost) {
            return None;
        }
        self.held = cost;
        let delay = match retry_after {
            Some(wait) => wait.min(self.config.max_backoff),
            None => self.backoff(fastrand::f64()),
        };
        self.attempt += 1;
        Some(delay)
    }

    /// Full jitter: uniform in [0, min(initial * 2^(retries so far), max)).
    fn backoff(&self, jitter: f64) -> Duration {
        let exponent = (self.attempt - 1).min(31);
        let ceiling = self
            .config
            .initial_backoff
            .saturating_mul(1u32 << exponent)
            .min(self.config.max_backoff);
        ceiling.mul_f64(jitter.clamp(0.0, 1.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn responses_are_classified_like_the_aws_sdks() {
        assert_eq!(
            classify_response(400, Some("ThrottlingException"), None),
            Failure::Throttling
        );
        assert_eq!(
            classify_response(429, Some("ModelNotReadyException"), None),
            Failure::Throttling
        );
        assert_eq!(
            classify_response(429, Some("Anything"), Some(Modeled::Transient)),
            Failure::Transient
        );
        assert_eq!(classify_response(503, None, None), Failure::Transient);
        assert_eq!(
            classify_response(500, Some("InternalServerException"), None),
            Failure::Transient
        );
        for (status, code) in [
            (400, "ValidationException"),
            (403, "AccessDeniedException"),
            (404, "ResourceNotFoundException"),
            (400, "ServiceQuotaExceededException"),
            (408, "ModelTimeoutException"),
            (424, "ModelErrorException"),
        ] {
            assert_eq!(
                classify_response(status, Some(code), None),
                Failure::Permanent,
                "{code}"
            );
        }
    }

    #[test]
    fn backoff_is_exponential_with_full_jitter_and_capped() {
        let config = RetryConfig::standard();
        let quota = RetryQuota::default();
        let mut state = RetryState::new(&config, &quota, true);
        assert_eq!(state.backoff(1.0), Duration::from_secs(1));
        assert_eq!(state.backoff(0.0), Duration::ZERO);
        state.attempt = 3;
        assert_eq!(state.backoff(1.0), Duration::from_secs(4));
        state.attempt = 10;
        assert_eq!(
            state.backoff(1.0),
            Duration::from_secs(20),
            "capped at 20 s"
        );
        state.attempt = 40;
        assert_eq!(state.backoff(0.5), Duration::from_secs(10), "no overflow");
    }

    #[test]
    fn attempts_are_limited_and_permanent_errors_never_retried() {
        let config = RetryConfig::standard();
        let quota = RetryQuota::default();
        let mut state = RetryState::new(&config, &quota, true);
        assert!(state.next_delay(Failure::Permanent, None).is_none());
        assert!(state.next_delay(Failure::Throttling, None).is_some());
        assert!(state.next_delay(Failure::Transient, None).is_some());
        assert_eq!(state.attempt(), 3);
        assert!(
            state.next_delay(Failure::Transient, None).is_none(),
            "3 attempts in all"
        );
    }

    #[test]
    fn retry_after_is_honoured_up_to_the_cap() {
        let config = RetryConfig::standard();
        let quota = RetryQuota::default();
        let mut state = RetryState::new(&config, &quota, true);
        assert_eq!(
            state.next_delay(Failure::Throttling, Some(Duration::from_millis(1500))),
            Some(Duration::from_millis(1500))
        );
        assert_eq!(
            state.next_delay(Failure::Throttling, Some(Duration::from_secs(600))),
            Some(Duration::from_secs(20))
        );
    }

    #[test]
    fn timeouts_of_non_idempotent_operations_are_not_retried_by_default() {
        let quota = RetryQuota::default();
        let default = RetryConfig::standard();
        assert!(
            RetryState::new(&default, &quota, false)
                .next_delay(Failure::TimedOut, None)
                .is_none()
        );
        assert!(
            RetryState::new(&default, &quota, true)
                .next_delay(Failure::TimedOut, None)
                .is_some()
        );
        let opted_in = RetryConfig::standard().with_retry_timed_out_non_idempotent(true);
        assert!(
            RetryState::new(&opted_in, &quota, false)
                .next_delay(Failure::TimedOut, None)
                .is_some()
        );
    }

    #[test]
    fn the_quota_runs_out_and_successes_refill_it() {
        let config = RetryConfig::standard().with_max_attempts(1000);
        let quota = RetryQuota::default();
        let mut state = RetryState::new(&config, &quota, true);
        let mut retries = 0;
        while state
            .next_delay(Failure::Transient, Some(Duration::ZERO))
            .is_some()
        {
            retries += 1;
        }
        assert_eq!(retries, QUOTA_CAPACITY / RETRY_COST);
        assert_eq!(quota.available(), 0);
        // A successful retry returns what it took; a first-try success adds one.
        state.held = RETRY_COST;
        state.succeeded();
        assert_eq!(quota.available(), RETRY_COST);
        RetryState::new(&config, &quota, true).succeeded();
        assert_eq!(quota.available(), RETRY_COST + SUCCESS_REFUND);
    }

    #[test]
    fn configurations_that_cannot_work_are_rejected() {
        assert!(
            RetryConfig::standard()
                .with_max_attempts(0)
                .check()
                .is_err()
        );
        assert!(
            RetryConfig::standard()
                .with_initial_backoff(Duration::from_secs(30))
                .check()
                .is_err()
        );
        assert!(RetryConfig::disabled().check().is_ok());
    }
}
