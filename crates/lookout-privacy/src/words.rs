//! Word lists that keep the cue-based detectors from reading ordinary words,
//! ranks, acronyms and malware families as names.

use std::collections::HashSet;
use std::sync::LazyLock;

/// Capitalised words that are not names, in lower case: function words,
/// days, ranks and titles, ship and IT vocabulary, malware.
#[rustfmt::skip]
const STOP: &[&str] = &[
    // function words and sentence starters
    "a", "about", "after", "all", "also", "an", "and", "any", "are", "as", "at", "be", "been",
    "before", "both", "but", "by", "during", "each", "for", "from", "had", "has", "have", "he",
    "her", "here", "his", "how", "i", "if", "in", "into", "is", "it", "its", "no", "not", "note",
    "of", "on", "once", "only", "or", "our", "please", "she", "so", "some", "that", "the", "their",
    "then", "there", "these", "they", "this", "those", "to", "upon", "was", "we", "were", "what",
    "when", "where", "which", "while", "who", "why", "with", "yes", "you", "your", "later",
    "shortly", "immediately", "reported", "confirmed", "noticed", "said", "says", "asked", "called",
    "found", "saw", "sent", "received", "opened", "clicked", "informed", "contacted", "onboard",
    "aboard", "ashore", "himself", "herself", "today", "yesterday", "tonight", "unknown", "none",
    "n/a", "tbc", "ok", "dear", "hello", "hi", "regards", "rgds", "thanks", "sirs", "madam",
    "colleagues",
    // days (months are also first names: see CALENDAR)
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    // ranks and titles (a title after a title is not a name)
    "captain", "capt", "master", "chief", "officer", "engineer", "mate", "first", "second", "third",
    "fourth", "bosun", "boatswain", "cadet", "pilot", "superintendent", "supt", "eto", "cso", "sso",
    "dpa", "oow", "mr", "mrs", "ms", "miss", "dr", "prof", "sir", "seaman", "oiler", "fitter",
    "cook", "steward", "motorman", "wiper", "crew", "crewmember", "manager", "director", "operator",
    "technician", "agent", "mariner", "deck", "engine", "electrical", "radio", "security",
    "company", "designated", "person", "duty", "watch", "staff",
    // ship, port and IT vocabulary
    "boot", "record", "key", "file", "files", "table", "password", "passwords", "server", "data",
    "control", "node", "web", "word", "excel", "office", "outlook", "teams", "exchange", "windows",
    "linux", "unix", "mac", "macos", "android", "ios", "laptop", "desktop", "station", "ladder",
    "boarding", "boat", "launch", "room", "bridge", "console", "system", "systems", "network",
    "vessel", "ship", "port", "starboard", "cargo", "ballast", "terminal", "harbour", "harbor",
    "anchorage", "berth", "quay", "agency", "ltd", "inc", "llc", "plc", "gmbh", "group", "team",
    "department", "head", "account", "accounts", "finance", "payment", "invoice", "email", "mail",
    "message", "link", "attachment", "update", "patch", "antivirus", "firewall", "router", "switch",
    "cloud", "admin", "administrator", "user", "users", "support", "service", "services",
    "helpdesk", "desk", "incident", "report", "alarm", "alert", "log", "logs", "chart", "charts",
    "position", "course", "speed", "heading", "sea", "ocean", "gulf", "strait", "channel", "north",
    "south", "east", "west", "ransomware", "malware", "phishing", "trojan", "virus", "worm",
    "backdoor", "keylogger", "stealer", "loader", "rat", "botnet", "beacon", "implant", "exploit",
    "payload", "dropper", "defender", "sophos", "kaspersky", "symantec", "crowdstrike",
    "sentinelone", "eset", "microsoft", "google", "apple", "amazon", "cisco", "fortinet",
    "starlink", "inmarsat", "iridium", "fleet", "fleetbroadband", "kvh", "marlink", "speedcast",
    "telegram", "whatsapp", "signal", "viber", "skype", "zoom", "dropbox", "onedrive", "sharepoint",
    "teamviewer", "anydesk", "putty", "chrome", "firefox", "edge", "internet", "explorer",
    "powershell", "cmd", "python", "java", "adobe", "acrobat", "reader", "pdf", "zip", "rar", "iso",
    // malware families and tools
    "tesla", "emotet", "trickbot", "qakbot", "qbot", "lockbit", "ryuk", "conti", "revil",
    "sodinokibi", "wannacry", "notpetya", "petya", "blackcat", "alphv", "hive", "clop", "cl0p",
    "akira", "play", "royal", "blackbasta", "maze", "egregor", "dridex", "icedid", "formbook",
    "lokibot", "remcos", "njrat", "asyncrat", "redline", "raccoon", "vidar", "cobalt", "strike",
    "mimikatz", "metasploit", "sliver", "havoc", "bumblebee", "pikabot", "darkgate", "agenttesla",
    "snake", "guloader", "smokeloader", "amadey", "medusa", "rhysida", "ragnar", "babuk", "phobos",
    "dharma", "stop", "djvu", "mirai", "industroyer", "triton", "stuxnet",
];

