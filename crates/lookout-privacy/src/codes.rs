//! Identifiers recognised by their shape alone, where no cue introduced
//! them.
//!
//! Codes: one token of letters and digits
//! (`P3310472C`, `HBG-SEC-3310`, `WGM77AC3`, `447/2024`) names a
//! document, a badge, a case or a plate far more often than anything a
//! reader needs. Writers cue these in endless ways ("pomorska knjižica
//! br.", "Ausweis", "kartu pelaut", a table's column), so the cue lists
//! of [`crate::documents`] cannot reach them all; the shape can.
//!
//! What looks like a code and is not one stays: indicators (the guard
//! holds hashes, wallets, URLs, file names, domains, CVE ids), dates,
//! times, coordinates, version numbers, quantities with their unit,
//! money, ports, ATT&CK and KB ids, container numbers, standards, and
//! equipment models after their maker or kind ("Furuno FAR-2127",
//! "ECDIS FMD-3300"). When in doubt it removes: the reporter sees the
//! preview.

use std::sync::LazyLock;

use regex::Regex;

use crate::Kind;
use crate::text::{Candidate, Intervals, next_char, prev_char};

/// Letters and digits joined by `-`, `/`, `.` or `_`, in the scripts
/// documents are written in.
static TOKEN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-zÀ-žΑ-ωА-яЁёЄєІіЇїҐґ0-9]+(?:[-/._][A-Za-zÀ-žΑ-ωА-яЁёЄєІіЇїҐґ0-9]+)*")
        .expect("code token pattern compiles")
});

/// A short capital prefix, a space and a number: the way passports,
/// seaman's books and ID cards are often written ("AYL 482915", "C
/// 5518230", "ΠΕ 041287", "АВ 512774").
static PREFIXED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)([A-ZΑ-ΩА-ЯЁЄІЇҐ]{1,3})[ ](\d{5,9})(?-u:\b)")
        .expect("prefixed number pattern compiles")
});

/// Prefixes of quantities, money, times and references that are no
/// one's: after them a number is an amount unless it starts with a zero.
const NOT_A_PREFIX: &[&str] = &[
    "USD", "EUR", "GBP", "NOK", "DKK", "SEK", "CHF", "JPY", "CNY", "RMB", "INR", "PHP", "IDR",
    "SGD", "HKD", "AED", "SAR", "TRY", "PLN", "RUB", "UAH", "NGN", "GHS", "BRL", "MXN", "CLP",
    "KRW", "VND", "EGP", "ZAR", "US", "RS", "MT", "MTS", "KG", "GT", "NT", "NM", "KM", "HP", "KW",
    "BAR", "DWT", "TEU", "BBL", "CBM", "IMO", "KB", "PO", "INV", "SO", "TEL", "FAX", "MOB", "PH",
    "TLX", "ETA", "ETD", "UTC", "LT", "DTG", "AT", "ON", "BY", "TO", "IN", "OF", "FM", "FR", "VHF",
    "CH", "RPM", "ALT", "FL", "Q", "H", "X", "N", "S", "E", "W", "NO", "NR", "REF",
];

