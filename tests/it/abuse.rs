//! Abusive requests against the real binary over TCP: each gets a 4xx and a coded error, the
//! server answers the next normal request, and its peak memory stays bounded.

use std::io::Write;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::process::{Server, read_response};

fn code(v: &Value) -> &str {
    v["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_default()
}

/// Each case: a 4xx, the expected code, and the server answering the next request.
#[test]
fn abusive_requests_get_coded_4xx_and_the_server_keeps_serving_in_bounded_memory() {
    // Documents up to 256 KiB, so 10,000 literal aliases reach the alias limit.
    let server = Server::start(&["--body-timeout", "1s", "--max-document-bytes", "262144"]);
    let baseline = server.peak_mib();
    let check = |what: &str, (status, body): (u16, Value), want_status: u16, want: &str| {
        let shown: String = body.to_string().chars().take(400).collect();
        assert_eq!(status, want_status, "{what}: {shown}");
        assert_eq!(code(&body), want, "{what}: {shown}");
        let message = body["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(message.len() > 20, "{what}: the message explains: {shown}");
        assert!(
            message.len() < 1000,
            "{what}: the message is short: {shown}"
        );
        server.still_answers();
    };

    let deep = format!("{}{}", "{ a ".repeat(10_000), "}".repeat(10_000));
    check(
        "nesting 10,000 deep",
        server.query(&deep),
        400,
        "QUERY_TOO_DEEP",
    );

    let aliases = format!("{{ {} }}", "a:__typename ".repeat(10_000));
    check(
        "10,000 aliases",
        server.query(&aliases),
        400,
        "TOO_MANY_ALIASES",
    );

    let huge = format!("{{ {} }}", "__typename ".repeat(30_000));
    check(
        "a 330 KB document",
        server.query(&huge),
        400,
        "DOCUMENT_TOO_LARGE",
    );

    let cycle = "{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }";
    check(
        "fragment cycle",
        server.query(cycle),
        400,
        "GRAPHQL_VALIDATION_FAILED",
    );

    let mut laughs = String::from("{ ...F0 }");
    for i in 0..10 {
        laughs += &format!(
            " fragment F{i} on Query {{ {} }}",
            format!("...F{} ", i + 1).repeat(10)
        );
    }
    laughs += " fragment F10 on Query { stats { nodeCount } }";
    check(
        "fragments multiplying to 10^10 fields",
        server.query(&laughs),
        400,
        "QUERY_TOO_COMPLEX",
    );

    check(
        "a page of 1,000,000",
        server.query("{ organizations(first: 1000000) { nodes { id } } }"),
        400,
        "PAGE_SIZE_TOO_LARGE",
    );
    check(
        "a page of 1,000,000 in a variable",
        server.post(
            json!({
                "query": "query($n: Int) { organizations(first: $n) { nodes { id } } }",
                "variables": { "n": 1_000_000 },
            })
            .to_string()
            .as_bytes(),
        ),
        400,
        "PAGE_SIZE_TOO_LARGE",
    );

    let ten_mb = format!(
        "{{\"query\": \"{{ __typename }}\", \"pad\": \"{}\"}}",
        "x".repeat(10 << 20)
    );
    check(
        "a 10 MB body",
        server.post(ten_mb.as_bytes()),
        413,
        "PAYLOAD_TOO_LARGE",
    );
    // The same without Content-Length: chunked, cut off at the limit while reading.
    let mut s = server.connect();
    let _ = s.write_all(
        b"POST /graphql HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\
          Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
    );
    for _ in 0..10 {
        let chunk = vec![b' '; 1 << 20];
        if s.write_all(format!("{:x}\r\n", chunk.len()).as_bytes())
            .is_err()
            || s.write_all(&chunk).is_err()
            || s.write_all(b"\r\n").is_err()
        {
            break;
        }
    }
    let _ = s.write_all(b"0\r\n\r\n");
    check(
        "a 10 MB chunked body",
        read_response(&mut s),
        413,
        "PAYLOAD_TOO_LARGE",
    );

    // A body that trickles in: one byte every 100 ms, past the 1 s body deadline.
    let started = Instant::now();
    let mut s = server.connect();
    let body = br#"{"query": "{ __typename }"}"#;
    let _ = s.write_all(
        format!(
            "POST /graphql HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            body.len()
        )
        .as_bytes(),
    );
    for b in body.iter() {
        if s.write_all(&[*b]).is_err() {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let answer = read_response(&mut s);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "the body deadline cut the trickle short"
    );
    check("a trickling body", answer, 408, "BODY_TIMEOUT");

    check(
        "invalid UTF-8",
        server.post(b"{\"query\": \"{ node(id: \\\"\xff\xfe\\\") { id } }\"}"),
        400,
        "BAD_REQUEST",
    );
    check(
        "a variable of the wrong JSON type",
        server.post(
            json!({
                "query": "query($n: Int) { organizations(first: $n) { nodes { id } } }",
                "variables": { "n": "ten" },
            })
            .to_string()
            .as_bytes(),
        ),
        400,
        "GRAPHQL_VALIDATION_FAILED",
    );
    check(
        "variables that are not an object",
        server.post(br#"{"query": "{ __typename }", "variables": [1]}"#),
        400,
        "BAD_REQUEST",
    );

    if let (Some(before), Some(peak)) = (baseline, server.peak_mib()) {
        eprintln!("abuse: peak memory {before} MiB before, {peak} MiB after every case");
        // The 10 MB bodies are refused before they are read whole: the peak stays far
        // below what buffering them would cost.
        assert!(
            peak < before + 64,
            "peak memory grew from {before} MiB to {peak} MiB"
        );
    }
}
