//! Receiving the events of a streamed response, as typed values.

use std::fmt;
use std::future::poll_fn;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body::Body as _;
use tokio::time::{Instant, Sleep};

use super::decoder::{DecodeError, Decoder};
use super::message::Message;
use crate::error::{ResponseError, TimeoutError, TimeoutKind, TransportError, TransportErrorKind};
use crate::json::DeserializeError;
use crate::transport::ResponseBody;

/// A union of events, as generated code decodes it.
pub trait Unmarshal: Sized {
    /// The exceptions the union models.
    type Error;

    /// The event whose `:event-type` is `event_type`; a type the model does
    /// not know becomes the union's `Unknown` variant.
    fn event(event_type: &str, message: &Message) -> Result<Self, DeserializeError>;

    /// The exception whose `:exception-type` is `exception_type`, or `None`
    /// when the model does not list it.
    fn exception(
        exception_type: &str,
        message: &Message,
    ) -> Option<Result<Self::Error, DeserializeError>>;
}

/// Timeouts that apply while a stream is received.
#[derive(Debug, Clone, Copy, Default)]
pub struct StreamTimeouts {
    /// The longest wait between two messages.
    pub idle: Option<Duration>,
    /// When the whole operation must be over, and its configured length.
    pub deadline: Option<(Instant, Duration)>,
}

/// Why a stream ended before its clean end.
#[derive(Debug)]
#[non_exhaustive]
pub enum ReceiveError<E> {
    /// The service sent an exception the model describes.
    Exception(E),
    /// The service sent an exception the model does not describe.
    UnknownException {
        /// Its `:exception-type`.
        exception_type: String,
        /// The `message` of its payload, if it has one.
        message: Option<String>,
        /// The payload, as received.
        payload: Bytes,
    },
    /// The service sent an `error` message.
    ErrorMessage {
        /// Its `:error-code`.
        code: String,
        /// Its `:error-message`.
        message: String,
    },
    /// The stream is not valid event-stream framing.
    Decode(DecodeError),
    /// The stream ended, or the connection dropped, inside a message.
    Truncated {
        /// Bytes of the unfinished message that had arrived.
        buffered: usize,
        /// The connection's failure, when it failed rather than ended.
        cause: Option<TransportError>,
    },
    /// The connection failed.
    Transport(TransportError),
    /// The idle timeout or the operation deadline passed.
    Timeout(TimeoutError),
    /// A message does not match the model.
    Response(ResponseError),
}

impl<E> ReceiveError<E> {
    /// The error code: the exception type or the `:error-code`.
    pub fn code(&self) -> Option<&str> {
        match self {
            ReceiveError::UnknownException { exception_type, .. } => Some(exception_type),
            ReceiveError::ErrorMessage { code, .. } => Some(code),
            _ => None,
        }
    }
}

impl<E: fmt::Display> fmt::Display for ReceiveError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReceiveError::Exception(e) => write!(f, "the stream ended with an exception: {e}"),
            ReceiveError::UnknownException {
                exception_type,
                message,
                ..
            } => {
                write!(f, "the stream ended with an exception: {exception_type}")?;
                if let Some(message) = message {
                    write!(f, ": {message}")?;
                }
                Ok(())
            }
            ReceiveError::ErrorMessage { code, message } => {
                write!(f, "the stream ended with an error: {code}: {message}")
            }
            ReceiveError::Decode(e) => write!(f, "{e}"),
            ReceiveError::Truncated { buffered, cause } => {
                write!(
                    f,
                    "the stream was cut inside a message ({buffered} bytes of it arrived)"
                )?;
                if let Some(cause) = cause {
                    write!(f, ": {cause}")?;
                }
                Ok(())
            }
            ReceiveError::Transport(e) => write!(f, "{e}"),
            ReceiveError::Timeout(e) => write!(f, "{e}"),
            ReceiveError::Response(e) => write!(f, "{e}"),
        }
    }
}

impl<E: std::error::Error + 'static> std::error::Error for ReceiveError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ReceiveError::Exception(e) => Some(e),
            ReceiveError::Decode(e) => Some(e),
            ReceiveError::Truncated { cause, .. } => cause
                .as_ref()
                .map(|e| e as &(dyn std::error::Error + 'static)),
            ReceiveError::Transport(e) => Some(e),
            ReceiveError::Timeout(e) => Some(e),
            ReceiveError::Response(e) => Some(e),
            ReceiveError::UnknownException { .. } | ReceiveError::ErrorMessage { .. } => None,
        }
    }
}

/// The events of a streamed response, in order: `recv()` gives
/// `Ok(Some(event))`, then `Ok(None)` at the clean end, or an `Err` after
/// which every call gives `Ok(None)`. Also a [`futures_core::Stream`].
/// Dropping the receiver closes the connection.
pub struct EventReceiver<T: Unmarshal> {
    body: ResponseBody,
    decoder: Decoder,
    idle: Option<(Duration, Pin<Box<Sleep>>)>,
    deadline: Option<(Duration, Pin<Box<Sleep>>)>,
    done: bool,
    _events: PhantomData<fn() -> T>,
}

impl<T: Unmarshal> fmt::Debug for EventReceiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventReceiver")
            .field("buffered", &self.decoder.buffered())
            .field("done", &self.done)
            .finish()
    }
}