/// Shapes of tokens that are not anyone's number.
static NOT_A_CODE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)^(?:
          [vV]?\d+(?:\.\d+)+(?:[-._]?[A-Za-z0-9]+)?      # versions: 9.4.2, 1.0.3b, 9.4.2-rc1
         |\d+(?:[.,]\d+)?[A-Za-zµ°]{1,4}                  # quantities: 27.6m, 200HP, 21st, 3x
         |\d{1,2}h\d{2}m?|\d+h\d+m|\d+m\d+s               # durations and times: 02h40, 2h40m
         |\d{1,3}-\d{1,2}(?:\.\d+)?[NSEWnsew]             # coordinates: 12-01.4S
         |(?i:tcp|udp|port|icmp)/\d+                      # ports
         |(?i:cve|cwe|kb|sha|md|crc|aes|tls|ssl|utf|iso|iec|imo)[-_/.]?\d.*   # ids of standards and algorithms
         |(?i:apt\d{1,3}|ta\d{3}|unc\d{3,5}|fin\d{1,2}|(?:storm|dev|uac)-\d{4})  # threat actors
         |(?i:q[1-4]|h[12]|fy)[-/]?\d{2,4}                # quarters and years
         |T\d{4}(?:\.\d{3})?                              # ATT&CK techniques
         |[A-Z]{3}[UJZ]\d{6,7}                            # ISO 6346 containers
         |(?:USD|EUR|GBP|NOK|DKK|SEK|CHF|JPY|CNY|RMB|INR|PHP|IDR|SGD|HKD|AED|SAR|TRY|PLN|RUB|UAH|NGN|GHS|BRL|MXN|CLP|KRW|VND|EGP|ZAR|US)\d.*
         |[A-Za-z]+\d{1,2}|\d{1,2}[A-Za-z]+                # short mixes: Win10, x64, 5G, 3D
         |(?i:inv|invoice|po|so|ord|order)[-_/.]?\d.*    # invoices and orders name a transaction
         |(?:WIN|DESKTOP|LAPTOP)-[A-Z0-9]{6,15}           # Windows' default host names
        )$",
    )
    .expect("not-a-code pattern compiles")
});

/// Words before a model number: makers and kinds of equipment or
/// software.
const MODEL_BEFORE: &[&str] = &[
    "model",
    "type",
    "firmware",
    "version",
    "ver",
    "release",
    "build",
    "series",
    "ecdis",
    "radar",
    "vdr",
    "gps",
    "gnss",
    "ais",
    "plc",
    "hmi",
    "scada",
    "router",
    "modem",
    "switch",
    "firewall",
    "terminal",
    "receiver",
    "furuno",
    "jrc",
    "kongsberg",
    "wartsila",
    "wärtsilä",
    "transas",
    "sperry",
    "raytheon",
    "anschütz",
    "anschutz",
    "kelvin",
    "hughes",
    "simrad",
    "garmin",
    "siemens",
    "schneider",
    "rockwell",
    "abb",
    "honeywell",
    "yokogawa",
    "mitsubishi",
    "omron",
    "cisco",
    "fortinet",
    "fortigate",
    "sophos",
    "palo",
    "juniper",
    "mikrotik",
    "ubiquiti",
    "cobham",
    "sailor",
    "intellian",
    "kvh",
    "iridium",
    "inmarsat",
    "thuraya",
    "starlink",
    "fleet",
    "fbb",
    "vsat",
    "windows",
    "server",
    "office",
    "ios",
    "android",
    "boeing",
    "airbus",
    "iphone",
    "galaxy",
    "thinkpad",
    "dell",
    "hp",
    "lenovo",
    "intel",
    "core",
    "ryzen",
    "s7",
];

/// Adds the codes in `text` that no other detector took and the guard
/// does not hold.
pub(crate) fn detect(text: &str, guard: &Intervals, taken: &Intervals, out: &mut Vec<Candidate>) {
    for m in TOKEN.find_iter(text) {
        let (start, end) = (m.start(), m.end());
        if !set_off(text, start, end) {
            continue;
        }
        let token = m.as_str();
        if !looks_like_code(token)
            || guard.overlaps(start, end)
            || taken.overlaps(start, end)
            || after_model_word(&text[..start])
        {
            continue;
        }
        out.push(Candidate::new(start, end, Kind::IdNumber));
    }
}

/// Adds the prefixed numbers no other detector took.
pub(crate) fn prefixed(text: &str, guard: &Intervals, taken: &Intervals, out: &mut Vec<Candidate>) {
    for c in PREFIXED.captures_iter(text) {
        let (Some(whole), Some(prefix), Some(number)) = (c.get(0), c.get(1), c.get(2)) else {
            continue;
        };
        let (start, end) = (whole.start(), whole.end());
        let amount = NOT_A_PREFIX.contains(&prefix.as_str()) && !number.as_str().starts_with('0');
        let unit_after = UNIT_AFTER.is_match(&text[end..]);
        if amount
            || unit_after
            || !set_off(text, start, end)
            || guard.overlaps(start, end)
            || taken.overlaps(start, end)
        {
            continue;
        }
        out.push(Candidate::new(start, end, Kind::IdNumber));
    }
}

