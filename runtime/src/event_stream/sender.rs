//! Sending the events of an input event stream: the caller's
//! [`EventSender`], the request body that frames each event (and, with
//! SigV4, wraps it in a signed envelope) as it is sent, and what a retry
//! may replay.
//!
//! Events travel from the sender through a channel bounded in bytes (and
//! in events), so a sender faster than the connection waits, and memory
//! stays bounded whatever the events' size. Until the
//! service accepts the stream (a 2xx response), the events an attempt sent
//! are kept, so that a retry after a throttle can send them again, signed
//! anew; once it accepts, nothing is kept and nothing is retried.

use std::collections::VecDeque;
use std::fmt;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};
use std::time::SystemTime;

use bytes::{Bytes, BytesMut};
use http_body::{Body, Frame, SizeHint};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc};

use super::message::{HeaderValue, Message};
use crate::credentials::Credentials;
use crate::error::BoxError;
use crate::transport::ResponseBody;
use crate::validation::{ValidationError, ValidationMode};

/// A union of events, as generated code encodes it.
pub trait Marshal: Send + 'static {
    /// The event as a message (`:message-type`, `:event-type`,
    /// `:content-type`, its headers and payload), after checking it against
    /// the model's constraints as `mode` says. An event with no wire form
    /// (the union's `Unknown` variant) is an error.
    fn marshal(&self, mode: ValidationMode) -> Result<Message, ValidationError>;
}

/// How many encoded events may wait between the senders and the connection.
const QUEUED_EVENTS: usize = 8;

/// How many bytes of encoded payload may wait there: many small events
/// queue freely, a large one waits for the one before it to be taken.
const QUEUED_BYTES: usize = 1 << 20;

/// An encoded event, and its share of [`QUEUED_BYTES`], given back when
/// the connection takes it.
type Queued = (Message, OwnedSemaphorePermit);

/// How much an attempt keeps of what it sent, for a retry to replay, until
/// the service accepts the stream. Past it, the call is not retried.
const REPLAY_BYTES: usize = 16 << 20;

/// Sends events into a call's input stream, from any task.
///
/// `send` waits while the connection is behind (back-pressure). Dropping
/// every clone of the sender ends the input cleanly: the service sees the
/// stream's end. Once the call has ended (the receiver was dropped, the
/// service closed the stream, or the connection failed), `send` fails with
/// [`SendError::Closed`]; the receiver tells why.
pub struct EventSender<T> {
    tx: mpsc::Sender<Queued>,
    budget: Arc<Semaphore>,
    mode: ValidationMode,
    _events: PhantomData<fn(T)>,
}

impl<T> Clone for EventSender<T> {
    fn clone(&self) -> Self {
        EventSender {
            tx: self.tx.clone(),
            budget: self.budget.clone(),
            mode: self.mode,
            _events: PhantomData,
        }
    }
}

impl<T> fmt::Debug for EventSender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventSender")
            .field("closed", &self.tx.is_closed())
            .finish_non_exhaustive()
    }
}

impl<T: Marshal> EventSender<T> {
    /// Checks and encodes `event`, then queues it for sending, waiting
    /// while the queue is full. An invalid event is not sent and the
    /// stream goes on.
    pub async fn send(&self, event: T) -> Result<(), SendError> {
        let message = event.marshal(self.mode).map_err(SendError::Invalid)?;
        let share = message.payload().len().clamp(1, QUEUED_BYTES);
        // A share never exceeds the budget, so it always fits in the end.
        let permit = self
            .budget
            .clone()
            .acquire_many_owned(u32::try_from(share).unwrap_or(u32::MAX))
            .await
            .map_err(|_| SendError::Closed)?;
        self.tx
            .send((message, permit))
            .await
            .map_err(|_| SendError::Closed)
    }

    /// Whether the call has ended, so that nothing more can be sent.
    pub fn is_closed(&self) -> bool {
        self.tx.is_closed()
    }
}

/// Why an event was not sent.
#[derive(Debug)]
#[non_exhaustive]
pub enum SendError {
    /// The event breaks the model's constraints or has no wire form; the
    /// stream goes on without it.
    Invalid(ValidationError),
    /// The call has ended; the receiver tells why.
    Closed,
}

impl fmt::Display for SendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SendError::Invalid(e) => write!(f, "the event was not sent: {e}"),
            SendError::Closed => f.write_str("the event was not sent: the call has ended"),
        }
    }
}

impl std::error::Error for SendError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            SendError::Invalid(e) => Some(e),
            SendError::Closed => None,
        }
    }
}

