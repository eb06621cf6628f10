//! Following an operation's pagination token from page to page, as a
//! stream of pages or of the items in them.

use std::collections::{HashSet, VecDeque};
use std::fmt;
use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::error::{ResponseError, SdkError};

type PageFuture<O, E> = Pin<Box<dyn Future<Output = Result<O, SdkError<E>>> + Send>>;
type Fetch<O, E> = Box<dyn FnMut(Option<String>) -> PageFuture<O, E> + Send>;

/// The pages of a paginated operation, fetched one at a time as they are
/// asked for, until a page has no next token. A token the service already
/// sent ends the stream with an error rather than looping forever.
pub struct PageStream<O, E> {
    fetch: Fetch<O, E>,
    next_token: fn(&O) -> Option<&str>,
    pending: Option<PageFuture<O, E>>,
    token: Option<String>,
    seen: HashSet<String>,
    done: bool,
}

impl<O, E> fmt::Debug for PageStream<O, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PageStream")
            .field("token", &self.token)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl<O, E> PageStream<O, E> {
    /// Pages starting at `first_token` (`None` for the first page), each
    /// fetched by `fetch`, continued by `next_token`.
    pub fn new(
        first_token: Option<String>,
        fetch: impl FnMut(Option<String>) -> PageFuture<O, E> + Send + 'static,
        next_token: fn(&O) -> Option<&str>,
    ) -> Self {
        PageStream {
            fetch: Box::new(fetch),
            next_token,
            pending: None,
            token: first_token,
            seen: HashSet::new(),
            done: false,
        }
    }

    /// The next page, or `None` after the last one (or after an error).
    pub async fn next(&mut self) -> Option<Result<O, SdkError<E>>> {
        poll_fn(|cx| self.poll_page(cx)).await
    }

    fn poll_page(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<O, SdkError<E>>>> {
        if self.done {
            return Poll::Ready(None);
        }
        let pending = self
            .pending
            .get_or_insert_with(|| (self.fetch)(self.token.take()));
        let result = match pending.as_mut().poll(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(result) => result,
        };
        self.pending = None;
        let page = match result {
            Ok(page) => page,
            Err(err) => {
                self.done = true;
                return Poll::Ready(Some(Err(err)));
            }
        };
        match (self.next_token)(&page).filter(|t| !t.is_empty()) {
            None => self.done = true,
            Some(token) if !self.seen.insert(token.to_owned()) => {
                self.done = true;
                return Poll::Ready(Some(Err(SdkError::Response(ResponseError::new(format!(
                    "the service sent the pagination token {token:?} twice; stopping rather than looping"
                ))))));
            }
            Some(token) => self.token = Some(token.to_owned()),
        }
        Poll::Ready(Some(Ok(page)))
    }
}

impl<O, E> futures_core::Stream for PageStream<O, E> {
    type Item = Result<O, SdkError<E>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        // Every field is Unpin: the future is boxed.
        self.get_mut().poll_page(cx)
    }
}

/// The items of every page of a paginated operation, in order.
pub struct ItemStream<T, O, E> {
    pages: PageStream<O, E>,
    items_of: fn(O) -> Vec<T>,
    buffered: VecDeque<T>,
}

impl<T, O, E> fmt::Debug for ItemStream<T, O, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ItemStream")
            .field("pages", &self.pages)
            .field("buffered", &self.buffered.len())
            .finish()
    }
}

impl<T, O, E> ItemStream<T, O, E> {
    /// The items `items_of` takes from each page of `pages`.
    pub fn new(pages: PageStream<O, E>, items_of: fn(O) -> Vec<T>) -> Self {
        ItemStream {
            pages,
            items_of,
            buffered: VecDeque::new(),
        }
    }

    /// The next item, or `None` after the last one (or after an error).
    pub async fn next(&mut self) -> Option<Result<T, SdkError<E>>> {
        poll_fn(|cx| self.poll_item(cx)).await
    }

    fn poll_item(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<T, SdkError<E>>>> {
        loop {
            if let Some(item) = self.buffered.pop_front() {
                return Poll::Ready(Some(Ok(item)));
            }
            match self.pages.poll_page(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(Err(err))) => return Poll::Ready(Some(Err(err))),
                Poll::Ready(Some(Ok(page))) => self.buffered.extend((self.items_of)(page)),
            }
        }
    }
}

// Nothing is pinned structurally: pages are boxed futures, items a queue.
impl<T, O, E> Unpin for ItemStream<T, O, E> {}

impl<T, O, E> futures_core::Stream for ItemStream<T, O, E> {
    type Item = Result<T, SdkError<E>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        // Every field is Unpin.
        self.get_mut().poll_item(cx)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    type Page = (u32, Option<&'static str>);
    type Calls = Arc<Mutex<Vec<Option<String>>>>;

    /// Pages of a fake service: each call returns the next page of `script`.
    fn pages(script: Vec<Page>) -> (PageStream<Page, String>, Calls) {
        let calls = Arc::new(Mutex::new(Vec::new()));
        let seen = calls.clone();
        let mut script = script.into_iter();
        let stream = PageStream::new(
            None,
            move |token| {
                seen.lock().unwrap().push(token);
                let page = script.next();
                Box::pin(async move {
                    page.ok_or_else(|| SdkError::Response(ResponseError::new("no more pages")))
                })
            },
            |page| page.1,
        );
        (stream, calls)
    }

    #[tokio::test]
    async fn follows_tokens_until_there_is_none() {
        let (mut stream, calls) = pages(vec![(1, Some("a")), (2, Some("b")), (3, None)]);
        let mut numbers = Vec::new();
        while let Some(page) = stream.next().await {
            numbers.push(page.unwrap().0);
        }
        assert_eq!(numbers, [1, 2, 3]);
        assert_eq!(
            *calls.lock().unwrap(),
            [None, Some("a".to_owned()), Some("b".to_owned())]
        );
        assert!(stream.next().await.is_none());
    }

    #[tokio::test]
    async fn a_repeated_token_ends_the_stream_with_an_error() {
        let (mut stream, _) = pages(vec![(1, Some("a")), (2, Some("a")), (3, None)]);
        assert!(stream.next().await.unwrap().is_ok());
        let err = stream.next().await.unwrap().unwrap_err();
        assert!(err.to_string().contains("twice"), "{err}");
        assert!(stream.next().await.is_none());
    }

    #[tokio::test]
    async fn items_flatten_pages() {
        let (stream, _) = pages(vec![(2, Some("a")), (0, Some("b")), (1, None)]);
        let mut items = ItemStream::new(stream, |page| (0..page.0).collect());
        let mut all = Vec::new();
        while let Some(item) = items.next().await {
            all.push(item.unwrap());
        }
        assert_eq!(all, [0, 1, 0]);
    }
}
