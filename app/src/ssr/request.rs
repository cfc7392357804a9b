//! Facts about the request being served: who is calling from where.

use axum::extract::ConnectInfo;
use http::{header, request::Parts, HeaderMap};
use ipnet::IpNet;
use std::net::{IpAddr, SocketAddr};

/// Longest user agent kept; longer ones are cut (they only serve the login history).
const MAX_USER_AGENT: usize = 512;

/// The request a server function serves: the app's state, who is calling
/// from where, and "now" (from the app's clock).
pub struct Request {
    pub state: crate::ssr::AppState,
    pub client: ClientInfo,
    pub now: chrono::DateTime<chrono::Utc>,
    pub parts: Parts,
}

impl Request {
    pub fn current() -> Result<Self, crate::error::AppError> {
        let state = crate::ssr::AppState::current()?;
        let parts =
            leptos::prelude::use_context::<Parts>().ok_or(crate::error::AppError::Internal)?;
        let client = ClientInfo::from_parts(&parts, &state.config.trusted_proxies);
        let now = state.clock.now();
        Ok(Self {
            state,
            client,
            now,
            parts,
        })
    }
}

/// Where a request came from, as recorded with sessions and login events.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientInfo {
    pub ip: String,
    pub user_agent: String,
}

impl ClientInfo {
    pub fn from_parts(parts: &Parts, trusted_proxies: &[IpNet]) -> Self {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip());
        Self::from_headers(&parts.headers, peer, trusted_proxies)
    }

    fn from_headers(headers: &HeaderMap, peer: Option<IpAddr>, trusted_proxies: &[IpNet]) -> Self {
        let user_agent = headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        Self {
            ip: client_ip(headers, peer, trusted_proxies)
                .map(|ip| ip.to_string())
                .unwrap_or_default(),
            user_agent: truncate(user_agent, MAX_USER_AGENT).to_owned(),
        }
    }
}

/// The client's address. A request from a trusted proxy names its client in
/// `X-Forwarded-For`, each proxy appending the address it got the request
/// from: read from the right, the first address that is not a trusted proxy is
/// the client (the left-most entries are whatever the client chose to send).
/// Anyone else is taken at their own address, whatever they claim.
fn client_ip(headers: &HeaderMap, peer: Option<IpAddr>, trusted: &[IpNet]) -> Option<IpAddr> {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    let peer = peer?;
    if !is_trusted(&peer) {
        return Some(peer);
    }
    let mut hops: Vec<IpAddr> = Vec::new();
    for value in headers.get_all("x-forwarded-for") {
        let Ok(value) = value.to_str() else {
            return Some(peer);
        };
        for entry in value.split(',') {
            match parse_hop(entry.trim()) {
                Some(ip) => hops.push(ip),
                // A hop we cannot read: nothing left of it can be believed.
                None => hops.clear(),
            }
        }
    }
    let mut client = peer;
    for hop in hops.into_iter().rev() {
        client = hop;
        if !is_trusted(&hop) {
            break;
        }
    }
    Some(client)
}

/// Set when a server function's answer became a redirect, so
/// [`crate::error::with_status`] leaves its 302 be.
#[derive(Debug, Clone, Copy)]
pub struct Redirected;

/// A plain form (sent without JavaScript) that found no session goes to the
/// login page, which brings the member back to the page the form was on
/// (M2). The hydrated page does the same itself (`FormError`).
pub fn plain_form_to_login(parts: &Parts, timed_out: bool) {
    if !parts.uri.path().starts_with("/api/") || !accepts_html(&parts.headers) {
        return;
    }
    let here = referer_path(&parts.headers).unwrap_or_else(|| "/mypage".to_owned());
    leptos_axum::redirect(&crate::domain::next_path::login_again_url(&here, timed_out));
    leptos::prelude::provide_context(Redirected);
}

/// Whether the request came from a browser page rather than a hydrated
/// page's server-function call: a plain form (sent before the page has
/// hydrated, or without JavaScript) asks for `text/html`; the hydrated page
/// asks for the server function's own encoding.
pub fn accepts_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"))
}

