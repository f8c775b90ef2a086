//! The real binary as a process: started on a free port, spoken to over TCP, signalled.
//! Graceful shutdown on SIGTERM, reload on SIGHUP, and `--watch`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// A server process on a free port, killed on drop.
pub struct Server {
    child: Child,
    addr: String,
}

impl Server {
    pub fn start(extra: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_aidgraph"))
            .args(["serve", "--addr", "127.0.0.1:0", "--rate-limit", "0"])
            .args(extra)
            .env("AIDGRAPH_LOG", "info,aidgraph::access=off")
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("the binary starts");
        let stderr = child.stderr.take().unwrap();
        let mut lines = BufReader::new(stderr).lines();
        let addr = loop {
            let line = lines
                .next()
                .expect("the server logs where it listens")
                .unwrap();
            if let Some(rest) = line.split("GraphiQL at http://").nth(1) {
                break rest.split('/').next().unwrap().to_string();
            }
        };
        // Keep draining the log so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines.by_ref() {});
        Server { child, addr }
    }

    /// Peak resident memory so far, in MiB (Linux).
    pub fn peak_mib(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        let kb: u64 = status
            .lines()
            .find(|l| l.starts_with("VmHWM:"))?
            .split_whitespace()
            .nth(1)?
            .parse()
            .ok()?;
        Some(kb / 1024)
    }

    pub fn connect(&self) -> TcpStream {
        let s = TcpStream::connect(&self.addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        s
    }

    /// Sends raw bytes and reads the whole response (the request asks to close).
    pub fn raw(&self, head: &str, body: &[u8]) -> (u16, Value) {
        let mut s = self.connect();
        let _ = s.write_all(head.as_bytes());
        // A server may answer and close before a large body is sent: ignore write errors.
        let _ = s.write_all(body);
        read_response(&mut s)
    }

    pub fn post(&self, body: &[u8]) -> (u16, Value) {
        let head = format!(
            "POST /graphql HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\
             Content-Type: application/json\r\n\
             Accept: application/graphql-response+json\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        self.raw(&head, body)
    }

    pub fn query(&self, query: &str) -> (u16, Value) {
        self.post(json!({ "query": query }).to_string().as_bytes())
    }

    /// A normal request still gets its answer.
    pub fn still_answers(&self) {
        let (status, body) = self.query("{ node(id: \"org:mhlw\") { id } }");
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["data"]["node"]["id"], "org:mhlw");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn read_response(s: &mut TcpStream) -> (u16, Value) {
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    let text = String::from_utf8_lossy(&buf);
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    // Bodies are small and sent with Content-Length; a chunked one would not parse as JSON.
    assert!(
        !head
            .to_ascii_lowercase()
            .contains("transfer-encoding: chunked"),
        "{head}"
    );
    (status, serde_json::from_str(body).unwrap_or(Value::Null))
}

impl Server {
    fn pid(&self) -> String {
        self.child.id().to_string()
    }

    fn signal(&self, name: &str) {
        let ok = Command::new("kill")
            .args([&format!("-{name}"), &self.pid()])
            .status()
            .unwrap()
            .success();
        assert!(ok, "kill -{name}");
    }

    fn get(&self, path: &str) -> (u16, Value) {
        self.raw(
            &format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
            b"",
        )
    }

    /// Polls `query` until `done` holds, for at most 30 s.
    fn wait_for(&self, query: &str, done: impl Fn(&Value) -> bool) -> Value {
        let started = Instant::now();
        loop {
            let (_, body) = self.query(query);
            if done(&body) || started.elapsed() > Duration::from_secs(30) {
                return body;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

#[test]
fn sigterm_finishes_and_exits_cleanly() {
    let mut server = Server::start(&[]);
    server.still_answers();
    server.signal("TERM");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "still running");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{status}");
}

const NAME: &str = "{ node(id: \"org:mhlw\") { ... on Organization { name } } }";

fn name(body: &Value) -> String {
    body["data"]["node"]["name"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// Edits `common.toml` in `dir`: the first `name = "X"` becomes `name = "X<suffix>"`.
fn rename(dir: &std::path::Path, from: &str, to: &str) {
    let file = dir.join("common.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    let edited = text.replacen(
        &format!("name = \"{from}\""),
        &format!("name = \"{to}\""),
        1,
    );
    assert_ne!(text, edited);
    std::fs::write(&file, edited).unwrap();
}

#[test]
fn watch_follows_edits_and_a_broken_edit_keeps_the_old_graph_serving() {
    let dir = crate::ops::seed_copy();
    let path = dir.path().to_str().unwrap();
    let server = Server::start(&["--seed", path, "--watch", "--watch-interval", "100ms"]);
    let original = name(&server.query(NAME).1);

    // --watch: the next queries see the edit.
    rename(dir.path(), &original, "Watched ministry");
    let seen = server.wait_for(NAME, |b| name(b) == "Watched ministry");
    assert_eq!(name(&seen), "Watched ministry");

    // A broken edit: the old graph keeps serving; /readyz says where the mistake is.
    let file = dir.path().join("common.toml");
    let good = std::fs::read_to_string(&file).unwrap();
    let line = good.lines().count() + 2;
    std::fs::write(&file, format!("{good}\n[[organization]]\nid = \"oops\"\n")).unwrap();
    let status = "{ dataStatus { current problems { file line } } }";
    let stale = server.wait_for(status, |b| b["data"]["dataStatus"]["current"] == false);
    let problems = stale["data"]["dataStatus"]["problems"]
        .as_array()
        .unwrap()
        .clone();
    assert!(
        problems
            .iter()
            .any(|p| p["file"].as_str().unwrap().ends_with("common.toml")
                && p["line"] == json!(line)),
        "{stale}"
    );
    assert_eq!(name(&server.query(NAME).1), "Watched ministry");
    let (code, ready) = server.get("/readyz");
    assert_eq!(code, 200);
    assert_eq!(ready["status"], "stale");

    // Fixed: served again.
    std::fs::write(&file, &good).unwrap();
    let ready = server.wait_for(status, |b| b["data"]["dataStatus"]["current"] == true);
    assert_eq!(ready["data"]["dataStatus"]["problems"], json!([]));
}

#[test]
fn sighup_reloads_the_data_folder() {
    let dir = crate::ops::seed_copy();
    let server = Server::start(&["--seed", dir.path().to_str().unwrap()]);
    let original = name(&server.query(NAME).1);
    rename(dir.path(), &original, "Signalled ministry");
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        name(&server.query(NAME).1),
        original,
        "no --watch: nothing changes"
    );
    server.signal("HUP");
    let seen = server.wait_for(NAME, |b| name(b) == "Signalled ministry");
    assert_eq!(name(&seen), "Signalled ministry");
    let (_, ready) = server.get("/readyz");
    assert_eq!(ready["status"], "ready");
}
