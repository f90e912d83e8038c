//! JSON-RPC over a byte stream: the framing (`Content-Length` headers), reading requests and
//! handing them to the service, and writing what it answers and sends.
//!
//! This replaces tower-lsp-server's `Server`, which stops reading at the first malformed
//! message (its decoder's error ends the input stream) and, at trace level, logs every message
//! body (document text, so patient data). Here:
//!
//! - a malformed frame (a bad or missing `Content-Length`, a line that is no header) or a body
//!   that is not JSON gets a `ParseError` response with a null id; JSON that is not a JSON-RPC
//!   message gets `InvalidRequest`; then the next message is read;
//! - a message over [`MAX_MESSAGE_BYTES`] is skipped as it arrives, never buffered, and the
//!   user is told;
//! - a request whose handler panics gets an `InternalError` response and the server goes on;
//! - nothing of a message body is logged;
//! - [`serve`] says whether a `shutdown` request succeeded before the session ended (by `exit`
//!   or the end of the input), which decides the exit status.
//!
//! As in tower-lsp-server, up to 4 requests run at a time and each is started (polled once)
//! in arrival order, so the text-sync notifications, which change the state before their first
//! `.await`, apply in order.

use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use futures::channel::mpsc as bounded;
use futures::future::{self, BoxFuture};
use futures::{FutureExt, StreamExt};
use serde_json::json;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::sync::mpsc;
use tower_lsp_server::jsonrpc::{Error, Id, Request, Response};
use tower_lsp_server::{ClientSocket, LspService};
use tower_service::Service;

use super::Backend;

/// The longest message read, in bytes (64 MiB): a document over the editor limit still fits,
/// with room for JSON escapes, so it gets its `document-too-large` diagnostic.
pub const MAX_MESSAGE_BYTES: usize = 64 << 20;
/// The longest header line kept; a longer line is garbage.
const MAX_HEADER_LINE: u64 = 4096;
/// Requests handled at the same time.
const CONCURRENCY: usize = 4;
/// How long requests still running when the input ends may take to answer.
const GRACE: std::time::Duration = std::time::Duration::from_secs(1);

/// A way for the server to send a notification it serialises itself, straight to the output.
///
/// tower-lsp-server's `Client` first turns a notification's parameters into a
/// `serde_json::Value` tree: for the 18,800 diagnostics of a 100,000-line document that tree
/// takes 56 MB, next to 8 MB of JSON, and the allocator keeps that memory long after. The
/// outbox writes the JSON text directly. It works once [`serve`] has connected it; before that
/// (or in a test that drives the service without this transport) the caller falls back to
/// the `Client`.
#[derive(Clone, Default)]
pub struct Outbox(Arc<OnceLock<mpsc::UnboundedSender<String>>>);

impl Outbox {
    /// Sends a message ([`notification_with`]); it comes back when the outbox is not
    /// connected or the output closed.
    pub fn send(&self, message: String) -> Result<(), String> {
        let Some(out) = self.0.get() else { return Err(message) };
        out.send(message).map_err(|error| error.0)
    }

    fn connect(&self, out: mpsc::UnboundedSender<String>) {
        let _ = self.0.set(out);
    }
}

/// One frame read from the input.
enum Frame {
    Body(Vec<u8>),
    /// Bytes that are no frame, or a header block without a usable `Content-Length`.
    Malformed,
    /// A frame whose body (of this many bytes) was skipped.
    TooLarge(usize),
    End,
}

/// Reads frames, resynchronising after garbage at the next header line.
struct FrameReader<R> {
    input: BufReader<R>,
    line: Vec<u8>,
    /// A header line found at the end of a garbage line, to read next.
    carried: Option<Vec<u8>>,
    /// Garbage was reported and no header has been seen since (report each run once).
    in_garbage: bool,
}

