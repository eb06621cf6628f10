//! Adaptive mode's client-side rate limiter, as the AWS SDKs have it: a
//! token bucket that is off until the service first throttles, then
//! refills at a rate that throttling cuts (by β = 0.7) and success grows
//! back along a cubic curve (CUBIC congestion control), never below half a
//! request per second nor above twice the rate actually measured.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The lowest fill rate, in requests per second.
const MIN_FILL_RATE: f64 = 0.5;
/// Weight of the newest measurement in the smoothed sending rate.
const SMOOTH: f64 = 0.8;
/// How far throttling cuts the rate.
const BETA: f64 = 0.7;
/// How fast the rate grows back after throttling.
const SCALE_CONSTANT: f64 = 0.4;

/// The limiter a client's calls share in adaptive mode.
#[derive(Debug)]
pub(crate) struct RateLimiter {
    origin: Instant,
    state: Mutex<State>,
}

/// The bucket and the CUBIC state, times in seconds since `origin`.
#[derive(Debug)]
struct State {
    enabled: bool,
    fill_rate: f64,
    max_capacity: f64,
    capacity: f64,
    last_refill: Option<f64>,
    measured_rate: f64,
    last_rate_bucket: f64,
    requests_in_bucket: u64,
    last_max_rate: f64,
    last_throttle: f64,
    time_window: f64,
}

impl Default for RateLimiter {
    fn default() -> Self {
        RateLimiter {
            origin: Instant::now(),
            state: Mutex::new(State::new()),
        }
    }
}

impl RateLimiter {
    fn now(&self) -> f64 {
        self.origin.elapsed().as_secs_f64()
    }

    fn with_state<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        f(&mut state)
    }

    /// Waits until the bucket has a token for one attempt (at once while
    /// the service has never throttled).
    pub(crate) async fn acquire(&self) {
        let now = self.now();
        let wait = self.with_state(|state| state.acquire(now));
        if let Some(wait) = wait {
            tokio::time::sleep(wait).await;
        }
    }

    /// Records an attempt's outcome: throttled or not.
    pub(crate) fn record(&self, throttled: bool) {
        let now = self.now();
        self.with_state(|state| state.update(throttled, now));
    }

    #[cfg(test)]
    fn fill_rate(&self) -> Option<f64> {
        self.with_state(|state| state.enabled.then_some(state.fill_rate))
    }
}

impl State {
    fn new() -> Self {
        State {
            enabled: false,
            fill_rate: 0.0,
            max_capacity: 0.0,
            capacity: 0.0,
            last_refill: None,
            measured_rate: 0.0,
            last_rate_bucket: 0.0,
            requests_in_bucket: 0,
            last_max_rate: 0.0,
            last_throttle: 0.0,
            time_window: 0.0,
        }
    }

    /// Takes a token; the wait until one is there, when there is none.
    fn acquire(&mut self, now: f64) -> Option<Duration> {
        if !self.enabled {
            return None;
        }
        self.refill(now);
        if self.capacity < 1.0 {
            let seconds = (1.0 - self.capacity) / self.fill_rate;
            // The token is spent now; the wait pays for it.
            self.capacity = 0.0;
            Some(Duration::from_secs_f64(seconds.clamp(0.0, 60.0)))
        } else {
            self.capacity -= 1.0;
            None
        }
    }

    fn refill(&mut self, now: f64) {
        if let Some(last) = self.last_refill {
            let added = (now - last).max(0.0) * self.fill_rate;
            self.capacity = (self.capacity + added).min(self.max_capacity);
        }
        self.last_refill = Some(now);
    }

    fn update(&mut self, throttled: bool, now: f64) {
        self.measure(now);
        let rate = if throttled {
            let rate_to_use = if self.enabled {
                self.measured_rate.min(self.fill_rate)
            } else {
                self.measured_rate
            };
            self.last_max_rate = rate_to_use;
            self.time_window = self.window();
            self.last_throttle = now;
            self.enabled = true;
            rate_to_use * BETA
        } else {
            self.time_window = self.window();
            SCALE_CONSTANT * (now - self.last_throttle - self.time_window).powi(3)
                + self.last_max_rate
        };
        let new_rate = rate.min(2.0 * self.measured_rate);
        self.set_rate(new_rate, now);
    }

    /// The time CUBIC takes to grow back to the rate before throttling.
    fn window(&self) -> f64 {
        (self.last_max_rate * (1.0 - BETA) / SCALE_CONSTANT).cbrt()
    }

    /// The sending rate, measured in half-second buckets and smoothed.
    fn measure(&mut self, now: f64) {
        let bucket = (now * 2.0).floor() / 2.0;
        self.requests_in_bucket += 1;
        if bucket > self.last_rate_bucket {
            let current = self.requests_in_bucket as f64 / (bucket - self.last_rate_bucket);
            self.measured_rate = current * SMOOTH + self.measured_rate * (1.0 - SMOOTH);
            self.requests_in_bucket = 0;
            self.last_rate_bucket = bucket;
        }
    }

    fn set_rate(&mut self, rate: f64, now: f64) {
        self.refill(now);
        self.fill_rate = rate.max(MIN_FILL_RATE);
        self.max_capacity = rate.max(1.0);
        self.capacity = self.capacity.min(self.max_capacity);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bucket_is_off_until_the_first_throttle() {
        let mut state = State::new();
        for i in 0..100 {
            state.update(false, f64::from(i) * 0.01);
            assert_eq!(state.acquire(f64::from(i) * 0.01), None);
        }
        assert!(!state.enabled);
    }

    #[test]
    fn throttling_cuts_the_rate_and_success_grows_it_back() {
        let mut state = State::new();
        // 20 requests a second for three seconds, then a throttle.
        let mut now = 0.0;
        for _ in 0..60 {
            state.update(false, now);
            now += 0.05;
        }
        let measured = state.measured_rate;
        assert!((15.0..=25.0).contains(&measured), "{measured}");
        state.update(true, now);
        assert!(state.enabled);
        let cut = state.fill_rate;
        assert!(
            cut < measured && cut >= measured * BETA * 0.9,
            "{cut} vs {measured}"
        );
        // A second throttle right away cuts again.
        state.update(true, now + 0.01);
        assert!(state.fill_rate < cut);
        // Successes afterwards grow the rate back.
        let low = state.fill_rate;
        let mut later = now + 0.02;
        for _ in 0..200 {
            state.update(false, later);
            later += 0.05;
        }
        assert!(
            state.fill_rate > low,
            "{} should exceed {low}",
            state.fill_rate
        );
    }

    #[test]
    fn an_empty_bucket_makes_callers_wait_in_proportion_to_the_rate() {
        let mut state = State::new();
        state.enabled = true;
        state.set_rate(2.0, 0.0);
        state.capacity = 0.0;
        let wait = state.acquire(0.0).unwrap();
        assert_eq!(wait, Duration::from_millis(500));
        // The rate never falls below the floor.
        state.set_rate(0.0, 1.0);
        assert_eq!(state.fill_rate, MIN_FILL_RATE);
    }

    #[tokio::test]
    async fn the_shared_limiter_records_and_acquires() {
        let limiter = RateLimiter::default();
        limiter.acquire().await;
        assert_eq!(limiter.fill_rate(), None);
        limiter.record(true);
        assert!(limiter.fill_rate().is_some());
    }
}