/// Upper-case acronyms that follow ranks, prefixes and host cues in
/// incident text but are neither names nor hosts.
#[rustfmt::skip]
const ACRONYMS: &[&str] = &[
    "ECDIS", "VSAT", "AIS", "GPS", "GNSS", "GLONASS", "USB", "IT", "OT", "ICS", "SCADA", "PLC",
    "HMI", "VDR", "BNWAS", "RADAR", "ARPA", "GMDSS", "DSC", "VHF", "MF", "HF", "NAVTEX", "EPIRB",
    "SART", "LRIT", "SSAS", "INS", "IBS", "AMS", "IAS", "PMS", "ECR", "CCR", "ECU", "VPN", "RDP",
    "SMB", "SSH", "FTP", "HTTP", "HTTPS", "DNS", "DHCP", "IP", "TCP", "UDP", "LAN", "WAN", "WIFI",
    "WLAN", "SMS", "VOIP", "PBX", "CEO", "CFO", "CTO", "CIO", "CISO", "DPA", "CSO", "SSO", "ETO",
    "OOW", "IMO", "MMSI", "ISM", "ISPS", "SOLAS", "MARPOL", "STCW", "IACS", "BIMCO", "CERT",
    "CSIRT", "SOC", "NOC", "IOC", "IOCS", "CVE", "APT", "TOR", "SQL", "AD", "DC", "NAS", "SAN",
    "ERP", "CRM", "SAP", "PC", "MV", "MT", "MS", "UTC", "GMT", "LT", "ETA", "ETD", "NM", "KTS",
    "EU", "UK", "USA", "US", "UAE", "NATO", "UKMTO", "MDAT", "MSCHOA", "IMB", "PSC", "VTS", "MRCC",
    "RCC", "SAR", "OK", "NOT", "AND", "THE", "WAS", "DOWN", "UP", "ONLINE", "OFFLINE", "NEW", "OLD",
    "ALL", "ANY", "NONE", "UNKNOWN", "TBC", "NA", "URGENT", "WARNING", "ALERT", "INFO", "NOTE",
    "FYI", "ASAP", "PDF", "ZIP", "RAR", "ISO", "EXE", "DLL", "LNK", "JS", "VBS", "HTA", "DOCX",
    "XLSX", "XLSM", "MSI", "X64", "X86", "ARM", "LTE", "4G", "5G", "3G", "WPA2", "WPA3", "RAM",
    "CPU", "OS", "BIOS", "UEFI", "TPM", "MFA", "2FA", "OTP", "SIM", "ESIM", "IMEI", "IMSI", "SWIFT",
    "IBAN", "BIC", "USD", "EUR", "GBP", "TLP", "CLEAR", "GREEN", "AMBER", "RED", "WHITE", "GNSS",
    "PNT", "LNG", "LPG", "VLCC", "ULCC", "FPSO", "FSRU", "TEU", "DWT", "GT", "IT/OT", "POS", "PCS",
    "TOS", "EDI", "SAT", "SATCOM", "FBB", "KVH", "HTS", "MPLS", "SD-WAN", "NMEA", "SDR", "SIEM",
    "EDR", "XDR", "AV", "MDR", "VLSFO", "ULSFO", "LSFO", "HSFO", "IFO", "HFO", "MGO", "LSMGO",
    "MDO", "ULSD", "CPP", "DPP", "VGO", "LCO", "BDN", "MARPOL", "SOX", "NOX", "EGCS", "BWTS", "CBM",
    "TEU", "FEU", "MTS",
];