/// What the headers read so far of one message say.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Headers {
    /// No header yet.
    None,
    /// Headers, but no usable `Content-Length` among them.
    WithoutLength,
    /// The last `Content-Length` read.
    Length(usize),
}

impl<R: AsyncRead + Unpin> FrameReader<R> {
    fn new(input: R) -> Self {
        FrameReader {
            input: BufReader::new(input),
            line: Vec::new(),
            carried: None,
            in_garbage: false,
        }
    }

    async fn next(&mut self) -> std::io::Result<Frame> {
        let mut headers = Headers::None;
        loop {
            let line = match self.carried.take() {
                Some(line) => line,
                None => {
                    self.line.clear();
                    let mut limited = (&mut self.input).take(MAX_HEADER_LINE);
                    if limited.read_until(b'\n', &mut self.line).await? == 0 {
                        return Ok(match headers {
                            Headers::None => Frame::End,
                            _ => Frame::Malformed,
                        });
                    }
                    std::mem::take(&mut self.line)
                }
            };
            let content = trim_line_end(&line);
            if content.is_empty() {
                match headers {
                    Headers::None => continue, // a blank line between messages
                    Headers::WithoutLength => return Ok(Frame::Malformed),
                    Headers::Length(length) => return self.body(length).await,
                }
            }
            if let Some((name, value)) = header(content) {
                self.in_garbage = false;
                if name.eq_ignore_ascii_case(b"content-length") {
                    headers =
                        match std::str::from_utf8(value).ok().and_then(|v| v.trim().parse().ok()) {
                            Some(length) => Headers::Length(length),
                            None => Headers::WithoutLength,
                        };
                } else if headers == Headers::None {
                    headers = Headers::WithoutLength;
                }
                continue;
            }
            // Garbage: a header may follow it on the same line.
            if let Some(at) = find(content, b"Content-Length:").filter(|at| *at > 0) {
                self.carried = Some(content[at..].to_vec());
            }
            if let Some(frame) = self.garbage() {
                return Ok(frame);
            }
            headers = Headers::None;
        }
    }

    /// `Malformed` at the start of a run of garbage; `None` inside one.
    fn garbage(&mut self) -> Option<Frame> {
        let first = !self.in_garbage;
        self.in_garbage = true;
        first.then_some(Frame::Malformed)
    }

    async fn body(&mut self, length: usize) -> std::io::Result<Frame> {
        if length > MAX_MESSAGE_BYTES {
            let mut rest = (&mut self.input).take(length as u64);
            let skipped = tokio::io::copy(&mut rest, &mut tokio::io::sink()).await?;
            return Ok(if skipped < length as u64 { Frame::End } else { Frame::TooLarge(length) });
        }
        let mut body = vec![0; length];
        match self.input.read_exact(&mut body).await {
            Ok(_) => Ok(Frame::Body(body)),
            Err(error) if error.kind() == std::io::ErrorKind::UnexpectedEof => Ok(Frame::End),
            Err(error) => Err(error),
        }
    }
}

fn trim_line_end(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// `Name: value` with a header name of letters, digits and `-`.
fn header(line: &[u8]) -> Option<(&[u8], &[u8])> {
    let colon = line.iter().position(|b| *b == b':')?;
    let name = &line[..colon];
    let is_name = !name.is_empty() && name.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'-');
    is_name.then(|| (name, &line[colon + 1..]))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|window| window == needle)
}

/// What a client may send: an answer to a request of ours, or a request or notification.
enum Incoming {
    Response(Response),
    Request(Request),
}

