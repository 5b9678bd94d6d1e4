//! Spans that look like numbers or codes but identify no one: indicators of
//! compromise (hashes, CVE ids, wallets, URLs, IP addresses), dates, times,
//! coordinates and version numbers. The weak, shape-based detectors (phone
//! numbers, cue-introduced host names and call signs) never touch them.
//!
//! Strong detectors ignore this list on purpose: a private IP inside a URL,
//! or a member's domain in one, is still removed.

use std::sync::LazyLock;

use regex::Regex;

use crate::text::{Intervals, prev_char};

static FIXED: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    [
        // URLs, also defanged (hxxp, [://], [.]).
        r#"(?i)(?-u:\b)(?:https?|hxxps?|ftps?|sftp|wss?|smb|file)(?:://|\[://\]|\[:\]//)[^\s<>"']+"#,
        // Hex digests and other long hex strings (MD5 is 32, SHA-512 128).
        r"(?-u:\b)[0-9A-Fa-f]{16,}(?-u:\b)",
        // Vulnerability and advisory ids.
        r"(?i)(?-u:\b)CVE-\d{4}-\d{4,8}(?-u:\b)",
        r"(?i)(?-u:\b)GHSA(?:-[0-9a-z]{4}){3}(?-u:\b)",
        r"(?-u:\b)MS\d{2}-\d{3}(?-u:\b)",
        // Wallets: Bitcoin base58 and bech32, Ethereum, Monero, Tron.
        r"(?-u:\b)[13][a-km-zA-HJ-NP-Z1-9]{25,34}(?-u:\b)",
        r"(?i)(?-u:\b)(?:bc1|tb1|ltc1)[a-z0-9]{25,87}(?-u:\b)",
        r"(?-u:\b)0x[0-9a-fA-F]{40}(?-u:\b)",
        r"(?-u:\b)[48][0-9AB][1-9A-HJ-NP-Za-km-z]{93}(?-u:\b)",
        r"(?-u:\b)T[1-9A-HJ-NP-Za-km-z]{33}(?-u:\b)",
        // A user agent, quoted or to the end of the line.
        r#"(?-u:\b)(?:(?:(?i:user-agent)\s*[:=]?|UA\s*[:=])\s*(?:"[^"\n]{1,200}"|[^\s"][^\n,;]{0,120})|UA\s+"[^"\n]{1,200}")"#,
        // AIS sentences: the payload is armoured data, not words.
        r"![A-Z]{2}VD[MO],[^\s]*",
        // Electronic chart cells (S-57): NO4D0614.000.
        r"(?-u:\b)[A-Z0-9]{2}[1-6][A-Z0-9]{5}\.\d{3}(?-u:\b)",
        // Any longer base58 run: keys and wallets of other chains.
        r"(?-u:\b)[1-9A-HJ-NP-Za-km-z]{40,}(?-u:\b)",
        // Ransomware extensions with the victim id and the contact:
        // .id[8A2F13C7-3520].[decrypt@tutanota.com].eking
        r"\.id[-\[][0-9A-Fa-f]{8}(?:-\d{4})?\]?\.\[[^\]\s]+\]\.\w+",
        // ISO timestamps.
        r"(?-u:\b)\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?",
        // Times, with seconds and fractions, and four-digit watch times.
        r"(?-u:\b)\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?(?-u:\b)",
        r"(?i)(?-u:\b)\d{4}\s?(?:UTC|GMT|LT|SMT|Z|hrs|hours|h)(?-u:\b)",
        // Coordinates: degrees and minutes, decimal degrees, NMEA ddmm.mm.
        r#"\d{1,3}\s?°\s?(?:\d{1,2}(?:[.,]\d+)?\s?['′]?\s?)?(?:\d{1,2}(?:[.,]\d+)?\s?["″])?\s?[NSEWnsew]?"#,
        r"-?(?-u:\b)\d{1,3}[.,]\d+\s?°?\s?[NSEW](?-u:\b)",
        r"(?-u:\b)\d{4,5}\.\d+\s?[NSEW](?-u:\b)",
        // Malware names in the vendors' forms: Worm:Win32/Phorpiex,
        // Trojan.GenericKD.1234, HEUR:Trojan.Win32.Agent.
        r"(?-u:\b)(?:HEUR:)?(?:Trojan|TrojanDownloader|TrojanSpy|Worm|Backdoor|Ransom|PWS|HackTool|Exploit|Virus|Spyware|Adware|Behavior|PUA|Win32|Win64|MSIL|Linux|Android|JS|VBS|HTML)[:/.][\w./!:-]+",
        // Threat actors named after animals and weather: Silver Fox,
        // Fancy Bear, Volt Typhoon, Midnight Blizzard.
        r"(?-u:\b)[A-Z][a-z]+ (?:Bear|Panda|Kitten|Spider|Chollima|Typhoon|Blizzard|Sleet|Tempest|Sandstorm|Fox|Jackal|Lynx|Leopard|Tiger|Libra|Scorpius)(?-u:\b)",
        // Port numbers.
        r"(?i)(?-u:\b)ports?\s+\d{1,5}(?:\s*(?:,|and|/)\s*\d{1,5})*(?-u:\b)",
    ]
    .into_iter()
    .map(|p| Regex::new(p).expect("protected pattern compiles"))
    .collect()
});