fn eq_any(list: &[&str], word: &str) -> bool {
    list.iter().any(|w| w.eq_ignore_ascii_case(word))
}

/// A list as a set of lower-case words: the word detectors ask about
/// every token, several times, so a linear scan of hundreds of entries
/// per question is what made scrubbing slow.
fn set(list: &'static [&'static str]) -> HashSet<String> {
    list.iter().map(|w| w.to_ascii_lowercase()).collect()
}

/// Is `word` (ASCII case ignored) in `set`? Words with no ASCII letter
/// in a list of ASCII words cannot be in it.
fn in_set(set: &HashSet<String>, word: &str) -> bool {
    word.len() <= 40 && set.contains(&word.to_ascii_lowercase())
}

static STOP_SET: LazyLock<HashSet<String>> = LazyLock::new(|| set(STOP));
static CALENDAR_SET: LazyLock<HashSet<String>> = LazyLock::new(|| set(CALENDAR));
static VESSEL_SET: LazyLock<HashSet<String>> = LazyLock::new(|| set(VESSEL_WORDS));
static OPENER_SET: LazyLock<HashSet<String>> = LazyLock::new(|| set(OPENERS));
static ACRONYM_SET: LazyLock<HashSet<String>> = LazyLock::new(|| set(ACRONYMS));

/// Is `word` (any case, possessive dropped) an ordinary word, rank or
/// product rather than a name?
pub(crate) fn is_stop(word: &str) -> bool {
    let w = word
        .strip_suffix("'s")
        .or_else(|| word.strip_suffix("’s"))
        .unwrap_or(word);
    in_set(&STOP_SET, w)
}

/// Months, which are also names ("Jun Reyes", "Jan de Vries", "April"):
/// a stop word only in front of a number (a date).
#[rustfmt::skip]
const CALENDAR: &[&str] = &[
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec",
];

/// Is `word` a month name?
pub(crate) fn is_calendar(word: &str) -> bool {
    in_set(&CALENDAR_SET, word)
}

/// Words in [`STOP`] that are common in ship names ("MV Royal Ocean").
#[rustfmt::skip]
const VESSEL_WORDS: &[&str] = &[
    "ocean", "sea", "north", "south", "east", "west", "gulf", "strait", "channel", "bridge",
    "harbour", "harbor", "fleet", "royal", "captain", "master", "pilot", "signal", "key", "station",
    "launch", "boat", "chief", "first", "second", "third", "cobalt", "snake", "hive", "play",
    "strike", "anchorage", "quay", "berth", "heading", "course", "star", "tesla", "maze", "medusa",
    "phobos", "stop", "edge", "zoom", "miss", "lady", "sir", "princess", "queen", "king", "prince",
];

/// Like [`is_stop`], for the words of a ship's name.
pub(crate) fn is_vessel_stop(word: &str) -> bool {
    is_stop(word) && !in_set(&VESSEL_SET, word)
}

/// The 5,000 most frequent English words, lower case (see
/// `data/SOURCES.md`).
static COMMON: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| include_str!("../data/english.txt").lines().collect());