/// A unit or a time zone after a number: it was a quantity or a time.
static UNIT_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[ ]?(?i:lt|utc|z|gmt|hrs?|h|mt|kg|t|nm|km|m|usd|eur|kn|kts|rpm|bar)(?-u:\b)")
        .expect("unit-after pattern compiles")
});

/// Three digits or more, five characters or more, and letters or the
/// shape of a number and its year (`447/2024`).
fn looks_like_code(token: &str) -> bool {
    let digits = token.chars().filter(char::is_ascii_digit).count();
    let letters = token.chars().filter(|c| c.is_alphabetic()).count();
    // A run of lower-case letters makes a word of it: a name with a
    // number (`NoName057`, `LockBit3`), a host (`ecr123`), a file.
    let wordy = token
        .split(|c: char| !c.is_lowercase())
        .any(|run| run.chars().count() >= 3);
    if digits < 3 || token.chars().count() < 5 || wordy || NOT_A_CODE.is_match(token) {
        return false;
    }
    if letters > 0 {
        return true;
    }
    NUMBER_AND_YEAR.is_match(token)
}

/// A case number and its year, either way round.
static NUMBER_AND_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:\d{1,7}/(?:19|20)\d{2}|(?:19|20)\d{2}/\d{3,7}|\d{2,6}/\d{3,6}/\d{2,4})$")
        .expect("number and year pattern compiles")
});

/// Is the word before a maker's name or a kind of equipment?
fn after_model_word(before: &str) -> bool {
    let word = crate::text::last_word(before.trim_end_matches([' ', ':', '(', '-'])).to_lowercase();
    MODEL_BEFORE.contains(&word.as_str())
}

/// A login's shape: lower-case letters and digits joined by dots or
/// underscores (`f.alhashimi`, `tech.supt1`, `dirk_h`, `svc_backup`).
static LOGIN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[a-z][a-z0-9]*(?:[._][a-z0-9]+)+|[a-z]{2,}admin\d*")
        .expect("login pattern compiles")
});

/// Abbreviations written like a login: "e.g", "bl.a", "ph.d".
const ABBREVIATIONS: &[&str] = &[
    "e.g", "i.e", "a.m", "p.m", "ph.d", "bl.a", "u.a", "z.b", "d.h", "n.b", "o.k", "et.al",
];

/// File extensions: `autorun.inf`, `client32.ini` are files, not logins.
const EXTENSIONS: &[&str] = &[
    "exe", "dll", "sys", "drv", "bat", "cmd", "ps1", "psm1", "vbs", "vbe", "js", "jse", "wsf",
    "hta", "lnk", "scr", "pif", "msi", "msp", "cpl", "jar", "py", "pyc", "pl", "rb", "sh", "php",
    "asp", "aspx", "jsp", "cgi", "inf", "ini", "cfg", "conf", "config", "json", "xml", "yml",
    "yaml", "toml", "dat", "db", "sqlite", "log", "txt", "csv", "tsv", "md", "rtf", "doc", "docx",
    "docm", "xls", "xlsx", "xlsm", "ppt", "pptx", "pdf", "odt", "ods", "zip", "rar", "7z", "gz",
    "tgz", "tar", "bz2", "xz", "iso", "img", "vhd", "vhdx", "bin", "hex", "elf", "so", "apk",
    "dmg", "pkg", "deb", "rpm", "png", "jpg", "jpeg", "gif", "bmp", "svg", "ico", "mp3", "mp4",
    "avi", "mov", "wav", "html", "htm", "css", "eml", "msg", "pst", "ost", "one", "url", "tmp",
    "bak", "old", "cab", "key", "pem", "crt", "cer", "pfx", "ovpn", "rdp", "kdbx", "onion",
];