/// Dates in the common orders; kept only when they stand alone (not
/// inside `01.23.45.67.89`).
static DATES: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    [
        r"(?-u:\b)\d{4}[-/.](?:0?[1-9]|1[0-2])[-/.](?:0?[1-9]|[12]\d|3[01])(?-u:\b)",
        r"(?-u:\b)(?:0?[1-9]|[12]\d|3[01])[-/.](?:0?[1-9]|[12]\d|3[01])[-/.](?:19\d{2}|20\d{2}|\d{2})(?-u:\b)",
    ]
    .into_iter()
    .map(|p| Regex::new(p).expect("date pattern compiles"))
    .collect()
});

/// Dotted numbers: version numbers (`10.2.3`, `v4.1`) and decimals. Kept
/// unless they have the shape of a dotted phone number (`555.123.4567`).
static DOTTED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)[vV]?\d+(?:\.\d+)+(?-u:\b)").expect("dotted pattern compiles")
});

/// Every protected span in `text`, plus `more` (the IP addresses the IP
/// detector found, public or private).
pub(crate) fn spans(text: &str, more: &[(usize, usize)]) -> Intervals {
    let mut out: Vec<(usize, usize)> = more.to_vec();
    for re in FIXED.iter() {
        out.extend(re.find_iter(text).map(|m| (m.start(), m.end())));
    }
    for re in DATES.iter() {
        for m in re.find_iter(text) {
            if !glued(text, m.start(), m.end()) {
                out.push((m.start(), m.end()));
            }
        }
    }
    for m in DOTTED.find_iter(text) {
        if matches!(prev_char(text, m.start()), Some('+')) {
            continue;
        }
        let s = m.as_str().trim_start_matches(['v', 'V']);
        let parts: Vec<&str> = s.split('.').collect();
        let digits: usize = parts.iter().map(|p| p.len()).sum();
        // A decimal or a short version; "2024.0031877" is a reference.
        let decimal = parts.len() == 2 && parts[1].len() <= 6;
        if decimal || (parts.len() > 2 && digits <= 8) {
            out.push((m.start(), m.end()));
        }
    }
    Intervals::from_unsorted(out)
}

