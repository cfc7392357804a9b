//! Where to go after logging in: only a path on this site, never another host.

/// Where a member lands when `next` is missing or unsafe.
pub const DEFAULT_AFTER_LOGIN: &str = "/mypage";

/// Returns `next` if it is a same-site absolute path (`/mypage/...`), else the default.
/// Refuses `//host`, `/\host` (browsers treat both as another host), schemes,
/// control characters and over-long values.
pub fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(p)
            if p.starts_with('/')
                && !p.starts_with("//")
                && !p.starts_with("/\\")
                && p.len() <= 512
                && !p.chars().any(|c| c.is_control() || c == '\\') =>
        {
            p
        }
        _ => DEFAULT_AFTER_LOGIN,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_same_site_paths() {
        assert_eq!(safe_next(Some("/mypage")), "/mypage");
        assert_eq!(safe_next(Some("/mypage/x?y=1#z")), "/mypage/x?y=1#z");
    }

    #[test]
    fn refuses_other_hosts_and_junk() {
        for bad in [
            "https://evil.example/",
            "//evil.example",
            "/\\evil.example",
            "/ok\\..\\evil",
            "javascript:alert(1)",
            "mypage",
            "/a\nb",
            "",
        ] {
            assert_eq!(safe_next(Some(bad)), DEFAULT_AFTER_LOGIN, "{bad:?}");
        }
        assert_eq!(
            safe_next(Some(&format!("/{}", "a".repeat(600)))),
            DEFAULT_AFTER_LOGIN
        );
        assert_eq!(safe_next(None), DEFAULT_AFTER_LOGIN);
    }
}

/// The login page, asked to come back to `here` afterwards.
pub fn login_url(here: &str, timed_out: bool) -> String {
    let mut url = format!("/?next={}", encode(here));
    if timed_out {
        url.push_str("&reason=timeout");
    }
    url
}

/// Where staff land after logging in, unless `next` names a back-office page.
pub const STAFF_HOME: &str = "/staff";

/// `next` if it is a back-office path, else the queue.
pub fn staff_next(next: Option<&str>) -> &str {
    let safe = safe_next(next);
    if safe == STAFF_HOME || safe.starts_with("/staff/") {
        safe
    } else {
        STAFF_HOME
    }
}

/// The login page for whoever was on `here` (the back office's for `/staff`
/// pages, the members' for the rest), asked to come back afterwards.
pub fn login_again_url(here: &str, timed_out: bool) -> String {
    if here == "/staff" || here.starts_with("/staff/") || here.starts_with("/staff?") {
        let mut url = format!("/staff/login?next={}", encode(here));
        if timed_out {
            url.push_str("&reason=timeout");
        }
        url
    } else {
        login_url(here, timed_out)
    }
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
pub fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod login_url_tests {
    use super::*;

    #[test]
    fn encodes_the_way_back() {
        assert_eq!(login_url("/mypage", false), "/?next=%2Fmypage");
        assert_eq!(
            login_url("/mypage/x?a=1&b=あ", true),
            "/?next=%2Fmypage%2Fx%3Fa%3D1%26b%3D%E3%81%82&reason=timeout"
        );
    }

    #[test]
    fn back_office_pages_go_back_through_the_staff_login() {
        assert_eq!(
            login_again_url("/staff/members?q=x", true),
            "/staff/login?next=%2Fstaff%2Fmembers%3Fq%3Dx&reason=timeout"
        );
        assert_eq!(
            login_again_url("/mypage/account", false),
            "/?next=%2Fmypage%2Faccount"
        );
        // "/staffroom" is not the back office.
        assert_eq!(login_again_url("/staffroom", false), "/?next=%2Fstaffroom");
    }
}
