//! The listener: plain TCP, except that a connection can be switched to "drip" mode, where
//! the response head goes out at once and every body byte after it one second apart.
//!
//! Slowing the socket (rather than the body) needs no streaming-body machinery and behaves
//! exactly like a slow network to the client. A handler switches its own connection with
//! [`Peer::start_drip`]; the response it returns should say `Connection: close` so that
//! only that one answer drips.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, ready};
use std::time::Duration;

use axum::extract::connect_info::Connected;
use axum::serve::{IncomingStream, Listener};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::time::Sleep;

/// The pause between two body bytes in drip mode.
pub const DRIP_INTERVAL: Duration = Duration::from_secs(1);

/// A TCP listener whose connections can drip.
pub(crate) struct DripListener {
    pub(crate) inner: TcpListener,
    pub(crate) stop: watch::Receiver<bool>,
}

impl Listener for DripListener {
    type Io = DripIo;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            match self.inner.accept().await {
                Ok((stream, addr)) => {
                    let _ = stream.set_nodelay(true);
                    let io = DripIo {
                        inner: stream,
                        drip: Arc::new(AtomicBool::new(false)),
                        head_match: 0,
                        head_done: false,
                        pause: None,
                        stop: self.stop.clone(),
                    };
                    return (io, addr);
                }
                Err(e) => {
                    tracing::debug!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.inner.local_addr()
    }
}

/// What a handler knows about its connection: the peer address and the drip switch.
#[derive(Clone, Debug)]
pub(crate) struct Peer {
    pub(crate) addr: SocketAddr,
    drip: Arc<AtomicBool>,
}

impl Peer {
    /// Slows the rest of this connection's response to one body byte per second.
    pub(crate) fn start_drip(&self) {
        self.drip.store(true, Ordering::SeqCst);
    }
}

impl Connected<IncomingStream<'_, DripListener>> for Peer {
    fn connect_info(stream: IncomingStream<'_, DripListener>) -> Self {
        Peer {
            addr: *stream.remote_addr(),
            drip: stream.io().drip.clone(),
        }
    }
}

/// A TCP stream whose writes can be slowed.
pub(crate) struct DripIo {
    inner: TcpStream,
    drip: Arc<AtomicBool>,
    /// How much of `\r\n\r\n` (the end of the response head) the last bytes matched.
    head_match: u8,
    head_done: bool,
    pause: Option<Pin<Box<Sleep>>>,
    stop: watch::Receiver<bool>,
}

const HEAD_END: &[u8; 4] = b"\r\n\r\n";

impl DripIo {
    /// The length of the prefix of `buf` up to and including the end of the head.
    fn head_prefix(&self, buf: &[u8]) -> usize {
        let mut m = self.head_match;
        for (i, &b) in buf.iter().enumerate() {
            m = advance(m, b);
            if m == 4 {
                return i + 1;
            }
        }
        buf.len()
    }
}

fn advance(m: u8, b: u8) -> u8 {
    if b == HEAD_END[usize::from(m)] {
        m + 1
    } else {
        u8::from(b == b'\r')
    }
}

impl AsyncRead for DripIo {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for DripIo {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        if buf.is_empty() || !this.drip.load(Ordering::SeqCst) {
            return Pin::new(&mut this.inner).poll_write(cx, buf);
        }
        if !this.head_done {
            let end = this.head_prefix(buf);
            let n = ready!(Pin::new(&mut this.inner).poll_write(cx, &buf[..end]))?;
            for &b in &buf[..n] {
                this.head_match = advance(this.head_match, b);
                if this.head_match == 4 {
                    this.head_done = true;
                    break;
                }
            }
            return Poll::Ready(Ok(n));
        }
        if let Some(pause) = this.pause.as_mut() {
            ready!(pause.as_mut().poll(cx));
        }
        if *this.stop.borrow() {
            return Poll::Ready(Err(io::Error::new(
                io::ErrorKind::BrokenPipe,
                "server stopping",
            )));
        }
        let n = ready!(Pin::new(&mut this.inner).poll_write(cx, &buf[..1]))?;
        this.pause = Some(Box::pin(tokio::time::sleep(DRIP_INTERVAL)));
        Poll::Ready(Ok(n))
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn is_write_vectored(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn head_end_is_found_across_writes() {
        let mut m = 0;
        for &b in b"HTTP/1.1 200 OK\r\nA: b\r\n\r" {
            m = advance(m, b);
        }
        assert_eq!(m, 3);
        assert_eq!(advance(m, b'\n'), 4);
        assert_eq!(advance(advance(0, b'\r'), b'\r'), 1);
    }
}
