//! A zmq.rs (crates.io `zeromq`) peer for edgemq's interop tests.
//!
//! usage: zmqrs_peer <socket-type> <bind|connect> <endpoint> <send|ask|recv|echo|publish|serve> [count]
//!        [topic]
//!
//! Same output protocol as conformance/peers/pyzmq_peer.py:
//! - send: sends `count` two-frame messages ["msg", "<i>"] (PUB waits 500 ms first, so that a
//!   subscriber has joined); REQ reads the reply after each request.
//! - ask: like send, but reads (and prints) a reply after each message, whatever the type.
//! - recv: receives `count` messages and prints each as one line of hex frames joined by "|"
//!   (REP answers each with ["ok"]; ROUTER answers [routing id, "ok"]; SUB subscribes to `topic`,
//!   default "msg").
//! - echo: receives `count` messages and sends each back unchanged.
//! - publish (PUB): every 20 ms sends ["other", "<i>"] then [`topic`, "<i>"], i = 0, 1, ..., for
//!   up to 10 s (the test stops it once its subscriber has what it needs: slow joiners).
//! - serve: the conformance runner's target (conformance/runner/README.md): REP, DEALER and ROUTER
//!   send back what they get, PUB publishes "alpha <n>" and "beta <n>" in turn every 50 ms, PUSH
//!   sends "push <n>" every 50 ms, REQ sends "request <n>" and reads the reply (up to 250 ms), SUB
//!   subscribes to "alpha", PULL takes what comes; it prints "ready <url>" once bound and serves
//!   until it is killed.
//! When binding, the real endpoint is printed first as "ENDPOINT <url>" (a "*" port means any).
//! Prints "READY" once bound/connected; exits 0 after "DONE", 2 after a 10 s receive timeout.
//! zmq.rs has no PAIR socket; a DEALER gets the routing id "rs".
use std::time::Duration;

use bytes::Bytes;
use zeromq::{
    DealerSocket, PubSocket, PullSocket, PushSocket, RepSocket, ReqSocket, RouterSocket, Socket,
    SocketOptions, SocketRecv, SocketSend, SubSocket, ZmqMessage, ZmqResult,
};

const RECV_TIMEOUT: Duration = Duration::from_secs(10);

enum Peer {
    Push(PushSocket),
    Pull(PullSocket),
    Dealer(DealerSocket),
    Router(RouterSocket),
    Req(ReqSocket),
    Rep(RepSocket),
    Pub(PubSocket),
    Sub(SubSocket),
}

macro_rules! each {
    ($peer:expr, $s:ident => $body:expr) => {
        match $peer {
            Peer::Push($s) => $body,
            Peer::Pull($s) => $body,
            Peer::Dealer($s) => $body,
            Peer::Router($s) => $body,
            Peer::Req($s) => $body,
            Peer::Rep($s) => $body,
            Peer::Pub($s) => $body,
            Peer::Sub($s) => $body,
        }
    };
}

impl Peer {
    fn new(kind: &str) -> Option<Peer> {
        Some(match kind.to_ascii_uppercase().as_str() {
            "PUSH" => Peer::Push(PushSocket::new()),
            "PULL" => Peer::Pull(PullSocket::new()),
            "DEALER" => {
                let mut options = SocketOptions::default();
                options.peer_identity(Bytes::from_static(b"rs").try_into().ok()?);
                Peer::Dealer(DealerSocket::with_options(options))
            }
            "ROUTER" => Peer::Router(RouterSocket::new()),
            "REQ" => Peer::Req(ReqSocket::new()),
            "REP" => Peer::Rep(RepSocket::new()),
            "PUB" => Peer::Pub(PubSocket::new()),
            "SUB" => Peer::Sub(SubSocket::new()),
            _ => return None,
        })
    }

    async fn send(&mut self, msg: ZmqMessage) -> ZmqResult<()> {
        match self {
            Peer::Push(s) => s.send(msg).await,
            Peer::Dealer(s) => s.send(msg).await,
            Peer::Router(s) => s.send(msg).await,
            Peer::Req(s) => s.send(msg).await,
            Peer::Rep(s) => s.send(msg).await,
            Peer::Pub(s) => s.send(msg).await,
            Peer::Pull(_) | Peer::Sub(_) => Err(zeromq::ZmqError::Other("socket cannot send")),
        }
    }

    async fn recv(&mut self) -> ZmqResult<ZmqMessage> {
        match self {
            Peer::Pull(s) => s.recv().await,
            Peer::Dealer(s) => s.recv().await,
            Peer::Router(s) => s.recv().await,
            Peer::Req(s) => s.recv().await,
            Peer::Rep(s) => s.recv().await,
            Peer::Sub(s) => s.recv().await,
            Peer::Push(_) | Peer::Pub(_) => Err(zeromq::ZmqError::Other("socket cannot receive")),
        }
    }
}

fn hex_line(msg: &ZmqMessage) -> String {
    let frames: Vec<String> =
        msg.iter().map(|f| f.iter().map(|b| format!("{b:02x}")).collect()).collect();
    frames.join("|")
}

fn frames(parts: &[&[u8]]) -> ZmqMessage {
    let v: Vec<Bytes> = parts.iter().map(|p| Bytes::copy_from_slice(p)).collect();
    ZmqMessage::try_from(v).expect("at least one frame")
}

async fn recv_timed(peer: &mut Peer) -> Result<ZmqMessage, i32> {
    match tokio::time::timeout(RECV_TIMEOUT, peer.recv()).await {
        Ok(Ok(m)) => Ok(m),
        Ok(Err(e)) => {
            eprintln!("recv failed: {e}");
            Err(1)
        }
        Err(_) => {
            println!("TIMEOUT");
            Err(2)
        }
    }
}