/// The path (and query) of the page a request was sent from, if it is one
/// of this site's paths. Only the path is kept, so it can never lead away.
fn referer_path(headers: &HeaderMap) -> Option<String> {
    let referer = headers.get(header::REFERER)?.to_str().ok()?;
    let (_, rest) = referer.split_once("://")?;
    let path = &rest[rest.find('/')?..];
    let path = path.split('#').next().unwrap_or(path);
    (crate::domain::next_path::safe_next(Some(path)) == path).then(|| path.to_owned())
}

/// One `X-Forwarded-For` entry: an address, possibly with a port
/// (`192.0.2.1:443`, `[2001:db8::1]:443`), as some proxies write it.
fn parse_hop(entry: &str) -> Option<IpAddr> {
    if let Ok(ip) = entry.parse() {
        return Some(ip);
    }
    if let Ok(addr) = entry.parse::<SocketAddr>() {
        return Some(addr.ip());
    }
    entry
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse()
        .ok()
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

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn client(xff: &[&str], peer: &str, trusted: &[&str]) -> String {
        let mut h = HeaderMap::new();
        for v in xff {
            h.append("x-forwarded-for", HeaderValue::from_str(v).unwrap());
        }
        let trusted: Vec<IpNet> = trusted.iter().map(|t| t.parse().unwrap()).collect();
        ClientInfo::from_headers(&h, Some(ip(peer)), &trusted).ip
    }

    #[test]
    fn forwarded_for_counts_only_from_a_trusted_proxy() {
        // No trusted proxies: the peer, whatever the header says.
        assert_eq!(
            client(&["203.0.113.9"], "198.51.100.1", &[]),
            "198.51.100.1"
        );
        // A peer that is not a trusted proxy is not believed either.
        assert_eq!(
            client(&["203.0.113.9"], "198.51.100.1", &["10.0.0.0/8"]),
            "198.51.100.1"
        );
        // Behind one proxy: the address it appended.
        assert_eq!(
            client(&["203.0.113.9"], "10.0.0.2", &["10.0.0.0/8"]),
            "203.0.113.9"
        );
    }

    #[test]
    fn a_client_cannot_choose_its_address_by_sending_the_header() {
        // The client sent "1.2.3.4" itself; the proxy appended the real address.
        assert_eq!(
            client(&["1.2.3.4, 203.0.113.9"], "10.0.0.2", &["10.0.0.0/8"]),
            "203.0.113.9"
        );
        // Two proxies (a CDN in front of the balancer), split over two headers.
        assert_eq!(
            client(
                &["1.2.3.4, 203.0.113.9", "192.0.2.50"],
                "10.0.0.2",
                &["10.0.0.0/8", "192.0.2.0/24"]
            ),
            "203.0.113.9"
        );
        // An unreadable hop: nothing before it is believed.
        assert_eq!(
            client(
                &["1.2.3.4, nonsense, 203.0.113.9"],
                "10.0.0.2",
                &["10.0.0.0/8"]
            ),
            "203.0.113.9"
        );
        assert_eq!(
            client(&["nonsense"], "10.0.0.2", &["10.0.0.0/8"]),
            "10.0.0.2"
        );
        // Only proxies all the way: the left-most of them.
        assert_eq!(
            client(&["10.9.9.9"], "10.0.0.2", &["10.0.0.0/8"]),
            "10.9.9.9"
        );
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

    #[test]
    fn only_the_referers_path_is_kept() {
        let mut h = HeaderMap::new();
        h.insert(
            header::REFERER,
            HeaderValue::from_static("http://127.0.0.1:3000/mypage/account?x=1#top"),
        );
        assert_eq!(referer_path(&h).as_deref(), Some("/mypage/account?x=1"));
        h.insert(
            header::REFERER,
            HeaderValue::from_static("https://evil.example//evil"),
        );
        assert_eq!(referer_path(&h), None);
        h.insert(header::REFERER, HeaderValue::from_static("not a url"));
        assert_eq!(referer_path(&h), None);
    }
}
