//! The per-client-IP rate limit (tower_governor, a GCRA token bucket per address) on the
//! routes that do work: `/graphql` and `/export`. Over the limit, a client gets 429 with
//! `Retry-After` and a JSON error coded `RATE_LIMITED`.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderValue, Request, Response, StatusCode, header};
use governor::middleware::NoOpMiddleware;
use tower_governor::GovernorError;
use tower_governor::GovernorLayer;
use tower_governor::governor::GovernorConfigBuilder;
use tower_governor::key_extractor::KeyExtractor;

use super::RateLimit;

/// The client's address: the TCP peer, or, behind a trusted proxy, the last
/// `X-Forwarded-For` entry (the one the proxy appended; earlier ones are the client's word).
#[derive(Debug, Clone, Copy)]
pub struct ClientIp {
    pub trust_forwarded_for: bool,
}

impl KeyExtractor for ClientIp {
    type Key = IpAddr;

    fn extract<T>(&self, req: &Request<T>) -> Result<IpAddr, GovernorError> {
        Ok(client_ip(req, self.trust_forwarded_for))
    }
}

/// The address a request is rate-limited and logged under.
pub fn client_ip<T>(req: &Request<T>, trust_forwarded_for: bool) -> IpAddr {
    // Only the last entry: an unparsable one falls back to the peer rather than to an
    // earlier entry, which the client wrote.
    let forwarded = trust_forwarded_for
        .then(|| {
            req.headers()
                .get_all("x-forwarded-for")
                .iter()
                .next_back()
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.rsplit(',').next())
                .and_then(|s| s.trim().parse::<IpAddr>().ok())
        })
        .flatten();
    forwarded
        .or_else(|| {
            req.extensions()
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip())
        })
        // In-process callers (tests) have no peer: they share one bucket.
        .unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST))
}

/// The layer enforcing `rate` per client address.
pub fn layer(
    rate: RateLimit,
    trust_forwarded_for: bool,
) -> GovernorLayer<ClientIp, NoOpMiddleware, Body> {
    let period = Duration::from_nanos(1_000_000_000 / u64::from(rate.per_second.max(1)));
    let config = GovernorConfigBuilder::default()
        .key_extractor(ClientIp {
            trust_forwarded_for,
        })
        .period(period)
        .burst_size(rate.burst.max(1))
        .finish()
        .expect("period and burst are non-zero");
    // Forget addresses not seen for a while, so the table stays bounded; the thread ends
    // with the limiter.
    let limiter = Arc::downgrade(config.limiter());
    std::thread::spawn(move || {
        while let Some(limiter) = limiter.upgrade() {
            limiter.retain_recent();
            drop(limiter);
            std::thread::sleep(Duration::from_secs(60));
        }
    });
    GovernorLayer::new(config).error_handler(too_many)
}

fn too_many(e: GovernorError) -> Response<Body> {
    let (status, wait, message) = match e {
        GovernorError::TooManyRequests { wait_time, .. } => (
            StatusCode::TOO_MANY_REQUESTS,
            wait_time.max(1),
            format!(
                "too many requests from your address; retry after {} s",
                wait_time.max(1)
            ),
        ),
        other => (
            StatusCode::TOO_MANY_REQUESTS,
            1,
            format!("request refused by the rate limiter: {other}"),
        ),
    };
    let body = serde_json::json!({ "errors": [{
        "message": message,
        "extensions": { "code": "RATE_LIMITED", "retryAfter": wait },
    }]});
    let mut res = Response::new(Body::from(body.to_string()));
    *res.status_mut() = status;
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    res.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(wait));
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(xff: &[&str]) -> Request<()> {
        let mut b = Request::builder();
        for v in xff {
            b = b.header("x-forwarded-for", *v);
        }
        let mut r = b.body(()).unwrap();
        r.extensions_mut()
            .insert(ConnectInfo(SocketAddr::from(([10, 0, 0, 1], 4000))));
        r
    }

    #[test]
    fn the_client_is_the_peer_unless_a_trusted_proxy_appended_one() {
        let peer: IpAddr = "10.0.0.1".parse().unwrap();
        let spoofed = req(&["6.6.6.6, 203.0.113.9"]);
        assert_eq!(client_ip(&spoofed, false), peer);
        assert_eq!(
            client_ip(&spoofed, true),
            "203.0.113.9".parse::<IpAddr>().unwrap()
        );
        let two_headers = req(&["6.6.6.6", "198.51.100.7"]);
        assert_eq!(
            client_ip(&two_headers, true),
            "198.51.100.7".parse::<IpAddr>().unwrap()
        );
        let garbage_last = req(&["6.6.6.6, unknown"]);
        assert_eq!(client_ip(&garbage_last, true), peer);
        assert_eq!(client_ip(&req(&[]), true), peer);
    }
}
