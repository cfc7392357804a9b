//! Facts about the request being served: who is calling from where.

use axum::extract::ConnectInfo;
use http::{header, request::Parts, HeaderMap};
use std::net::SocketAddr;

/// Longest user agent kept; longer ones are cut (they only serve the login history).
const MAX_USER_AGENT: usize = 512;

/// Where a request came from, as recorded with sessions and login events.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientInfo {
    pub ip: String,
    pub user_agent: String,
}

impl ClientInfo {
    pub fn from_parts(parts: &Parts, trust_proxy: bool) -> Self {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip().to_string());
        Self::from_headers(&parts.headers, peer, trust_proxy)
    }

    fn from_headers(headers: &HeaderMap, peer: Option<String>, trust_proxy: bool) -> Self {
        let forwarded = trust_proxy
            .then(|| headers.get("x-forwarded-for")?.to_str().ok())
            .flatten()
            .and_then(|v| v.split(',').next())
            .map(|v| v.trim().to_owned())
            .filter(|v| v.parse::<std::net::IpAddr>().is_ok());
        let user_agent = headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        Self {
            ip: forwarded.or(peer).unwrap_or_default(),
            user_agent: truncate(user_agent, MAX_USER_AGENT).to_owned(),
        }
    }
}

/// The value of cookie `name`, if the request carries it.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

fn truncate(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    #[test]
    fn forwarded_for_counts_only_behind_a_trusted_proxy() {
        let mut h = HeaderMap::new();
        h.insert(
            "x-forwarded-for",
            HeaderValue::from_static("203.0.113.9, 10.0.0.1"),
        );
        let peer = Some("127.0.0.1".to_owned());
        assert_eq!(
            ClientInfo::from_headers(&h, peer.clone(), true).ip,
            "203.0.113.9"
        );
        assert_eq!(
            ClientInfo::from_headers(&h, peer.clone(), false).ip,
            "127.0.0.1"
        );
        h.insert("x-forwarded-for", HeaderValue::from_static("not-an-ip"));
        assert_eq!(ClientInfo::from_headers(&h, peer, true).ip, "127.0.0.1");
    }

    #[test]
    fn reads_one_cookie_among_many() {
        let mut h = HeaderMap::new();
        h.append(header::COOKIE, HeaderValue::from_static("a=1; sid=abc"));
        h.append(header::COOKIE, HeaderValue::from_static("b=2"));
        assert_eq!(cookie(&h, "sid"), Some("abc"));
        assert_eq!(cookie(&h, "b"), Some("2"));
        assert_eq!(cookie(&h, "s"), None);
    }

    #[test]
    fn cuts_long_user_agents_on_a_char_boundary() {
        assert_eq!(truncate("あいう", 2), "あい");
        assert_eq!(truncate("ab", 5), "ab");
    }
}
