//! Per-address throttling of the doors an attacker knocks on (logins, codes,
//! reset requests, staff logins), per server process: cheap, in memory, and
//! in front of the database limits that hold across processes. The client
//! address is `ClientInfo::ip` (see `MYPAGE_TRUSTED_PROXIES`).

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::num::NonZeroU32;
use std::sync::Arc;

use crate::error::AppError;

/// One limiter shared by the process, keyed by client address.
#[derive(Clone)]
pub struct Throttle {
    limiter: Arc<DefaultKeyedRateLimiter<String>>,
}

impl Throttle {
    /// `per_minute` tries per address, in a burst or spread over the minute.
    pub fn per_minute(per_minute: u32) -> Self {
        let quota = Quota::per_minute(NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN));
        Self {
            limiter: Arc::new(RateLimiter::keyed(quota)),
        }
    }

    /// Counts one try from `ip`; refuses it when the address used up its
    /// allowance.
    pub fn check(&self, ip: &str) -> Result<(), AppError> {
        self.limiter
            .check_key(&key(ip))
            .map_err(|_| AppError::RateLimited)
    }

    /// Forgets addresses that have been quiet long enough to be full again
    /// (housekeeping), so the map does not grow without end.
    pub fn forget_quiet(&self) {
        self.limiter.retain_recent();
        self.limiter.shrink_to_fit();
    }
}

/// The key of an address: an IPv6 client holds a whole /64, so it counts
/// as one.
fn key(ip: &str) -> String {
    match ip.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V6(v6)) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        _ => ip.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_address_has_its_own_allowance() {
        let t = Throttle::per_minute(3);
        for _ in 0..3 {
            t.check("192.0.2.1").unwrap();
        }
        assert_eq!(t.check("192.0.2.1"), Err(AppError::RateLimited));
        t.check("192.0.2.2").unwrap();
    }

    #[test]
    fn an_ipv6_client_is_its_64() {
        let t = Throttle::per_minute(2);
        t.check("2001:db8:1:2::1").unwrap();
        t.check("2001:db8:1:2:ffff::9").unwrap();
        assert_eq!(t.check("2001:db8:1:2::abcd"), Err(AppError::RateLimited));
        t.check("2001:db8:1:3::1").unwrap();
    }
}