/// A sender, and the source its events are read from, for one call.
pub(crate) fn channel<T>(
    queued: Vec<Message>,
    mode: ValidationMode,
) -> (EventSender<T>, EventSource) {
    let (tx, rx) = mpsc::channel(QUEUED_EVENTS);
    let budget = Arc::new(Semaphore::new(QUEUED_BYTES));
    let sender = EventSender {
        tx,
        budget: budget.clone(),
        mode,
        _events: PhantomData,
    };
    let state = SourceState {
        queued: queued.into(),
        rx,
        budget,
        attempt: 0,
        replay: Some(Replay::default()),
        established: false,
        cancelled: false,
        waker: None,
    };
    (
        sender,
        EventSource {
            state: Arc::new(Mutex::new(state)),
        },
    )
}

/// Where a call's request bodies read events: the channel, behind events
/// queued before it (given with the input, or replayed by a retry).
pub(crate) struct EventSource {
    state: Arc<Mutex<SourceState>>,
}

struct SourceState {
    queued: VecDeque<Message>,
    rx: mpsc::Receiver<Queued>,
    budget: Arc<Semaphore>,
    /// The attempt whose body may read; an older attempt's body ends.
    attempt: u32,
    /// What the current attempt sent, while a retry may still replay it.
    replay: Option<Replay>,
    /// The service accepted the stream: no more attempts.
    established: bool,
    /// The caller dropped the receiver: the call is cancelled.
    cancelled: bool,
    /// The current body's task, woken when the call is closed.
    waker: Option<Waker>,
}

#[derive(Default)]
struct Replay {
    messages: Vec<Message>,
    bytes: usize,
}

impl SourceState {
    /// No more events: senders waiting for room or sending see `Closed`.
    fn close_input(&mut self) {
        self.rx.close();
        self.budget.close();
    }
}

fn lock(state: &Mutex<SourceState>) -> MutexGuard<'_, SourceState> {
    // A panic elsewhere while holding the lock leaves the state usable.
    state
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl EventSource {
    /// The body of the next attempt: what the previous one sent is queued
    /// again, in order, to be signed with the new attempt's chain.
    pub(crate) fn next_body(&self, signer: Option<EventSigner>) -> RequestEvents {
        let mut state = lock(&self.state);
        state.attempt += 1;
        if let Some(replay) = state.replay.take() {
            for message in replay.messages.into_iter().rev() {
                state.queued.push_front(message);
            }
        }
        state.replay = Some(Replay::default());
        RequestEvents {
            state: self.state.clone(),
            attempt: state.attempt,
            signer,
            done: false,
        }
    }

    /// Whether a failed attempt may be retried: all it sent was kept.
    pub(crate) fn replayable(&self) -> bool {
        lock(&self.state).replay.is_some()
    }

    /// The service accepted the stream: nothing more is kept for retries,
    /// and `body` (the response) closes the input when it is dropped.
    pub(crate) fn establish(&self, body: ResponseBody) -> ResponseBody {
        let mut state = lock(&self.state);
        state.replay = None;
        state.established = true;
        drop(state);
        http_body_util::BodyExt::boxed(ClosesInput {
            body,
            state: self.state.clone(),
        })
    }
}

/// Cancels the call: senders see [`SendError::Closed`] and the request
/// body fails, which resets the HTTP/2 stream.
fn cancel(state: &Mutex<SourceState>) {
    let mut state = lock(state);
    state.cancelled = true;
    state.close_input();
    state.queued.clear();
    if let Some(waker) = state.waker.take() {
        waker.wake();
    }
}

/// A response body that closes the call's input when it is dropped: the
/// caller dropping the receiver ends the call.
struct ClosesInput {
    body: ResponseBody,
    state: Arc<Mutex<SourceState>>,
}

impl Drop for ClosesInput {
    fn drop(&mut self) {
        cancel(&self.state);
    }
}

impl Body for ClosesInput {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

/// Signs events as AWS event streams require: each event is wrapped in a
/// message with `:date` and `:chunk-signature`, a signature that chains
/// from the previous one, the first from the request's. It signs with the
/// credentials the call started with, whatever refreshes meanwhile.
pub(crate) struct EventSigner {
    credentials: Credentials,
    region: String,
    signing_name: &'static str,
    last_signature: String,
}

impl EventSigner {
    /// A signer whose chain starts at `request_signature`.
    pub(crate) fn new(
        credentials: Credentials,
        region: &str,
        signing_name: &'static str,
        request_signature: String,
    ) -> Self {
        EventSigner {
            credentials,
            region: region.to_owned(),
            signing_name,
            last_signature: request_signature,
        }
    }