/// The message in `body`, or the error to answer: `ParseError` for what is not JSON,
/// `InvalidRequest` for JSON that is no JSON-RPC message (no `method`, and no `result` or
/// `error` of a response). Only the kind of error: serde's messages quote the input.
///
/// The body is read once, into a JSON tree, and the message is then taken from the tree:
/// its strings are moved, not read again, so the megabytes of a `didOpen` are decoded once
/// (a first pass to tell requests from responses used to read them twice, in the way of the
/// hovers that follow). A response's `result` counts when it is `null`: that is
/// the answer to `client/registerCapability`.
fn incoming(body: &[u8]) -> Result<Incoming, Error> {
    let message: serde_json::Value =
        serde_json::from_slice(body).map_err(|_| Error::parse_error())?;
    let invalid = |_| Error::invalid_request();
    let Some(fields) = message.as_object() else {
        return Err(Error::invalid_request());
    };
    if fields.get("method").is_some_and(|method| !method.is_null()) {
        serde_json::from_value(message).map(Incoming::Request).map_err(invalid)
    } else if fields.contains_key("result") || fields.contains_key("error") {
        serde_json::from_value(message).map(Incoming::Response).map_err(invalid)
    } else {
        Err(Error::invalid_request())
    }
}

/// Serves `service` over `input`/`output` until `exit` or the end of the input. True when a
/// `shutdown` request succeeded first (the exit status is then 0, else 1).
pub async fn serve<I, O>(
    input: I,
    output: O,
    mut service: LspService<Backend>,
    socket: ClientSocket,
) -> bool
where
    I: AsyncRead + Unpin,
    O: AsyncWrite,
{
    let shut_down = Arc::new(AtomicBool::new(false));
    let (out, outgoing) = mpsc::unbounded_channel::<String>();
    service.inner().outbox.connect(out.clone());
    let (mut client_requests, mut client_responses) = socket.split();
    let (tasks, pending) = bounded::channel::<BoxFuture<'static, Option<String>>>(100);

    let run_tasks = {
        let out = out.clone();
        pending.buffer_unordered(CONCURRENCY).for_each(move |answer| {
            if let Some(answer) = answer {
                let _ = out.send(answer);
            }
            future::ready(())
        })
    };
    // Set when reading has ended.
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let forward_to_client = {
        let out = out.clone();
        let mut stopped = stopped.clone();
        async move {
            let forward = async {
                while let Some(request) = client_requests.next().await {
                    let _ = out.send(to_json(&request));
                }
            };
            tokio::select! {
                () = forward => {}
                _ = stopped.wait_for(|stopped| *stopped) => {}
            }
        }
    };
    let write = write_all(output, outgoing);
    let read = {
        let shut_down = shut_down.clone();
        let mut tasks = tasks;
        async move {
            let mut frames = FrameReader::new(input);
            loop {
                let body = match frames.next().await {
                    Ok(Frame::Body(body)) => body,
                    Ok(Frame::Malformed) => {
                        tracing::warn!("skipped bytes that are not a framed message");
                        let _ = out.send(error_response(Error::parse_error()));
                        continue;
                    }
                    Ok(Frame::TooLarge(length)) => {
                        tracing::warn!(length, "skipped a message over the size limit");
                        let _ = out.send(error_response(Error::invalid_request()));
                        let _ = out.send(too_large_message(length));
                        continue;
                    }
                    Ok(Frame::End) => break,
                    Err(error) => {
                        tracing::error!(kind = ?error.kind(), "cannot read the input");
                        break;
                    }
                };
                let request = match incoming(&body) {
                    Ok(Incoming::Request(request)) => request,
                    Ok(Incoming::Response(response)) => {
                        let _ = futures::SinkExt::send(&mut client_responses, response).await;
                        continue;
                    }
                    Err(error) => {
                        tracing::warn!(code = ?error.code, "skipped a message that is not JSON-RPC");
                        let _ = out.send(error_response(error));
                        continue;
                    }
                };
                if future::poll_fn(|cx| service.poll_ready(cx)).await.is_err() {
                    break;
                }
                let exit = request.method() == "exit";
                let task = call(&mut service, request, &shut_down);
                if futures::SinkExt::send(&mut tasks, task).await.is_err() || exit {
                    break;
                }
            }
            let _ = stop.send(true);
            // Dropping `tasks` and `out` lets the other parts finish.
        }
    };
    let everything = async {
        tokio::join!(run_tasks, forward_to_client, write, read);
    };
    // Once reading has ended, requests still running get a moment to answer; one waiting for
    // the client (which has gone) must not keep the process alive.
    let mut stopped = stopped;
    let grace = async move {
        let _ = stopped.wait_for(|stopped| *stopped).await;
        tokio::time::sleep(GRACE).await;
    };
    tokio::select! {
        () = everything => {}
        () = grace => tracing::warn!("requests still running at the end were dropped"),
    }
    shut_down.load(Ordering::SeqCst)
}