async fn run(args: Vec<String>) -> Result<(), i32> {
    if args.len() < 5 {
        eprintln!("usage: zmqrs_peer <socket-type> <bind|connect> <endpoint> <send|ask|recv|echo|publish|serve> [count] [topic]");
        return Err(64);
    }
    let (kind, mode, endpoint, action) = (&args[1], &args[2], &args[3], &args[4]);
    let count: usize = args.get(5).map(|c| c.parse().unwrap_or(1)).unwrap_or(1);
    let mut peer = Peer::new(kind).ok_or_else(|| {
        eprintln!("unsupported socket type {kind}");
        64
    })?;
    let topic = args.get(6).map(String::as_str).unwrap_or("msg");
    let topic = if action == "serve" { "alpha" } else { topic };
    if let Peer::Sub(s) = &mut peer {
        s.subscribe(topic).await.map_err(|e| {
            eprintln!("subscribe failed: {e}");
            1
        })?;
    }
    if mode == "bind" {
        let at = endpoint.strip_suffix(":*").map(|h| format!("{h}:0")).unwrap_or(endpoint.clone());
        let bound = each!(&mut peer, s => s.bind(&at).await).map_err(|e| {
            eprintln!("bind {at} failed: {e}");
            1
        })?;
        println!("ENDPOINT {bound}");
        if action == "serve" {
            println!("ready {bound}");
        }
    } else {
        each!(&mut peer, s => s.connect(endpoint).await).map_err(|e| {
            eprintln!("connect {endpoint} failed: {e}");
            1
        })?;
    }
    println!("READY");
    if action == "serve" {
        serve(&mut peer).await;
    }
    if action == "publish" {
        for i in 0..500 {
            let n = i.to_string();
            // errors (no subscriber yet) are expected: keep publishing
            let _ = peer.send(frames(&[b"other", n.as_bytes()])).await;
            let _ = peer.send(frames(&[topic.as_bytes(), n.as_bytes()])).await;
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        each!(peer, s => { s.close().await; });
        println!("DONE");
        return Ok(());
    }
    if matches!(peer, Peer::Pub(_)) {
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    for i in 0..count {
        let result = match action.as_str() {
            "send" | "ask" => {
                // zmq.rs refuses to send before a peer is connected (no queueing): when it bound,
                // retry for up to 10 s until the other side has connected
                let mut sent = peer.send(frames(&[b"msg", i.to_string().as_bytes()])).await;
                for _ in 0..500 {
                    if sent.is_ok() || mode != "bind" {
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    sent = peer.send(frames(&[b"msg", i.to_string().as_bytes()])).await;
                }
                if sent.is_ok() && (action == "ask" || matches!(peer, Peer::Req(_))) {
                    let reply = recv_timed(&mut peer).await?;
                    println!("{}", hex_line(&reply));
                }
                sent
            }
            "recv" => {
                let msg = recv_timed(&mut peer).await?;
                println!("{}", hex_line(&msg));
                if matches!(peer, Peer::Rep(_)) {
                    peer.send(frames(&[b"ok"])).await
                } else if matches!(peer, Peer::Router(_)) {
                    let id = msg.get(0).map(|f| f.to_vec()).unwrap_or_default();
                    peer.send(frames(&[&id, b"ok"])).await
                } else {
                    Ok(())
                }
            }
            "echo" => {
                let msg = recv_timed(&mut peer).await?;
                peer.send(msg).await
            }
            _ => {
                eprintln!("unknown action {action}");
                return Err(64);
            }
        };
        result.map_err(|e| {
            eprintln!("send failed: {e}");
            1
        })?;
    }
    // zmq.rs has no linger: give the last frames a moment to leave before closing
    tokio::time::sleep(Duration::from_millis(200)).await;
    each!(peer, s => { s.close().await; });
    println!("DONE");
    Ok(())
}

/// The conformance target's loop (the "serve" action): never returns; the harness kills it.
async fn serve(peer: &mut Peer) {
    const PERIOD: Duration = Duration::from_millis(50);
    const WAIT: Duration = Duration::from_millis(250);
    let mut n: u64 = 0;
    loop {
        match peer {
            Peer::Rep(_) | Peer::Dealer(_) | Peer::Router(_) => {
                match peer.recv().await {
                    Ok(msg) => {
                        let _ = tokio::time::timeout(WAIT, peer.send(msg)).await;
                    }
                    Err(_) => tokio::time::sleep(PERIOD).await,
                }
            }
            Peer::Pub(_) | Peer::Push(_) => {
                let body = match peer {
                    Peer::Push(_) => format!("push {n}"),
                    _ if n % 2 == 0 => format!("alpha {n}"),
                    _ => format!("beta {n}"),
                };
                let _ = tokio::time::timeout(WAIT, peer.send(frames(&[body.as_bytes()]))).await;
                n += 1;
                tokio::time::sleep(PERIOD).await;
            }
            Peer::Req(_) => {
                let body = format!("request {n}");
                n += 1;
                if let Ok(Ok(())) = tokio::time::timeout(WAIT, peer.send(frames(&[body.as_bytes()]))).await {
                    let _ = tokio::time::timeout(WAIT, peer.recv()).await;
                }
                tokio::time::sleep(PERIOD).await;
            }
            Peer::Sub(_) | Peer::Pull(_) => {
                if peer.recv().await.is_err() {
                    tokio::time::sleep(PERIOD).await;
                }
            }
        }
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let code = match run(std::env::args().collect()).await {
        Ok(()) => 0,
        Err(code) => code,
    };
    std::process::exit(code);
}