/// Is `word` (any case) one of the 5,000 most frequent English words?
pub(crate) fn is_common(word: &str) -> bool {
    let lower = word.to_lowercase();
    COMMON.contains(lower.as_str())
}

/// Words that open a sentence, a header or a clause in front of a name
/// and are not part of it.
#[rustfmt::skip]
const OPENERS: &[&str] = &[
    "yesterday", "today", "tomorrow", "tonight", "meanwhile", "subsequently", "however",
    "afterwards", "also", "then", "now", "please", "kindly", "dear", "from", "to", "cc", "bcc",
    "via", "per", "attn", "attention", "re", "fw", "fwd", "subject", "regarding", "contact",
    "contacted", "called", "emailed", "wrote", "told", "paid", "pay", "invoice", "invoices",
    "our", "their", "his", "her", "my", "your", "new", "old", "fake", "real", "genuine", "so",
    "and", "of", "de", "del", "do", "da", "dos", "das", "y", "e", "&", "with", "by", "for", "at",
    "in", "on", "when", "after", "before", "since", "until", "while", "because", "if", "but",
    "or", "as", "that", "this", "these", "those", "a", "an", "the", "messrs", "m/s",
];

/// Is `word` (any case) a sentence or clause opener ([`OPENERS`])?
pub(crate) fn is_opener(word: &str) -> bool {
    in_set(&OPENER_SET, word)
}

/// Is `word` an acronym from incident vocabulary?
pub(crate) fn is_acronym(word: &str) -> bool {
    in_set(&ACRONYM_SET, word)
}

/// Lower-case words that join the parts of a name: "van der Berg".
pub(crate) fn is_particle(word: &str) -> bool {
    matches!(
        word,
        "van"
            | "von"
            | "de"
            | "der"
            | "den"
            | "da"
            | "di"
            | "du"
            | "del"
            | "della"
            | "dela"
            | "la"
            | "le"
            | "bin"
            | "binti"
            | "ibn"
            | "al"
            | "el"
            | "dos"
            | "das"
            | "do"
            | "ter"
            | "ten"
            | "y"
            | "e"
    )
}

/// Domains in `DOMAIN\name` that are Windows built-ins or registry hives.
pub(crate) fn is_builtin_domain(domain: &str) -> bool {
    eq_any(
        &[
            "AUTHORITY",
            "BUILTIN",
            "SERVICE",
            "APPPOOL",
            "HKLM",
            "HKCU",
            "HKCR",
            "HKU",
            "HKCC",
            "HKEY_LOCAL_MACHINE",
            "HKEY_CURRENT_USER",
            "HKEY_USERS",
            "HKEY_CLASSES_ROOT",
            "HKEY_CURRENT_CONFIG",
            "Windows",
            "System32",
            "SysWOW64",
            "Program",
            "ProgramData",
            "AppData",
            "Roaming",
            "Local",
            "LocalLow",
            "Temp",
            "Tmp",
            "Users",
            "Documents",
            "Desktop",
            "Downloads",
            "Microsoft",
            "Software",
            "System",
            "CurrentControlSet",
            "CurrentVersion",
            "Run",
            "RunOnce",
            "Services",
            "Tasks",
            "drivers",
            "etc",
            "Device",
            "GLOBALROOT",
            "Sessions",
            "BaseNamedObjects",
            "Global",
            "PhysicalDrive0",
            "Volume",
            "Window",
            "DWM",
            "UMFD",
            "Font",
            "Public",
            "Default",
            "Prefetch",
            "Startup",
            "Start",
            "Menu",
            "Programs",
            "Fonts",
            "Logs",
            "Config",
            "inetpub",
            "wwwroot",
            "share",
            "shares",
            "data",
        ],
        domain,
    )
}

/// Accounts that belong to no person.
pub(crate) fn is_builtin_account(user: &str) -> bool {
    eq_any(
        &[
            "SYSTEM",
            "LocalSystem",
            "LocalService",
            "NetworkService",
            "TrustedInstaller",
        ],
        user,
    )
}
