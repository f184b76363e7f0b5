//! A small forward proxy for tests that records what passes through it.
//!
//! It speaks HTTP/1.1 proxying: `CONNECT host:port` tunnels (HTTPS) and absolute-form
//! requests (`GET http://host:port/…`, plain HTTP). It resolves names itself, and only to
//! loopback: `*.test` and `127.0.0.1` go to 127.0.0.1, anything else gets a 502, so no test
//! ever sends anything beyond this machine.

#![allow(dead_code, clippy::unwrap_used)]

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// How the proxy behaves.
#[derive(Clone, Debug)]
pub enum Mode {
    /// Forward everything to loopback.
    Open,
    /// Answer 407 unless `Proxy-Authorization: Basic base64(user:password)` matches.
    RequireAuth { user: String, password: String },
    /// Refuse every CONNECT with 403 (a proxy whose policy forbids the tunnel).
    RefuseTunnels,
}

/// A running test proxy.
#[derive(Debug, Clone)]
pub struct TestProxy {
    pub addr: SocketAddr,
    seen: Arc<Mutex<Vec<String>>>,
}

impl TestProxy {
    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The request lines that reached the proxy (`CONNECT vbs.test:443`, `GET http://…`).
    pub fn seen(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }
}

/// Starts a proxy on a free loopback port; it runs until the test's runtime ends.
pub async fn start(mode: Mode) -> TestProxy {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    tokio::spawn(async move {
        loop {
            let Ok((client, _)) = listener.accept().await else {
                continue;
            };
            tokio::spawn(serve(client, mode.clone(), log.clone()));
        }
    });
    TestProxy { addr, seen }
}

fn basic(user: &str, password: &str) -> String {
    use base64::Engine as _;
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
    )
}

/// Where the proxy connects for `host:port`: loopback for `*.test` and 127.0.0.1, else none.
fn upstream(authority: &str) -> Option<SocketAddr> {
    let (host, port) = authority.rsplit_once(':')?;
    let port: u16 = port.parse().ok()?;
    let host = host.to_ascii_lowercase();
    (host.rsplit('.').next() == Some("test") || host == "127.0.0.1")
        .then(|| SocketAddr::from(([127, 0, 0, 1], port)))
}

async fn serve(mut client: TcpStream, mode: Mode, seen: Arc<Mutex<Vec<String>>>) {
    let mut head = Vec::new();
    let mut buf = [0u8; 8192];
    let end = loop {
        if let Some(i) = head.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        if head.len() > 65536 {
            return;
        }
        match client.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    };
    let text = String::from_utf8_lossy(&head[..end]).into_owned();
    let line = text.lines().next().unwrap_or("").to_owned();
    seen.lock().unwrap().push(
        line.rsplit_once(' ')
            .map_or(line.as_str(), |(l, _)| l)
            .to_owned(),
    );
    let mut parts = line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let answer = |status: &str| {
        format!("HTTP/1.1 {status}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
    };
    if let Mode::RequireAuth { user, password } = &mode {
        let want = format!("proxy-authorization: {}", basic(user, password)).to_ascii_lowercase();
        if !text.lines().any(|l| l.to_ascii_lowercase() == want) {
            let _ = client
                .write_all(
                    "HTTP/1.1 407 Proxy Authentication Required\r\n\
                     proxy-authenticate: Basic realm=\"test\"\r\ncontent-length: 0\r\n\
                     connection: close\r\n\r\n"
                        .as_bytes(),
                )
                .await;
            return;
        }
    }
    if method == "CONNECT" {
        if matches!(mode, Mode::RefuseTunnels) {
            let _ = client.write_all(answer("403 Forbidden").as_bytes()).await;
            return;
        }
        let Some(to) = upstream(target) else {
            let _ = client.write_all(answer("502 Bad Gateway").as_bytes()).await;
            return;
        };
        let Ok(mut server) = TcpStream::connect(to).await else {
            let _ = client.write_all(answer("502 Bad Gateway").as_bytes()).await;
            return;
        };
        if client
            .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
            .await
            .is_err()
        {
            return;
        }
        if server.write_all(&head[end..]).await.is_err() {
            return;
        }
        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
        return;
    }
    // Absolute form: `GET http://host:port/path HTTP/1.1`, forwarded as it came.
    let authority = target
        .strip_prefix("http://")
        .and_then(|rest| rest.split('/').next())
        .unwrap_or("");
    let Some(to) = upstream(authority) else {
        let _ = client.write_all(answer("502 Bad Gateway").as_bytes()).await;
        return;
    };
    let Ok(mut server) = TcpStream::connect(to).await else {
        let _ = client.write_all(answer("502 Bad Gateway").as_bytes()).await;
        return;
    };
    if server.write_all(&head).await.is_err() {
        return;
    }
    let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
}

/// Starts a SOCKS5 proxy (no authentication, CONNECT only) that, like the HTTP one, resolves
/// `*.test` names itself and only to loopback; `seen` records `SOCKS5 host:port`.
pub async fn start_socks5() -> TestProxy {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    tokio::spawn(async move {
        loop {
            let Ok((client, _)) = listener.accept().await else {
                continue;
            };
            tokio::spawn(socks5(client, log.clone()));
        }
    });
    TestProxy { addr, seen }
}

async fn socks5(mut client: TcpStream, seen: Arc<Mutex<Vec<String>>>) -> Option<()> {
    // Greeting: version 5, the methods offered; answer "no authentication".
    let mut head = [0u8; 2];
    client.read_exact(&mut head).await.ok()?;
    let mut methods = vec![0u8; usize::from(head[1])];
    client.read_exact(&mut methods).await.ok()?;
    client.write_all(&[5, 0]).await.ok()?;
    // Request: version, CONNECT, reserved, address type.
    let mut req = [0u8; 4];
    client.read_exact(&mut req).await.ok()?;
    let host = match req[3] {
        1 => {
            let mut ip = [0u8; 4];
            client.read_exact(&mut ip).await.ok()?;
            std::net::Ipv4Addr::from(ip).to_string()
        }
        3 => {
            let mut len = [0u8; 1];
            client.read_exact(&mut len).await.ok()?;
            let mut name = vec![0u8; usize::from(len[0])];
            client.read_exact(&mut name).await.ok()?;
            String::from_utf8_lossy(&name).into_owned()
        }
        _ => return None,
    };
    let mut port = [0u8; 2];
    client.read_exact(&mut port).await.ok()?;
    let authority = format!("{host}:{}", u16::from_be_bytes(port));
    seen.lock().unwrap().push(format!("SOCKS5 {authority}"));
    let Some(to) = upstream(&authority) else {
        // "Host unreachable".
        let _ = client.write_all(&[5, 4, 0, 1, 0, 0, 0, 0, 0, 0]).await;
        return None;
    };
    let mut server = TcpStream::connect(to).await.ok()?;
    client
        .write_all(&[5, 0, 0, 1, 127, 0, 0, 1, 0, 0])
        .await
        .ok()?;
    let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
    Some(())
}