    /// The envelope of `message`, or the empty envelope that ends the
    /// stream when `message` is `None`, framed.
    fn sign(&mut self, message: Option<&Message>) -> Result<Bytes, BoxError> {
        use aws_sigv4::event_stream::{sign_empty_message, sign_message};
        let identity = self.credentials.clone().into();
        let params = aws_sigv4::sign::v4::SigningParams::builder()
            .identity(&identity)
            .region(&self.region)
            .name(self.signing_name)
            .time(SystemTime::now())
            .settings(())
            .build()?;
        let signed = match message {
            Some(message) => sign_message(&to_signable(message), &self.last_signature, &params)?,
            None => sign_empty_message(&self.last_signature, &params)?,
        };
        let (envelope, signature) = signed.into_parts();
        self.last_signature = signature;
        let mut framed = Vec::with_capacity(envelope.payload().len() + 96);
        aws_smithy_eventstream::frame::write_message_to(&envelope, &mut framed)?;
        Ok(Bytes::from(framed))
    }
}

/// `message` in the form `aws-sigv4` signs; byte strings are shared.
fn to_signable(message: &Message) -> aws_smithy_types::event_stream::Message {
    use aws_smithy_types::event_stream::{Header, HeaderValue as Value};
    let mut signable = aws_smithy_types::event_stream::Message::new(message.payload().clone());
    for header in message.headers() {
        let value = match header.value() {
            HeaderValue::Bool(b) => Value::Bool(*b),
            HeaderValue::Byte(v) => Value::Byte(*v),
            HeaderValue::Short(v) => Value::Int16(*v),
            HeaderValue::Int(v) => Value::Int32(*v),
            HeaderValue::Long(v) => Value::Int64(*v),
            HeaderValue::ByteArray(bytes) => Value::ByteArray(bytes.clone()),
            HeaderValue::String(text) => Value::String(text.as_str().to_owned().into()),
            HeaderValue::Timestamp(millis) => {
                Value::Timestamp(aws_smithy_types::DateTime::from_millis(*millis))
            }
            HeaderValue::Uuid(id) => Value::Uuid(*id),
        };
        signable = signable.add_header(Header::new(header.name().to_owned(), value));
    }
    signable
}

/// One attempt's request body: the events, framed (and signed) as they
/// are read, then the end of the stream.
pub(crate) struct RequestEvents {
    state: Arc<Mutex<SourceState>>,
    attempt: u32,
    signer: Option<EventSigner>,
    done: bool,
}

impl RequestEvents {
    fn frame(&mut self, message: Option<&Message>) -> Result<Option<Bytes>, BoxError> {
        match (&mut self.signer, message) {
            (Some(signer), message) => signer.sign(message).map(Some),
            (None, Some(message)) => {
                let mut framed = BytesMut::new();
                super::encoder::encode(message, &mut framed)?;
                Ok(Some(framed.freeze()))
            }
            // Unsigned streams end with the end of the body alone.
            (None, None) => Ok(None),
        }
    }
}

impl Drop for RequestEvents {
    fn drop(&mut self) {
        // Once the stream is established, losing its body ends the input;
        // before, the dispatcher decides whether another attempt reads it.
        let mut state = lock(&self.state);
        if state.established && state.attempt == self.attempt {
            state.close_input();
        }
    }
}

impl Body for RequestEvents {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        if self.done {
            return Poll::Ready(None);
        }
        let this = &mut *self;
        let mut state = lock(&this.state);
        if state.attempt != this.attempt {
            this.done = true;
            return Poll::Ready(None);
        }
        if state.cancelled {
            this.done = true;
            return Poll::Ready(Some(Err(
                "the receiver was dropped: the call is cancelled".into()
            )));
        }
        let next = match state.queued.pop_front() {
            Some(message) => Some(message),
            None => match state.rx.poll_recv(cx) {
                // The share of the budget is given back as the event leaves.
                Poll::Ready(next) => next.map(|(message, _share)| message),
                Poll::Pending => {
                    state.waker = Some(cx.waker().clone());
                    return Poll::Pending;
                }
            },
        };
        if let (Some(message), Some(replay)) = (&next, &mut state.replay) {
            replay.bytes += message.payload().len();
            if replay.bytes > REPLAY_BYTES {
                state.replay = None;
            } else {
                replay.messages.push(message.clone());
            }
        }
        drop(state);
        if next.is_none() {
            this.done = true;
        }
        match this.frame(next.as_ref()) {
            Ok(Some(bytes)) => Poll::Ready(Some(Ok(Frame::data(bytes)))),
            Ok(None) => Poll::Ready(None),
            Err(e) => {
                this.done = true;
                Poll::Ready(Some(Err(e)))
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.done
    }
}