/// Domain names (also defanged) with a common top-level domain, e-mail
/// addresses and file names: where the word-based detectors (companies,
/// addresses, names from lists) must not look, because a look-alike
/// domain or a malware file name is an indicator, not a company.
static TOKENS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)
        (?:[\p{L}\p{N}_%+'.-]+(?:@|\[@\]|\[at\]))?
        (?:[\p{L}\p{N}](?:[\p{L}\p{N}_-]*[\p{L}\p{N}])?(?:\.|\[\.\]|\[dot\]))+
        (?:com|net|org|info|biz|io|co|uk|gr|no|dk|se|fi|de|nl|be|fr|es|it|pt|pl|ru|ua|tr
          |cy|mt|cn|hk|tw|jp|kr|sg|my|id|ph|vn|th|in|pk|bd|lk|ae|sa|qa|om|eg|ng|gh|za|ke
          |br|mx|ar|cl|pa|lr|mh|us|ca|au|nz|eu|ro|bg|hr|lv|lt|ee|is|ie|ch|at|cz|sk|hu|ma|tn
          |online|site|xyz|top|club|shop|store|live|app|cloud|tech|pro|me|cc|tk|ml|ga|cf|gq
          |ws|su|to|ly|gl|onion|i2p|local|lan|internal|corp|intranet|exe|dll|pdf|docx?|xlsx?|xlsm|zip
          |rar|7z|iso|img|lnk|js|vbs|hta|bat|ps1|msi|scr|jar|html?|txt|log|csv|png|jpg|one|svg|xll|dat|tmp|cab|vhdx?)
        (?-u:\b)",
    )
    .expect("token pattern compiles")
});

/// Malware families, tools and threat actors that look like names or
/// words: indicators, so the word-based detectors (people, companies,
/// ships) leave them.
static MALWARE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)(?:Hunters[ ]International|Advanced[ ]IP[ ]Scanner|Medusa[ ]ransomware|Ransomware\.Akira|Royal[ ]ransomware|8Base[ ]ransomware|Scattered[ ]Spider|Snake[ ]Keylogger|Anonymous[ ]Sudan|Raccoon[ ]Stealer|Cuba[ ]ransomware|Play[ ]ransomware|Hive[ ]ransomware|Mystic[ ]Stealer|Atomic[ ]Stealer|Cobalt[ ]Strike|ScreenConnect|TargetCompany|Ragnar[ ]Locker|CobaltStrike|MedusaLocker|Rhadamanthys|RagnarLocker|Vice[ ]Society|ShinyHunters|Agent[ ]Tesla|Brute[ ]Ratel|ConnectWise|Black[ ]Basta|SmokeLoader|Latrodectus|Industroyer|BlackEnergy|Warzone[ ]RAT|Grandoreiro|Meterpreter|secretsdump|FakeUpdates|BlackMatter|PureCrypter|AgentTesla|Quasar[ ]RAT|TeamViewer|Sodinokibi|BlackBasta|SocGholish|Tycoon[ ]2FA|LockerGoga|WarzoneRAT|Gootloader|GootLoader|BloodHound|SharpHound|Metasploit|MuddyWater|INC[ ]Ransom|Black[ ]Hunt|RemcosRAT|DarkComet|QuasarRAT|FileZilla|BlackSuit|RansomHub|Bumblebee|EvilProxy|ShadowPad|Conficker|Ave[ ]Maria|NoName057|Gamaredon|ClearFake|BlackByte|Venom[ ]RAT|TrickBot|Trickbot|Formbook|FormBook|AsyncRAT|NanoCore|Mimikatz|MEGAsync|BlackCat|NoEscape|BianLian|NotPetya|WannaCry|GandCrab|GuLoader|DarkGate|Evilginx|Hancitor|Glupteba|Impacket|Sandworm|DarkSide|PureLogs|VenomRAT|Nanocore|LummaC2|RedLine|XLoader|AnyDesk|LockBit|Rhysida|Trigona|Pikabot|Kinsing|Stuxnet|Gamarue|Zloader|ZLoader|NetWire|LokiBot|Azorult|AZORult|HawkEye|Mekotio|Killnet|Kimsuky|UPSTYLE|RisePro|Nefilim|Avaddon|Lapsus\$|Emotet|Qakbot|QakBot|IcedID|Dridex|Ursnif|Remcos|PsExec|Rclone|WinSCP|Amadey|Gafgyt|Sality|Ramnit|Necurs|STRRAT|Rubeus|AdFind|DDoSia|OilRig|StealC|Stealc|Mallox|Ramcos|Dtrack|Lumma|njRAT|ALPHV|REvil|8Base|XMRig|PlugX|Havex|EKANS|ngrok|Ngrok|Turla|Xworm|XWorm|DCRat|DcRat|QBot|Gozi|Ryuk|Cl0p|Djvu)(?-u:\b)").expect("malware names compile")
});

