//! A small RFC 5321 server for the tests: EHLO/HELO, MAIL FROM, RCPT TO, DATA with
//! dot-unstuffing, RSET, NOOP, QUIT. It records each accepted message and can be told to
//! refuse RCPT with 451 or 550; the refusals quote the address, as real servers do, so the
//! tests can check that the channel keeps it out of its error text.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RcptReply {
    Accept,
    TempFail,
    Reject,
}

#[derive(Debug, Clone)]
pub struct Received {
    pub mail_from: String,
    pub rcpt_to: Vec<String>,
    /// The DATA section, dot-unstuffed, lines joined with CRLF.
    pub data: String,
}

pub struct SmtpServer {
    pub addr: SocketAddr,
    received: Arc<Mutex<Vec<Received>>>,
}

impl SmtpServer {
    pub async fn start(rcpt: RcptReply) -> SmtpServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let received = Arc::new(Mutex::new(Vec::new()));
        let store = received.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let store = store.clone();
                tokio::spawn(async move {
                    let _ = session(stream, rcpt, store).await;
                });
            }
        });
        SmtpServer { addr, received }
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

fn path_arg(line: &str, prefix: &str) -> Option<String> {
    let rest = line.get(prefix.len()..)?.trim_start();
    let open = rest.find('<')?;
    let close = rest[open..].find('>')? + open;
    Some(rest[open + 1..close].to_owned())
}

async fn session(
    stream: TcpStream,
    rcpt_reply: RcptReply,
    store: Arc<Mutex<Vec<Received>>>,
) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    write
        .write_all(b"220 localhost ESMTP benteng-test\r\n")
        .await?;
    let mut from: Option<String> = None;
    let mut rcpts: Vec<String> = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let cmd = line.trim_end_matches(['\r', '\n']).to_owned();
        let upper = cmd.to_ascii_uppercase();
        let reply: String = if upper.starts_with("EHLO") {
            "250-localhost\r\n250-8BITMIME\r\n250 PIPELINING\r\n".into()
        } else if upper.starts_with("HELO") {
            "250 localhost\r\n".into()
        } else if upper.starts_with("MAIL FROM:") {
            match path_arg(&cmd, "MAIL FROM:") {
                Some(p) => {
                    from = Some(p);
                    rcpts.clear();
                    "250 2.1.0 OK\r\n".into()
                }
                None => "501 5.5.4 Syntax error in MAIL\r\n".into(),
            }
        } else if upper.starts_with("RCPT TO:") {
            match (path_arg(&cmd, "RCPT TO:"), &from) {
                (None, _) => "501 5.5.4 Syntax error in RCPT\r\n".into(),
                (Some(_), None) => "503 5.5.1 MAIL first\r\n".into(),
                (Some(p), Some(_)) => match rcpt_reply {
                    RcptReply::Accept => {
                        rcpts.push(p);
                        "250 2.1.5 OK\r\n".into()
                    }
                    RcptReply::TempFail => {
                        format!("451 4.3.0 <{p}>: Temporary lookup failure, try later\r\n")
                    }
                    RcptReply::Reject => {
                        format!("550 5.1.1 <{p}>: Recipient address rejected: User unknown\r\n")
                    }
                },
            }
        } else if upper == "DATA" {
            if rcpts.is_empty() {
                "503 5.5.1 RCPT first\r\n".into()
            } else {
                write
                    .write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                    .await?;
                let mut data: Vec<String> = Vec::new();
                loop {
                    line.clear();
                    if lines.read_line(&mut line).await? == 0 {
                        return Ok(());
                    }
                    let l = line.trim_end_matches(['\r', '\n']);
                    if l == "." {
                        break;
                    }
                    // RFC 5321 4.5.2: a leading dot was doubled by the client.
                    data.push(l.strip_prefix('.').unwrap_or(l).to_owned());
                }
                store.lock().unwrap().push(Received {
                    mail_from: from.take().unwrap_or_default(),
                    rcpt_to: std::mem::take(&mut rcpts),
                    data: data.join("\r\n"),
                });
                "250 2.0.0 Ok: queued\r\n".into()
            }
        } else if upper == "RSET" {
            from = None;
            rcpts.clear();
            "250 2.0.0 OK\r\n".into()
        } else if upper.starts_with("NOOP") {
            "250 2.0.0 OK\r\n".into()
        } else if upper == "QUIT" {
            write.write_all(b"221 2.0.0 Bye\r\n").await?;
            return Ok(());
        } else {
            "502 5.5.2 Command not recognized\r\n".into()
        };
        write.write_all(reply.as_bytes()).await?;
    }
}
