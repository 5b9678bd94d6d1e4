//! Uploads from ships: a request body that keeps arriving, however slowly,
//! is never cut off; one that stops arriving for the idle time is. A total
//! deadline would refuse a 300 KB log sent at 8 KB/s over a satellite link
//! as surely as it refuses a client that opened a request and went away.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use http_body::{Frame, SizeHint};
use tokio::time::{Instant, Sleep};

/// The error a body gives when its sender stalled.
#[derive(Debug, thiserror::Error)]
#[error("the upload stalled: no data for {0} seconds")]
pub struct Stalled(pub u64);

/// `body`, failing with [`Stalled`] when no bytes arrive for `idle`.
pub struct IdleTimeout {
    inner: Body,
    idle: Duration,
    timer: Pin<Box<Sleep>>,
}

impl IdleTimeout {
    pub fn new(inner: Body, idle: Duration) -> Self {
        IdleTimeout {
            inner,
            idle,
            timer: Box::pin(tokio::time::sleep(idle)),
        }
    }
}

impl http_body::Body for IdleTimeout {
    type Data = Bytes;
    type Error = axum::BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = self.get_mut();
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(frame) => {
                this.timer.as_mut().reset(Instant::now() + this.idle);
                Poll::Ready(frame.map(|f| f.map_err(Into::into)))
            }
            Poll::Pending => match this.timer.as_mut().poll(cx) {
                Poll::Ready(()) => Poll::Ready(Some(Err(Stalled(this.idle.as_secs()).into()))),
                Poll::Pending => Poll::Pending,
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// Whether `error`, from reading a body, means its sender stalled.
pub fn is_stalled(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut current = Some(error);
    while let Some(err) = current {
        if err.is::<Stalled>() {
            return true;
        }
        current = err.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    type Sender = tokio::sync::mpsc::Sender<Result<Bytes, std::io::Error>>;

    fn channel() -> (Sender, Body) {
        let (sender, mut receiver) = tokio::sync::mpsc::channel(1);
        let stream = futures_util::stream::poll_fn(move |cx| receiver.poll_recv(cx));
        (sender, Body::from_stream(stream))
    }

    #[tokio::test]
    async fn a_slow_body_arrives_whole() {
        let (sender, body) = channel();
        let reader = tokio::spawn(async move {
            let body = Body::new(IdleTimeout::new(body, Duration::from_millis(400)));
            axum::body::to_bytes(body, usize::MAX)
                .await
                .map(|b| b.len())
        });
        // 10 chunks, 200 ms apart: five times the idle time in all, never
        // the idle time without a byte.
        for _ in 0..10 {
            tokio::time::sleep(Duration::from_millis(200)).await;
            sender
                .send(Ok(Bytes::from_static(&[7; 1024])))
                .await
                .unwrap();
        }
        drop(sender);
        assert_eq!(reader.await.unwrap().unwrap(), 10 * 1024);
    }

    #[tokio::test]
    async fn a_stalled_body_fails_after_the_idle_time() {
        let (sender, body) = channel();
        let reader = tokio::spawn(async move {
            let body = Body::new(IdleTimeout::new(body, Duration::from_millis(300)));
            axum::body::to_bytes(body, usize::MAX).await
        });
        sender.send(Ok(Bytes::from_static(b"first"))).await.unwrap();
        tokio::time::sleep(Duration::from_millis(600)).await;
        let error = reader.await.unwrap().unwrap_err();
        assert!(is_stalled(&error), "{error}");
        drop(sender);
    }
}
