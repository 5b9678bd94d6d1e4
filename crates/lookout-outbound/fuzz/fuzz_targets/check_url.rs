//! Any text given to `check_url` returns a result, never panics, and an
//! address it accepts keeps every promise made to the caller: web scheme,
//! a host, no credentials, no fragment, a usable port, bounded length, and
//! it is accepted again unchanged (so storing and re-checking is stable).
#![no_main]

use libfuzzer_sys::fuzz_target;
use lookout_outbound::{MAX_URL_LEN, Policy, check_url};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for https_only in [true, false] {
        let policy = Policy {
            https_only,
            ..Policy::default()
        };
        let Ok(url) = check_url(text, &policy) else {
            continue;
        };
        assert!(url.scheme() == "https" || (!https_only && url.scheme() == "http"));
        assert!(url.host_str().is_some_and(|h| !h.is_empty()));
        assert!(url.username().is_empty() && url.password().is_none());
        assert!(url.fragment().is_none());
        assert!(url.port() != Some(0));
        assert!(url.as_str().len() <= MAX_URL_LEN);
        let again = check_url(url.as_str(), &policy).expect("accepted URL re-checks");
        assert_eq!(again, url);
    }
});