/// Starts `request` (the service polls it in arrival order); its answer as JSON.
fn call(
    service: &mut LspService<Backend>,
    request: Request,
    shut_down: &Arc<AtomicBool>,
) -> BoxFuture<'static, Option<String>> {
    let id = request.id().cloned();
    let is_shutdown = request.method() == "shutdown";
    let shut_down = shut_down.clone();
    let answer = service.call(request);
    async move {
        match AssertUnwindSafe(answer).catch_unwind().await {
            Ok(Ok(Some(response))) => {
                if is_shutdown && response.is_ok() {
                    shut_down.store(true, Ordering::SeqCst);
                }
                Some(to_json(&response))
            }
            Ok(Ok(None) | Err(_)) => None,
            // The panic hook has logged where; the client gets an answer.
            Err(_) => id.map(|id| to_json(&Response::from_error(id, Error::internal_error()))),
        }
    }
    .boxed()
}

async fn write_all<O: AsyncWrite>(output: O, mut outgoing: mpsc::UnboundedReceiver<String>) {
    let mut output = std::pin::pin!(output);
    while let Some(body) = outgoing.recv().await {
        let header = format!("Content-Length: {}\r\n\r\n", body.len());
        let written = async {
            output.write_all(header.as_bytes()).await?;
            output.write_all(body.as_bytes()).await?;
            output.flush().await
        };
        if let Err(error) = written.await {
            tracing::error!(kind = ?error.kind(), "cannot write to the client");
            return;
        }
    }
}

fn to_json(message: &impl serde::Serialize) -> String {
    serde_json::to_string(message).unwrap_or_default()
}

/// A notification to the client as JSON.
fn notification<P: serde::Serialize>(method: &str, params: &P) -> String {
    #[derive(serde::Serialize)]
    struct Notification<'a, P> {
        jsonrpc: &'static str,
        method: &'a str,
        params: &'a P,
    }
    to_json(&Notification { jsonrpc: "2.0", method, params })
}

/// A notification to the client as JSON, its parameters written by `params` (what
/// [`notification`] gives for the parameters it writes).
pub fn notification_with(method: &str, params: impl FnOnce(&mut String)) -> String {
    let mut out = String::from(r#"{"jsonrpc":"2.0","method":"#);
    out.push_str(&to_json(&method));
    out.push_str(r#","params":"#);
    params(&mut out);
    out.push('}');
    out
}

fn error_response(error: Error) -> String {
    to_json(&Response::from_error(Id::Null, error))
}

fn too_large_message(length: usize) -> String {
    let message = format!(
        "claimls: the editor sent a message of {:.1} MiB; messages may have at most {} MiB, so it \
         was skipped (a document that large is best checked with `claimls check`)",
        length as f64 / f64::from(1 << 20),
        MAX_MESSAGE_BYTES >> 20,
    );
    notification("window/showMessage", &json!({ "type": 1, "message": message }))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{notification, notification_with};

    #[test]
    fn a_notification_written_by_hand_is_the_serialised_one() {
        let by_hand = notification_with("textDocument/\"x\"", |out| out.push_str(r#"{"a":[1]}"#));
        assert_eq!(by_hand, notification("textDocument/\"x\"", &json!({ "a": [1] })));
    }
}