/// Top-level domains: a dotted token that ends in one is a domain name,
/// which may be the attacker's (`mega.nz`, `pool.supportxmr`).
#[rustfmt::skip]
const TOP_LEVEL: &[&str] = &[
    "ac", "ad", "ae", "af", "ag", "ai", "al", "am", "ao", "aq", "ar", "as", "at", "au", "aw", "ax",
    "az", "ba", "bb", "bd", "be", "bf", "bg", "bh", "bi", "bj", "bm", "bn", "bo", "br", "bs", "bt",
    "bw", "by", "bz", "ca", "cc", "cd", "cf", "cg", "ch", "ci", "ck", "cl", "cm", "cn", "co", "cr",
    "cu", "cv", "cw", "cx", "cy", "cz", "de", "dj", "dk", "dm", "do", "dz", "ec", "ee", "eg", "er",
    "es", "et", "eu", "fi", "fj", "fk", "fm", "fo", "fr", "ga", "gd", "ge", "gf", "gg", "gh", "gi",
    "gl", "gm", "gn", "gp", "gq", "gr", "gs", "gt", "gu", "gw", "gy", "hk", "hm", "hn", "hr", "ht",
    "hu", "id", "ie", "il", "im", "in", "io", "iq", "ir", "is", "it", "je", "jm", "jo", "jp", "ke",
    "kg", "kh", "ki", "km", "kn", "kp", "kr", "kw", "ky", "kz", "la", "lb", "lc", "li", "lk", "lr",
    "ls", "lt", "lu", "lv", "ly", "ma", "mc", "md", "me", "mg", "mh", "mk", "ml", "mm", "mn", "mo",
    "mp", "mq", "mr", "ms", "mt", "mu", "mv", "mw", "mx", "my", "mz", "na", "nc", "ne", "nf", "ng",
    "ni", "nl", "no", "np", "nr", "nu", "nz", "om", "pa", "pe", "pf", "pg", "ph", "pk", "pl", "pm",
    "pn", "pr", "ps", "pt", "pw", "py", "qa", "re", "ro", "rs", "ru", "rw", "sa", "sb", "sc", "sd",
    "se", "sg", "sh", "si", "sk", "sl", "sm", "sn", "so", "sr", "ss", "st", "su", "sv", "sx", "sy",
    "sz", "tc", "td", "tf", "tg", "th", "tj", "tk", "tl", "tm", "tn", "to", "tr", "tt", "tv", "tw",
    "tz", "ua", "ug", "uk", "us", "uy", "uz", "va", "vc", "ve", "vg", "vi", "vn", "vu", "wf", "ws",
    "ye", "yt", "za", "zm", "zw", "com", "net", "org", "info", "biz", "app", "dev", "xyz", "top", "site", "online",
    "shop", "store", "live", "cloud", "tech", "pro", "club", "work", "link", "click", "space", "website", "world", "today", "email", "support",
    "services", "group", "network", "digital", "icu", "buzz", "monster", "rest", "cyou", "sbs", "cfd", "quest", "bond", "lol", "fun", "best",
    "life", "gov", "edu", "mil", "int", "local", "lan", "corp", "internal", "home", "intranet",
    "example", "test", "invalid", "localhost",
];

/// Words after which a login-shaped token is something else: a
/// parameter, a process, a tool.
const NOT_A_LOGIN_AFTER: &[&str] = &[
    "parameter",
    "parametr",
    "param",
    "parámetro",
    "parametro",
    "field",
    "variable",
    "function",
    "column",
    "table",
    "process",
    "module",
    "script",
    "tool",
    "binary",
    "payload",
    "malware",
    "ransomware",
    "backdoor",
    "implant",
    "loader",
    "dropper",
    "stealer",
    "campaign",
    "family",
    "extension",
    "key",
    "value",
    "method",
    "endpoint",
    "cookie",
    "header",
    "argument",
    "flag",
    "task",
    "mutex",
    "named",
    "called",
    "dubbed",
    "pipe",
    "registry",
    "persistence",
    "scheduled",
];