/// Names of malware that are also people's, ships' or gods' names
/// ("Akira", "Vidar", "Triton"): guarded only with a word of malware
/// beside them ("Akira ransomware", "Andromeda / Gamarue USB worm").
static MALWARE_IN_CONTEXT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)(?:Andromeda|Nitrogen|Karakurt|Tortilla|Egregor|Lazarus|Raccoon|Sliver|Phobos|Dharma|Triton|Trisis|Chisel|Cerber|Vidar|Atera|Akira|Conti|Qilin|Babuk|Mirai|Plink|Havoc|Clop|GOST|Maze)(?:[ ]?(?:/[ ]?\w+[ ])?(?i:ransomware|malware|stealer|infostealer|rat|worm|trojan|loader|botnet|backdoor|implant|beacon|c2|miner|variant|family|payload|kit|group|gang|affiliate|usb)(?-u:\b)|\.exe)").expect("malware names compile")
});

/// [`spans`] plus domain names, e-mail addresses and file names: the
/// guard of the word-based detectors.
pub(crate) fn word_guard(text: &str, protected: &Intervals) -> Intervals {
    let mut out = protected.spans().to_vec();
    out.extend(TOKENS.find_iter(text).map(|m| (m.start(), m.end())));
    out.extend(MALWARE.find_iter(text).map(|m| (m.start(), m.end())));
    out.extend(
        MALWARE_IN_CONTEXT
            .find_iter(text)
            .map(|m| (m.start(), m.end())),
    );
    Intervals::from_unsorted(out)
}

/// Is `[start, end)` continued by `[.-/]` and a digit on either side?
fn glued(text: &str, start: usize, end: usize) -> bool {
    let before = &text.as_bytes()[..start];
    let after = &text.as_bytes()[end..];
    let sep = |b: u8| matches!(b, b'.' | b'-' | b'/');
    (before.len() >= 2
        && sep(before[before.len() - 1])
        && before[before.len() - 2].is_ascii_digit())
        || (after.len() >= 2 && sep(after[0]) && after[1].is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn protected(text: &str, needle: &str) -> bool {
        let iv = spans(text, &[]);
        let s = text.find(needle).expect("needle in text");
        iv.contains(s, s + needle.len())
    }

    #[test]
    fn iocs_and_numbers_are_protected() {
        let t = "at 2024-05-17 14:32 UTC hash d41d8cd98f00b204e9800998ecf8427e \
                 CVE-2023-1234 pos 12°34.5'N version 10.2.3 LockBit 3.0 \
                 wallet bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq https://evil.example/a/0207946";
        for n in [
            "2024-05-17",
            "14:32",
            "d41d8cd98f00b204e9800998ecf8427e",
            "CVE-2023-1234",
            "12°34.5'N",
            "10.2.3",
            "3.0",
            "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
            "https://evil.example/a/0207946",
        ] {
            assert!(protected(t, n), "{n} should be protected");
        }
    }

    #[test]
    fn dotted_phone_is_not_protected() {
        let t = "call 555.123.4567 now";
        let iv = spans(t, &[]);
        assert!(!iv.overlaps(5, 17));
    }
}