impl<T: Unmarshal> EventReceiver<T> {
    /// Receives the events of `body` with a fresh decoder.
    pub fn new(body: ResponseBody, timeouts: StreamTimeouts) -> Self {
        Self::with_decoder(body, Decoder::new(), timeouts)
    }

    /// Receives the events of `body` with `decoder` (for other limits).
    pub fn with_decoder(body: ResponseBody, decoder: Decoder, timeouts: StreamTimeouts) -> Self {
        EventReceiver {
            body,
            decoder,
            idle: timeouts
                .idle
                .map(|limit| (limit, Box::pin(tokio::time::sleep(limit)))),
            deadline: timeouts
                .deadline
                .map(|(at, limit)| (limit, Box::pin(tokio::time::sleep_until(at)))),
            done: false,
            _events: PhantomData,
        }
    }

    /// The next event, `Ok(None)` at the end.
    pub async fn recv(&mut self) -> Result<Option<T>, ReceiveError<T::Error>> {
        poll_fn(|cx| self.poll_recv(cx)).await
    }

    fn poll_recv(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Result<Option<T>, ReceiveError<T::Error>>> {
        if self.done {
            return Poll::Ready(Ok(None));
        }
        let result = self.poll_message(cx);
        match result {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Ok(Some(message))) => {
                if let Some((limit, sleep)) = &mut self.idle {
                    sleep.as_mut().reset(Instant::now() + *limit);
                }
                let event = unmarshal::<T>(message);
                self.done = event.is_err();
                Poll::Ready(event.map(Some))
            }
            Poll::Ready(other) => {
                self.done = true;
                Poll::Ready(other.map(|_| None))
            }
        }
    }

    /// The next framed message, fetching body data as needed.
    fn poll_message(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Result<Option<Message>, ReceiveError<T::Error>>> {
        loop {
            match self.decoder.decode() {
                Ok(Some(message)) => return Poll::Ready(Ok(Some(message))),
                Ok(None) => {}
                Err(err) => return Poll::Ready(Err(ReceiveError::Decode(err))),
            }
            if let Some((limit, sleep)) = &mut self.deadline
                && sleep.as_mut().poll(cx).is_ready()
            {
                let err = TimeoutError::new(TimeoutKind::Operation, *limit);
                return Poll::Ready(Err(ReceiveError::Timeout(err)));
            }
            if let Some((limit, sleep)) = &mut self.idle
                && sleep.as_mut().poll(cx).is_ready()
            {
                let err = TimeoutError::new(TimeoutKind::Idle, *limit);
                return Poll::Ready(Err(ReceiveError::Timeout(err)));
            }
            match Pin::new(&mut self.body).poll_frame(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(frame))) => {
                    if let Ok(data) = frame.into_data() {
                        self.decoder.feed(data);
                    }
                }
                Poll::Ready(Some(Err(err))) => {
                    let err = TransportError::new(TransportErrorKind::Io, err);
                    let buffered = self.decoder.buffered();
                    return Poll::Ready(Err(if buffered > 0 {
                        ReceiveError::Truncated {
                            buffered,
                            cause: Some(err),
                        }
                    } else {
                        ReceiveError::Transport(err)
                    }));
                }
                Poll::Ready(None) => {
                    let buffered = self.decoder.buffered();
                    return Poll::Ready(if buffered > 0 {
                        Err(ReceiveError::Truncated {
                            buffered,
                            cause: None,
                        })
                    } else {
                        Ok(None)
                    });
                }
            }
        }
    }
}

impl<T: Unmarshal> futures_core::Stream for EventReceiver<T> {
    type Item = Result<T, ReceiveError<T::Error>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        // Every field is Unpin: the body and the timers are boxed.
        let this = self.get_mut();
        this.poll_recv(cx).map(Result::transpose)
    }
}

/// Dispatches on `:message-type`: events by `:event-type`, exceptions by
/// `:exception-type`, and `error` messages with their code and message.
fn unmarshal<T: Unmarshal>(message: Message) -> Result<T, ReceiveError<T::Error>> {
    let missing = |name: &str| {
        ReceiveError::Response(ResponseError::new(format!("an event has no {name} header")))
    };
    match message.header_str(":message-type") {
        Some("event") => {
            let event_type = message
                .header_str(":event-type")
                .ok_or_else(|| missing(":event-type"))?;
            T::event(event_type, &message).map_err(|e| ReceiveError::Response(e.into()))
        }
        Some("exception") => {
            let exception_type = message
                .header_str(":exception-type")
                .ok_or_else(|| missing(":exception-type"))?;
            match T::exception(exception_type, &message) {
                Some(Ok(exception)) => Err(ReceiveError::Exception(exception)),
                Some(Err(e)) => Err(ReceiveError::Response(e.into())),
                None => Err(ReceiveError::UnknownException {
                    exception_type: exception_type.to_owned(),
                    message: serde_json::from_slice::<serde_json::Value>(message.payload())
                        .ok()
                        .and_then(|v| v.get("message")?.as_str().map(str::to_owned)),
                    payload: message.payload().clone(),
                }),
            }
        }
        Some("error") => Err(ReceiveError::ErrorMessage {
            code: message
                .header_str(":error-code")
                .unwrap_or_default()
                .to_owned(),
            message: message
                .header_str(":error-message")
                .unwrap_or_default()
                .to_owned(),
        }),
        Some(other) => Err(ReceiveError::Response(ResponseError::new(format!(
            "unknown message type {other:?}"
        )))),
        None => Err(missing(":message-type")),
    }
}