/// Adds tokens shaped like a login that no other detector took and the
/// guard (domains, files, addresses) does not hold.
pub(crate) fn logins(text: &str, guard: &Intervals, taken: &Intervals, out: &mut Vec<Candidate>) {
    for m in LOGIN.find_iter(text) {
        let (start, end) = (m.start(), m.end());
        if !set_off(text, start, end) || guard.overlaps(start, end) || taken.overlaps(start, end) {
            continue;
        }
        let token = m.as_str();
        let parts: Vec<&str> = token.split(['.', '_']).collect();
        let last = parts.last().copied().unwrap_or("");
        // "cmsadmin", "engadmin": an admin account; "sysadmin" is a job.
        if !token.contains(['.', '_']) {
            if !matches!(token, "sysadmin" | "webadmin" | "netadmin") {
                out.push(Candidate::new(start, end, Kind::Account));
            }
            continue;
        }
        let dotted = token.contains('.');
        let word_before =
            crate::text::last_word(text[..start].trim_end_matches([' ', '"', '\'', ':', '=']))
                .to_lowercase();
        // Three dotted parts or a port after it: a host name
        // (`gulf.moneroocean.stream:10128`), which may be the attacker's.
        let host_like = token.matches('.').count() >= 2
            || (text[end..].starts_with(':')
                && text[end + 1..].starts_with(|c: char| c.is_ascii_digit()));
        if ABBREVIATIONS.contains(&token)
            || host_like
            || (dotted && TOP_LEVEL.contains(&last))
            || NOT_A_LOGIN_AFTER.contains(&word_before.as_str())
            || EXTENSIONS.contains(&last)
            || parts.iter().all(|p| p.chars().count() <= 1)
            // "no.2", "rev.12": a number after an abbreviation.
            || last.bytes().all(|b| b.is_ascii_digit())
            // "bl.a", "u.s": an abbreviation's last letter.
            || (dotted && last.len() == 1)
            // "smtp.mailfrom", "header.from": fields of mail headers.
            || (dotted && matches!(parts[0], "smtp" | "header" | "policy" | "spf" | "dkim" | "dmarc"))
        {
            continue;
        }
        out.push(Candidate::new(start, end, Kind::Account));
    }
}

/// Is `start..end` a whole token, set off by space or plain punctuation?
/// Not the tail of an address, a path, a unit or a placeholder's
/// neighbour (which would make a second pass find more).
fn set_off(text: &str, start: usize, end: usize) -> bool {
    let opens = |c: char| c.is_whitespace() || "(\"':,;«“‘*•<=".contains(c);
    let closes = |c: char| c.is_whitespace() || ")\"':,;»”’*>!?".contains(c);
    let after = &text[end..];
    let ends_sentence =
        after.starts_with('.') && after[1..].chars().next().is_none_or(char::is_whitespace);
    prev_char(text, start).is_none_or(opens)
        && (next_char(text, end).is_none_or(closes) || ends_sentence)
}

#[cfg(test)]
mod tests {
    use super::looks_like_code;

    #[test]
    fn codes_and_look_alikes() {
        for code in [
            "P3310472C",
            "HBG-SEC-3310",
            "FE123456",
            "447/2024",
            "FV_2024_06_118",
            "9W-22815",
            "C4HXK7L29",
        ] {
            assert!(looks_like_code(code), "{code}");
        }
        for not in [
            "9.4.2",
            "27.6m",
            "200HP",
            "02h40",
            "12-01.4S",
            "tcp/3389",
            "T1566",
            "KB5034441",
            "MSCU1234567",
            "USD30000",
            "Win10",
            "2024",
            "0600-0945",
            "1,200",
            "IMO2020",
            "CVE-2024-1709",
            "ISO27001",
        ] {
            assert!(!looks_like_code(not), "{not}");
        }
    }
}
