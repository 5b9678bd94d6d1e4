//! Whose e-mail address (or phone number) is it? An attacker's address is
//! an indicator the community needs (the fraudster's reply-to, the
//! phishing sender, the look-alike domain, the ransom note's contact), so
//! it stays; anyone else's is removed. When nothing says which, it is
//! removed.
//!
//! Also: once a genuine address is removed, its domain names the company
//! too, so bare mentions of that domain (`www.acme-ship.gr`) go as well.

use std::collections::HashSet;
use std::sync::LazyLock;

use regex::Regex;

use crate::Kind;
use crate::text::{Candidate, Intervals};

/// Words that say the address that follows is the attacker's, in the
/// languages of the trade. Matched case-insensitively in the clause before
/// the address.
static ATTACKER_CUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)reply[- ]?to|return[- ]path|(?-u:\b)(?:spoof|fake|fraud|scam)|attacker|phish|malicious|look[- ]?alike|typo[- ]?squat|impersonat|bogus|forged|forgery|counterfeit|suspicious|threat[- ]actor|adversar|criminal|(?-u:\b)bec(?-u:\b)|parecid|semelhante|similar\s+(?:domain|address)|resembl|mimic|imitat|схож|benzer|ähnlich|lignende|podobn|giống|相似|类似|hacker|ransom|decrypt|readme|read_me|ransom[- ]note|negotiat|extort|leak[- ]?site|forward(?:ing|ed)?(?:[- ]rule)?[^.\n]{0,40}?(?-u:\b)to(?-u:\b)|fwd\s+to|->|(?-u:\b)lure|the\s+outfit|the\s+agency\s+sends|posing|purport|claimed\s+to\s+be|pretend|so-called|unknown\s+sender|external\s+sender|golpista|golpe|estaf|fals[oa]|remitente|desde\s+(?:la\s+dirección|el\s+correo)|correo\s+desde|remetente|αποστολέ|ψεύτικ|ψευδ|απάτ|απατε|διεύθυνση\s+απάντησης|από\s+τη\s+διεύθυνση|отправител|с\s+адреса|з\s+адрес|якобы|фальш|мошен|поддел|похож|шахра|підробл|nadawca|z\s+adresu|fałszyw|oszu|avsender|falsk|svindl|fra\s+adressen|afsender|absender|gefälscht|betrüg|von\s+der\s+adresse|angeblich|gönderen|sahte|oltalama|dolandır|adresten|afzender|vanaf|valse|nep-|oplicht|pošiljatelj|lažn|peke|manloloko|giả\s+mạo|发件|仿冒|攻击者|回复地址|诈骗|钓鱼|假冒|冒充|送信元|差出人|なりすまし|偽|발신|사칭|피싱|contact(?:\s+e-?mail)?\s*(?:on|in)\s+(?:the\s+)?note|appeared\s+to|purported|supposedly|allegedly|ut\s+til\s+å\s+være|rzekomo|supuestamente|aparentemente|sözde|(?:proton|gmail|outlook|hotmail|yahoo|free)[- ]?(?:mail[- ]?)?(?:address|adresse|adres|dirección|endereço|adresa)",
    )
    .expect("attacker cue pattern compiles")
});

/// For phone numbers, only words that name the attacker: a number is
/// "from" or "sent" by anyone.
static PHONE_CUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?-u:\b)(?:fraud|scam|fake|spoof|attacker|impostor|imposter|criminal|extort|caller[- ]id|sender\s+number|phisher|golpista|estafador)|мошен|шахра|fałszyw|oszust|sahte|dolandırıc|απατε|ψεύτικ|诈骗|骗子",
    )
    .expect("phone cue pattern compiles")
});

/// A ransom note or extortion, in the words around a contact address.
static RANSOM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)ransom|decrypt|readme|read_me|recover|restore|note|lösegeld|erpress|выкуп|вымогат|викуп|勒索|赎金|身代金|okup|fidye|λύτρα|rescate|resgate")
        .expect("ransom pattern compiles")
});

/// Words that say only where a message came from ("sent from", "mail
/// from", "sender"): the attacker's address only when a stronger word
/// (fake, phishing, spoofed, ...) stands near; a compromised genuine
/// mailbox is "where the mail came from" too.
static WEAK_CUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)sender|sent\s+from|came\s+from|comes\s+from|mail(?:ed|s)?\s+from|writes\s+from|wrote\s+from|letters?\s+from|e-?mails?\s+from|from\s+the\s+(?:address|domain)|(?:\bfrom|\bfra|\bvon|\bvom|\bvanaf|από|\bот|\bдесь|\bdesde|\bdal|\bfrån)\s+[\x22(<“«]?$|(?:\bfrom|\bde|\bvon|από|\bот)\s+[\x22“«][^\x22”»\n]{1,60}[\x22”»]\s*<$")
    .expect("weak cue pattern compiles")
});

/// A clause that ends in a recipient's preposition: "phishing mail to x".
static RECIPIENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:mail|e-mail|email|message|phishing|lure|sent|send|sends|wrote|delivered|addressed|went)\s+(?:\S+\s+){0,3}?(?:to|an|naar|til|para|à|do|на)\s+[\x22(<“«]?$|(?:rcpt|recipients?|rcpt_to|to_addr|envelope_to)\s*[=:]\s*[<\x22]?$|(?:came\s+in\s+on|came\s+into|landed\s+in|arrived\s+(?:in|at)|received\s+(?:on|at|in)|checking|mailbox(?:es)?|inbox(?:es)?)\s+[\x22(<“«]?$")
        .expect("recipient pattern compiles")
});

/// "not", "no" and their kin right before a cue turn it round: "no
/// look-alike", "kein Spoofing".
static NEGATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:\bno|\bnot|\bgeen|\bkein|\bkeine|\bikke|\bnie|\bне|\bδεν|\bsin|\bnão)[\s,-]+$",
    )
    .expect("negation pattern compiles")
});

/// The last attacker cue in `clause` that no "not" or "no" turns round.
fn last_cue(clause: &str) -> Option<regex::Match<'_>> {
    ATTACKER_CUE
        .find_iter(clause)
        .filter(|m| !NEGATION.is_match(&clause[..m.start()]))
        .last()
}

/// Words that say the address that follows is genuine: the reporter's,
/// a colleague's, a real partner's (also when it was compromised).
static GENUINE_CUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:our|my|own|his|her|their\s+(?:real|genuine)|real|genuine|legitimate|legit|correct|actual|true|proper|usual|regular|compromised|hacked|hijacked|victim|personal|private|echte?n?|richtige|wahre|ekte|riktige|rigtige|echt|prawdziw|gerçek|verdader[oa]|correct[oa]|reales?|legítim[oa]|verdadeir[oa]|official|only|kita|kami|asli|thật|(?:'s|’s|\bour|\bmy|\bhis|\bher|\btheir|\bthe)\s+(?:\w+\s+)?mailbox|gehackt|hackeado|hackeada|zhakowan\w*|hacklendi|vår|vårt|vores|nosso|nossa|nuestro|nuestra|nostro|nostra|reale|vero|único|única|unico|unica|unser|unsere|nasz|nasza|naszej|bizim|onze|ons)\b|наш|наша|наше|σωστ|σωστ|πραγματικ|реальн|настоящ|правильн|справжн|у\s+нас|真实|真正|正确|本物|正しい|진짜|실제",
    )
    .expect("genuine cue pattern compiles")
});

/// Header lines that open a list of indicators; the lines after it, to
/// the next blank line, list the attacker's infrastructure.
static IOC_HEADER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?im)^[^\n]{0,30}(?-u:\b)(?:iocs?|indicators?(?:\s+of\s+compromise)?|observables|ευρήματα|индикатор\w*|wskaźniki|göstergeler|indicadores|indikatorer|指标|失陷指标)(?-u:\b)[^\n:]{0,30}(?::|$)",
    )
    .expect("IoC header pattern compiles")
});

/// Free-mail and anonymous-mail providers: a company writes from its own
/// domain, a fraudster from one of these.
const FREE_MAIL: &[&str] = &[
    "gmail.com",
    "googlemail.com",
    "outlook.com",
    "outlook.in",
    "hotmail.com",
    "live.com",
    "yahoo.com",
    "ymail.com",
    "proton.me",
    "protonmail.com",
    "pm.me",
    "gmx.com",
    "gmx.net",
    "gmx.de",
    "mail.com",
    "accountant.com",
    "mail.ru",
    "inbox.ru",
    "list.ru",
    "bk.ru",
    "yandex.ru",
    "yandex.com",
    "ukr.net",
    "tutanota.com",
    "tutamail.com",
    "tuta.io",
    "onionmail.org",
    "firemail.cc",
    "airmail.cc",
    "cock.li",
    "aol.com",
    "icloud.com",
    "qq.com",
    "163.com",
    "126.com",
    "op.pl",
    "wp.pl",
    "o2.pl",
    "interia.pl",
    "rediffmail.com",
    "zoho.com",
    "mail2world.com",
    "yahoo.co.in",
    "seznam.cz",
    "web.de",
    "libero.it",
    "naver.com",
    "daum.net",
    "sina.com",
    "mailfence.com",
    "guerrillamail.com",
    "yopmail.com",
];

fn free_mail(domain: &str) -> bool {
    let d = domain.to_ascii_lowercase();
    if FREE_MAIL
        .iter()
        .any(|f| d == *f || d.ends_with(&format!(".{f}")))
    {
        return true;
    }
    // The big providers under any country's domain: yahoo.in, outlook.fr.
    let labels: Vec<&str> = d.split('.').collect();
    labels.len() <= 3
        && labels.first().is_some_and(|l| {
            matches!(
                *l,
                "gmail"
                    | "yahoo"
                    | "outlook"
                    | "hotmail"
                    | "live"
                    | "msn"
                    | "gmx"
                    | "yandex"
                    | "proton"
                    | "protonmail"
                    | "rediffmail"
                    | "rambler"
                    | "libero"
                    | "aol"
                    | "icloud"
            )
        })
}

/// The domain of an address as written (also defanged), lower case.
fn domain_of(address: &str) -> Option<String> {
    let a = address
        .replace("[.]", ".")
        .replace("(.)", ".")
        .replace("[dot]", ".")
        .replace("(dot)", ".")
        .replace(" dot ", ".")
        .replace("[@]", "@")
        .replace("[at]", "@")
        .replace("(at)", "@")
        .replace(" at ", "@");
    let (_, d) = a.rsplit_once('@')?;
    let d: String = d.chars().filter(|c| !c.is_whitespace()).collect();
    (!d.is_empty()).then(|| d.to_lowercase())
}

/// The part of a domain a look-alike imitates: the labels left of the
/// public suffix, joined, without hyphens, with digit look-alikes read
/// as letters.
fn stem(domain: &str) -> String {
    let labels: Vec<&str> = domain.split('.').collect();
    labels[..owned_labels(&labels)]
        .iter()
        .filter(|l| !matches!(**l, "www" | "mail" | "webmail"))
        .flat_map(|l| l.chars())
        .filter(|c| *c != '-')
        .map(|c| match c {
            '0' => 'o',
            '1' | 'i' => 'l',
            '5' => 's',
            _ => c,
        })
        .collect::<String>()
        .replace("rn", "m")
        .replace("vv", "w")
}

/// How many labels of a domain stand left of its public suffix (`com`,
/// `com.sg`, `co.uk`).
fn owned_labels(labels: &[&str]) -> usize {
    match labels {
        [.., second, last]
            if last.len() == 2
                && matches!(
                    *second,
                    "com" | "co" | "org" | "net" | "gov" | "ac" | "or" | "ne"
                ) =>
        {
            labels.len().saturating_sub(2)
        }
        _ => labels.len().saturating_sub(1),
    }
}

/// Optimal string alignment distance, bounded: enough to tell a typo from
/// another name.
fn near(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len().min(b.len()) < 5 || a.len().abs_diff(b.len()) > 2 {
        return false;
    }
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[a.len()][b.len()] <= 2
}

/// Is `a` a look-alike of `b` (a different domain imitating it)?
fn look_alike(a: &str, b: &str) -> bool {
    // The same domain, or one a subdomain of the other: the same owner.
    if a == b
        || a.ends_with(&format!(".{b}"))
        || b.ends_with(&format!(".{a}"))
        || a.starts_with(&format!("{b}."))
        || b.starts_with(&format!("{a}."))
    {
        return false;
    }
    let (sa, sb) = (stem(a), stem(b));
    if sa.len() < 5 || sb.len() < 5 {
        return false;
    }
    near(&sa, &sb)
        || (sa.contains(&sb) && sa.len() > sb.len())
        || (a.starts_with(b) && a.len() > b.len())
}

/// The clause before byte `at`: back to the previous sentence end or
/// blank line, at most 120 bytes.
fn clause_before(text: &str, at: usize) -> &str {
    let from = crate::text::floor_boundary(text, at.saturating_sub(120));
    let window = &text[from..at];
    let cut = [". ", ".\n", "\n\n", "! ", "? ", "。", "；"]
        .iter()
        .filter_map(|p| window.rfind(p).map(|i| i + p.len()))
        .max()
        .unwrap_or(0);
    &window[cut..]
}

/// The start of the line holding `at`, and whether that line sits in a
/// list of indicators (after an "IOCs:" header, before a blank line).
fn in_ioc_list(text: &str, at: usize, headers: &[(usize, usize)]) -> bool {
    headers.iter().any(|&(s, e)| {
        s <= at && e <= at && {
            let between = &text[e..at];
            // The list ends at a blank line, or at a line with a label of
            // its own ("Contact: ...").
            !between.contains("\n\n")
                && between.matches('\n').count() <= 25
                && !between.split('\n').skip(1).any(|line| {
                    // A bulleted line remarks on an item of the list.
                    let bulleted = line.trim_start().starts_with(['-', '*', '•', '–']);
                    !bulleted
                        && LABEL_LINE.is_match(line)
                        && !IOC_HEADER.is_match(line)
                        && !IOC_REMARK.is_match(line)
                })
        }
    })
}

/// A label inside a list of indicators that remarks on one ("sender of
/// first mail: x", "C2: y", "reply-to: z"): the list goes on.
static IOC_REMARK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^[\s>*\-•]*[^:\n]{0,30}\b(?:sender|from|reply|return|c2|c&c|url|link|domain|ip|ipv[46]|hash|sha\d*|md5|file|wallet|phish\w*|server|payload|tool|malware|lure|attachment|exfil\w*|drop\w*)\b[^:\n]{0,30}:")
        .expect("IoC remark pattern compiles")
});

/// A domain name standing on its own, with a common top-level domain.
/// File extensions of two letters, which [`BARE_DOMAIN`] would read as a
/// country's domain.
fn file_extension(candidate: &str) -> bool {
    let tld = candidate
        .rsplit('.')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    matches!(
        tld.as_str(),
        "js" | "py"
            | "md"
            | "gz"
            | "db"
            | "sh"
            | "ps"
            | "cs"
            | "ts"
            | "vb"
            | "go"
            | "xz"
            | "bz"
            | "so"
            | "ko"
            | "rb"
            | "hh"
    ) && !candidate.contains("www.")
}

static BARE_DOMAIN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?-u:\b)(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:com|net|org|info|biz|online|site|xyz|top|support|[a-z]{2})(?-u:\b)",
    )
    .expect("bare domain pattern compiles")
});

/// Header lines that name a message's sender, in the trade's languages.
static FROM_HEADER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^[\s>*]*(?:from|fra|von|od|από|от|de|van|kimden|från|lähettäjä|发件人|差出人|보낸\s*사람)\s*:")
        .expect("from header pattern compiles")
});

/// For the sender of a quoted message, what the prose before the quote
/// says: the paragraph before the header block.
fn before_quote(text: &str, line_start: usize) -> &str {
    let mut end = line_start;
    // Back over the header block and separator lines.
    loop {
        let prev_start = text[..end.saturating_sub(1)]
            .rfind('\n')
            .map_or(0, |i| i + 1);
        if prev_start >= end {
            break;
        }
        let prev = &text[prev_start..end];
        let trimmed = prev.trim();
        if trimmed.is_empty()
            || LABEL_LINE.is_match(prev)
            || trimmed.starts_with("---")
            || trimmed.starts_with("___")
        {
            end = prev_start;
            if prev_start == 0 {
                break;
            }
            continue;
        }
        break;
    }
    let from = crate::text::floor_boundary(text, end.saturating_sub(400));
    &text[from..end]
}

/// What the caller knows: values the reporter listed as indicators, and
/// the members' own domains (an address there is never kept).
pub(crate) struct Keep<'a> {
    pub(crate) values: &'a [String],
    pub(crate) members: &'a [String],
}

/// The clause that speaks about the address at `at`: on a header or
/// label line ("To:", "Email:"), that line; otherwise the clause before.
fn context(text: &str, at: usize) -> &str {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line = &text[line_start..at];
    let clause = clause_before(text, at);
    // "What happened: our officer got a mail. The sender was x": the
    // label opens the line, the last sentence speaks of the address.
    if LABEL_LINE.is_match(line) && line.len() <= clause.len() {
        return line;
    }
    clause
}

/// A line that starts with a label and a colon: a mail header, a
/// signature's "E:", a form field.
static LABEL_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[\s>*\-•]*[\p{L}][\p{L}\p{M}\-/ .]{0,24}:").expect("label line pattern compiles")
});

/// What the words before an address say: `Some(true)` the attacker's,
/// `Some(false)` genuine, `None` nothing.
fn said(clause: &str) -> Option<bool> {
    said_as(clause, true)
}

/// What the words before a bare domain say: as [`said`], but "sent to"
/// sends people to a site, it names no recipient.
fn said_of_domain(clause: &str) -> Option<bool> {
    said_as(clause, false)
}

fn said_as(clause: &str, recipients: bool) -> Option<bool> {
    // "The display name was correct but the address was x": only what
    // follows the last "but" speaks of x.
    let clause = BUT
        .find_iter(clause)
        .last()
        .map_or(clause, |m| &clause[m.end()..]);
    // (recipients first: "phishing mail to x" names the victim)
    let lower = clause.to_lowercase();
    if recipients
        && RECIPIENT.is_match(clause)
        && !lower.contains("forward")
        && !lower
            .trim_end_matches([' ', ':', '<', '(', '"'])
            .ends_with("reply-to")
        && !lower
            .trim_end_matches([' ', ':', '<', '(', '"'])
            .ends_with("reply to")
    {
        return Some(false);
    }
    // "x instead of y", "x statt y": y is the genuine one.
    if INSTEAD_OF.is_match(clause) {
        return Some(false);
    }
    let cue = last_cue(clause);
    // "look-alike of our domain", "podobnej do naszej": the "our" is
    // what the attacker's imitates.
    // (But "look-alike of our x": "our" is x's own word.)
    let compared: Vec<(usize, usize)> = SIMILAR_TO_OURS
        .find_iter(clause)
        .filter(|m| clause[m.end()..].trim_start().starts_with([':', '：']))
        .map(|m| (m.start(), m.end()))
        .collect();
    // "Our officer received a mail from x": a genuine word before "from"
    // speaks of the recipient, not of x.
    let from = FROM_WORD.find_iter(clause).last().map_or(0, |m| m.end());
    let genuine = GENUINE_CUE
        .find_iter(clause)
        .filter(|g| g.start() >= from)
        .filter(|g| {
            !compared
                .iter()
                .any(|&(s, e)| s <= g.start() && g.end() <= e)
        })
        .last();
    match (cue, genuine) {
        (Some(a), Some(g)) => Some(a.start() > g.start()),
        (Some(_), None) => Some(true),
        (None, Some(_)) => Some(false),
        (None, None) => None,
    }
}

/// "from" in the trade's languages.
static FROM_WORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:from|fra|von|vom|vanaf|desde|από|от|з|від|dal|från|od|dari|từ|kimden|adresinden)\b")
        .expect("from pattern compiles")
});

/// A likeness to what is ours: the attacker's side of a comparison.
static SIMILAR_TO_OURS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:look[- ]?alike|similar|resembl\w*|podobn\w*|parecid[oa]|semelhante|benzer|ähnlich\w*|lignende|imitat\w*|mimic\w*|схож\w*|похож\w*|giống|typo[- ]?squat\w*)\s+(?:\S+\s+){0,2}?(?:of|to|do|al|a|ao|à|zu|til|με|на|with|like)\s+(?:the\s+)?(?:our|ours|naszej|naszego|nasza|nuestro|nuestra|nosso|nossa|bizim|unserer?|vår|vårt|vores|onze|наш\w*)")
        .expect("similar-to-ours pattern compiles")
});

/// What a table's header says of the column a value stands in: "| Real
/// domain | Look-alike |" makes every cell below it genuine or the
/// attacker's.
fn table_verdict(text: &str, at: usize) -> Option<bool> {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    let row = |s: usize, e: usize| text[s..e].matches('|').count() >= 2;
    if !row(line_start, line_end) {
        return None;
    }
    let column = text[line_start..at].matches('|').count();
    // Up to the first row of the table.
    let mut header = (line_start, line_end);
    while header.0 > 0 {
        let prev_end = header.0 - 1;
        let prev_start = text[..prev_end].rfind('\n').map_or(0, |i| i + 1);
        if !row(prev_start, prev_end) {
            break;
        }
        header = (prev_start, prev_end);
    }
    if header.0 == line_start {
        return None;
    }
    let cell = text[header.0..header.1].split('|').nth(column)?;
    if cell.contains("---") {
        return None;
    }
    said_of_domain(cell)
}

/// "instead of" at the end of a clause: what follows is the genuine one.
static INSTEAD_OF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:statt|anstatt|instead\s+of|rather\s+than|not|vs\.?|versus|en\s+lugar\s+de|en\s+vez\s+de|em\s+vez\s+de|au\s+lieu\s+de|zamiast|yerine|вместо|замість|αντί\s+(?:για|του|της)|in\s+plaats\s+van|i\s+stedet\s+for|istället\s+för)\s*$")
        .expect("instead-of pattern compiles")
});

/// Words that turn a sentence round.
static BUT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:but|however|aber|pero|mas|men|ale|ama|ancak|αλλά|но|але|但是|但)\b")
        .expect("but pattern compiles")
});

/// What a remark right after an address says of it: "x@y.com
/// (look-alike; the Club's real domain is ...)", "x@y.com – not our
/// domain". Only a remark set off by a bracket or a dash counts; the
/// first cue in it decides.
fn said_after(text: &str, end: usize) -> Option<bool> {
    let rest = &text[end..];
    let line = &rest[..rest.find('\n').unwrap_or(rest.len())];
    let line = &line[..crate::text::floor_boundary(line, 90)];
    let remark = line.trim_start_matches([' ', '\t', '>', '"', '”']);
    // The remark ends with its bracket, or a dash's at the clause's end.
    let remark = match remark.chars().next() {
        Some('(') => &remark[..remark.find(')').unwrap_or(remark.len())],
        Some('[') => &remark[..remark.find(']').unwrap_or(remark.len())],
        Some('–' | '—' | '-') => {
            &remark[..[". ", "; ", " ("]
                .iter()
                .filter_map(|p| remark.find(p))
                .min()
                .unwrap_or(remark.len())]
        }
        _ => return None,
    };
    if NOT_OURS.is_match(remark) || CONTRAST.is_match(remark) || REAL_OTHER.is_match(remark) {
        return Some(true);
    }
    // A remark after an address rarely vouches for it ("(our domain is
    // ...)" compares it with another), so only the attacker's side
    // counts here; the words before it speak for a genuine one.
    let cue = ATTACKER_CUE
        .find_iter(remark)
        .find(|m| !NEGATION.is_match(&remark[..m.start()]))?;
    GENUINE_CUE
        .find(remark)
        .is_none_or(|g| cue.start() < g.start())
        .then_some(true)
}

/// A remark that points to the real address or domain: "(real domain
/// bahariawak.co.id)", "(настоящий домен компании - ...)".
static REAL_OTHER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:real|genuine|correct|actual|true|legitimate|настоящ|справжн|правильн|verdader|echte|ekte|riktig|σωστ|πραγματικ|gerçek|真实|正确|asli|thật)\w*\s+(?:\S+\s+){0,2}?(?:domain|domein|domene|domæne|dominio|domínio|domena|домен|αddress|address|adresse|adres|dirección|endereço|e-?mail|mailbox|correo|адрес|διεύθυνση|alan\s+adı|域名|邮箱|地址)")
        .expect("real-other pattern compiles")
});

/// The text between two spans that do not overlap.
fn between(text: &str, a: (usize, usize), b: (usize, usize)) -> Option<&str> {
    if b.1 <= a.0 {
        Some(&text[b.1..a.0])
    } else if b.0 >= a.1 {
        Some(&text[a.1..b.0])
    } else {
        None
    }
}

/// A number given in the same breath as an attacker's address ("their
/// contact was x@gmail.com, +91 98204 11763") is the attacker's too:
/// nothing but punctuation, a few words and no genuine cue between.
fn beside_attacker(text: &str, start: usize, end: usize, attackers: &[(usize, usize)]) -> bool {
    attackers.iter().any(|&(s, e)| {
        let Some(between) = between(text, (start, end), (s, e)) else {
            return false;
        };
        between.len() <= 40 && !between.contains(['\n', '.', ';']) && !GENUINE_CUE.is_match(between)
    })
}

/// A remark that names the genuine one as another: "- the trader's real
/// domain is hmf-bunkers.gr", "(the correct address is ...)".
static CONTRAST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:real|genuine|correct|actual|true|legitimate|usual|proper|echte?|richtige|ekte|riktige|verdader[oa]|correct[oa]|verdadeir[oa]|σωστ\w*|πραγματικ\w*|настоящ\w*|реальн\w*|правильн\w*|真实|正确)\s+(?:\S+\s+){0,2}?(?:is|was|are|=|:|es|ist|er|é|είναι|—|–)(?:\s|$)")
        .expect("contrast pattern compiles")
});

/// Is the address at `start..end` in one list with an attacker's: only a
/// comma, a slash or "and" (in the trade's languages) between them?
fn listed_with(text: &str, start: usize, end: usize, attackers: &[(usize, usize)]) -> bool {
    attackers.iter().any(|&(s, e)| {
        let Some(between) = between(text, (start, end), (s, e)) else {
            return false;
        };
        LIST_JOIN.is_match(between)
    })
}

/// What joins the items of a list.
static LIST_JOIN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^[\s>)\x22”]*(?:,|/|;|\band\b|\bor\b|\by\b|\bo\b|\be\b|\bund\b|\boder\b|\bog\b|\beller\b|\bi\b|\blub\b|\bet\b|\bou\b|\ben\b|\bve\b|\bκαι\b|\bи\b|\bта\b|\bdan\b|\bat\b|和|及|、)[\s<(\x22“]*(?:(?:e-?mail|mail|correo|адрес)\s*)?$")
        .expect("list join pattern compiles")
});

/// Headers a mail server writes, where the sender's domain recurs
/// (`Message-ID: <...@attacker.com>`), unlike From, To and Cc.
static TECH_HEADER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^[\s>]*(?:message-id|received|return-path|in-reply-to|references|envelope-from|x-[\w-]+|dkim-signature|authentication-results|arc-[\w-]+)\s*:|smtp\.mailfrom=|header\.from=|envelope-from=")
        .expect("technical header pattern compiles")
});

/// Does a To or Cc line of the header block after `end` hold an
/// address at `domain`?
fn internal_mail(text: &str, end: usize, domain: &str) -> bool {
    text[end..]
        .split('\n')
        .skip(1)
        .take(6)
        .take_while(|line| !line.trim().is_empty())
        .filter(|line| RECIPIENT_HEADER.is_match(line))
        .any(|line| {
            line.to_lowercase()
                .split(|c: char| c.is_whitespace() || "<>,;\"'()".contains(c))
                .filter_map(|w| w.rsplit_once('@').map(|(_, d)| d.to_string()))
                .any(|d| d == domain)
        })
}

/// To and Cc header lines, in the trade's languages.
static RECIPIENT_HEADER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^[\s>*]*(?:to|cc|an|til|aan|à|para|a|do|προς|кому|kime|收件人|宛先|받는\s*사람)\s*:",
    )
    .expect("recipient header pattern compiles")
});

/// Words that make a bank account the fraudster's, matched in the few
/// words before it or in a bracket right after it.
static MULE_CUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)fraud|scam|mule|attacker|criminal|impostor|betrüger|täter|betrugs|шахра|мошен|злоумышлен|golpist|estafador|fraudulent|oszust|dolandırıcı|απατεών|骗子|诈骗|penipu|manloloko|svindler")
        .expect("mule cue pattern compiles")
});

fn fraudsters_account(text: &str, start: usize, end: usize) -> bool {
    let clause = clause_before(text, start);
    let near = &clause[crate::text::floor_boundary(clause, clause.len().saturating_sub(60))..];
    // The account itself called the fraudster's ("the fraud IBAN", "same
    // mule a/c", "Konto der Täter"); "the fraudster asked to pay x" says
    // who asked, not whose x is.
    let named_before = MULE_ACCOUNT.find_iter(near).last().is_some_and(|cue| {
        !NEGATION.is_match(&near[..cue.start()]) && !GENUINE_CUE.is_match(&near[cue.end()..])
    });
    let rest = &text[end..];
    let remark = rest.trim_start_matches([' ', '\t']);
    let named_after = remark.starts_with('(') && {
        let close = remark.find(')').unwrap_or(remark.len());
        let inside = &remark[..crate::text::floor_boundary(remark, close.min(80))];
        MULE_CUE.is_match(inside) && !NOT_OURS_NEGATED.is_match(inside)
    };
    named_before || named_after
}

/// An account word with a word of fraud on it, either way round.
static MULE_ACCOUNT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:fraud\w*|scam\w*|mule|attacker'?s?|criminal'?s?|impostor'?s?|betrüger\w*|täter|betrugs\w*|шахра\w*|мошен\w*|злоумышлен\w*|golpist\w*|estafador\w*|oszust\w*|dolandırıcı\w*|απατεών\w*|骗子|诈骗|penipu|manloloko|svindler\w*)[\s’']*s?\s+(?:\w+\s+)?(?:iban|account|a/c|acct|konto|kontonummer|рахун\w*|сч[её]т\w*|cuenta|conta|hesab\w*|rachun\w*|λογαριασμ\w*|账户|账号|rekening)|(?:iban|account|a/c|konto|рахун\w*|сч[её]т\w*|cuenta|conta|rachun\w*|hesab\w*)\s+(?:\w+\s+){0,2}?(?:fraud\w*|mule|betrüger\w*|täter|шахра\w*|мошен\w*|golpist\w*|estafador\w*|oszust\w*|dolandırıcı\w*)")
        .expect("mule account pattern compiles")
});

/// "(not the fraudster's, ours)": a bracket that denies.
static NOT_OURS_NEGATED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\(\s*(?:not|nicht|no|ikke|nie|не)\b").expect("denial pattern compiles")
});

/// "not our domain", "NOT ours", "not the Club's", "not class domain".
static NOT_OURS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\bnot\s+(?:ours\b|our\b|the\s+(?:real|genuine|correct)\b|(?:the\s+)?\S+\s+domain\b|from\s+(?:us|the\s+club|the\s+class))|\bno\s+es\s+(?:nuestr|el\s+real)|\bikke\s+(?:vår|vårt)")
        .expect("not-ours pattern compiles")
});

/// A weak cue ("came from x") counts when a strong one stands in the
/// same clause or the 300 bytes before it, and nothing in the clause
/// calls the address genuine.
fn weakly_said(text: &str, at: usize) -> Option<bool> {
    let clause = context(text, at);
    // "Our officer got a mail from x": only a genuine word after "from"
    // ("from our CFO's mailbox x") vouches for the address.
    let weak = WEAK_CUE.find_iter(clause).last()?;
    let clause = &clause[weak.start()..];
    let wider = &text[crate::text::floor_boundary(text, at.saturating_sub(300))..at];
    // The rest of the sentence too: "mail from x with a link hxxps://...".
    let rest = &text[at..];
    let rest = &rest[..crate::text::floor_boundary(rest, 200)];
    let rest = &rest[..[". ", ".\n", "\n\n"]
        .iter()
        .filter_map(|p| rest.find(p))
        .min()
        .unwrap_or(rest.len())];
    let attacked =
        ATTACKER_CUE.is_match(wider) || DEFANGED.is_match(wider) || DEFANGED.is_match(rest);
    (attacked && !GENUINE_CUE.is_match(clause)).then_some(true)
}

/// Words of a story of fraud that name no address themselves: a
/// free-mail address in such a story is the fraudster's unless the
/// words around it say whose it is.
static FRAUD_STORY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)warn|beware|be\s+careful|never\s+use|not\s+from\s+(?:the\s+)?real|job\s+offer|processing\s+fee|registration\s+fee|payment\s+proof|visa\s+fee|impostor|imposter|scammer")
        .expect("fraud story pattern compiles")
});

/// Domains written defanged anywhere in the text ("wps-salaryportal[.]com",
/// "hxxps://x[.]net/..."): where, and in lower case with their dots back.
fn defanged_domains(text: &str) -> Vec<(usize, usize, String)> {
    DEFANGED_DOMAIN
        .find_iter(text)
        .map(|m| {
            let d = m
                .as_str()
                .to_lowercase()
                .replace("[.]", ".")
                .replace("(.)", ".")
                .replace("[dot]", ".");
            (m.start(), m.end(), d)
        })
        .collect()
}

static DEFANGED_DOMAIN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)[a-z0-9-]+(?:\.[a-z0-9-]+)*(?:(?:\[\.\]|\(\.\)|\[dot\])[a-z0-9-]+)(?:(?:\.|\[\.\]|\(\.\)|\[dot\])[a-z0-9-]+)*")
        .expect("defanged domain pattern compiles")
});

/// A defanged link or domain: reporters defang only what is malicious.
static DEFANGED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)hxxps?|\[\.\]|\[:\]|\(\.\)|\[dot\]").expect("defanged pattern compiles")
});

/// How much a domain looks made from another: digits for letters,
/// hyphens, extra labels (`acme.com.pay-portal.net`), but not a
/// country's two-part suffix (`acme.com.sg` is no more made up than
/// `acme.com`).
fn derived(domain: &str) -> usize {
    let labels: Vec<&str> = domain.split('.').collect();
    let extra = owned_labels(&labels).saturating_sub(1);
    extra
        + domain
            .chars()
            .filter(|c| c.is_ascii_digit() || *c == '-')
            .count()
}

/// Drops the candidates for attacker addresses and numbers, and adds the
/// genuine addresses' domains wherever they stand bare.
pub(crate) fn settle(text: &str, cands: &mut Vec<Candidate>, keep: &Keep<'_>) {
    let headers: Vec<(usize, usize)> = IOC_HEADER
        .find_iter(text)
        .map(|m| (m.start(), m.end()))
        .collect();
    let kept_values: HashSet<String> = keep
        .values
        .iter()
        .flat_map(|v| v.split(|c: char| c.is_whitespace() || c == ',' || c == ';'))
        .map(|v| {
            v.trim_matches(|c: char| "<>()[]\"'".contains(c))
                .to_lowercase()
        })
        .filter(|v| v.len() > 3)
        .collect();
    let member = |d: &str| {
        keep.members.iter().any(|m| {
            let m = m.trim_start_matches(['@', '*', '.']).to_lowercase();
            d == m || d.ends_with(&format!(".{m}"))
        })
    };
    let fraud_story =
        ATTACKER_CUE.is_match(text) || DEFANGED.is_match(text) || FRAUD_STORY.is_match(text);
    let defanged = defanged_domains(text);

    // Each address: its candidate, its domain, and what is known of it.
    struct Address {
        index: usize,
        domain: Option<String>,
        attacker: Option<bool>,
        /// On a header or signature line ("To:", "E-mail:").
        labelled: bool,
    }
    let mut addresses: Vec<Address> = cands
        .iter()
        .enumerate()
        .filter(|(_, c)| c.kind == Kind::Email && !c.extra)
        .map(|(index, c)| {
            let domain = domain_of(&text[c.start..c.end]);
            let value = text[c.start..c.end].to_lowercase();
            let attacker = if domain.as_deref().is_some_and(member) {
                Some(false)
            } else if kept_values.contains(&value)
                || domain.as_deref().is_some_and(|d| kept_values.contains(d))
                || in_ioc_list(text, c.start, &headers)
                // Its domain written defanged elsewhere: reporters defang
                // only what is malicious.
                || domain.as_deref().is_some_and(|d| {
                    defanged
                        .iter()
                        .any(|(s, e, x)| x == d && (*e <= c.start || c.end <= *s))
                })
            {
                Some(true)
            } else {
                table_verdict(text, c.start)
                    .or_else(|| said_after(text, c.end))
                    .or_else(|| said(context(text, c.start)))
                    .or_else(|| weakly_said(text, c.start))
                    .or_else(|| {
                        let line_start = text[..c.start].rfind('\n').map_or(0, |i| i + 1);
                        // The sender of a quoted message: what the prose
                        // above says of it (only the attacker's side
                        // counts: "the real supplier never sent this" is
                        // about someone else), or raw headers pasted from
                        // a suspicious mail, or a quoted display name.
                        let line = &text[line_start..c.start];
                        FROM_HEADER.is_match(line).then_some(()).and_then(|()| {
                            // Mail within one company is a colleague's,
                            // or a genuine mailbox that was hijacked:
                            // either way not the attacker's address.
                            if domain
                                .as_deref()
                                .is_some_and(|d| !free_mail(d) && internal_mail(text, c.end, d))
                            {
                                return Some(false);
                            }
                            let prose = before_quote(text, line_start);
                            let cue = said(prose) == Some(true);
                            let pasted = text[crate::text::floor_boundary(
                                text,
                                line_start.saturating_sub(600),
                            )..line_start]
                                .contains("Received:");
                            (cue || (fraud_story && (pasted || line.contains(['"', '“']))))
                                .then_some(true)
                        })
                    })
                    .or_else(|| {
                        domain
                            .as_deref()
                            .is_some_and(|d| free_mail(d) && fraud_story)
                            .then_some(true)
                    })
            };
            let line_start = text[..c.start].rfind('\n').map_or(0, |i| i + 1);
            Address {
                index,
                domain,
                attacker,
                // A header or form line, or a short line of its own (a
                // signature's contact line), not prose.
                labelled: LABEL_LINE.is_match(&text[line_start..c.start]) || {
                    let line_end = text[c.start..]
                        .find('\n')
                        .map_or(text.len(), |i| c.start + i);
                    line_end - line_start <= 80
                },
            }
        })
        .collect();
    // An address the text calls the attacker's once is the attacker's
    // wherever it stands (an "IOCs:" list repeats the phishing sender).
    let attacker_values: HashSet<String> = addresses
        .iter()
        .filter(|a| a.attacker == Some(true))
        .map(|a| text[cands[a.index].start..cands[a.index].end].to_lowercase())
        .collect();
    for a in addresses.iter_mut() {
        let c = &cands[a.index];
        let member_domain = a.domain.as_deref().is_some_and(member);
        if !member_domain && attacker_values.contains(&text[c.start..c.end].to_lowercase()) {
            a.attacker = Some(true);
        }
        // A ransom note's contact: "Note asks 980 USD, contact x@y".
        if a.attacker.is_none() {
            let before =
                &text[crate::text::floor_boundary(text, c.start.saturating_sub(250))..c.start];
            let tail = before.trim_end_matches([' ', ':', '(', '<']).to_lowercase();
            // "Contact:" opening a line is a signature's label, not
            // what a note asks.
            let line_head = tail[tail.rfind('\n').map_or(0, |i| i + 1)..]
                .trim_start_matches([' ', '\t', '-', '*', '•']);
            if RANSOM.is_match(before)
                && line_head != "contact"
                && (tail.ends_with("contact")
                    || tail.ends_with("e-mail")
                    || tail.ends_with("email")
                    || tail.ends_with("/"))
            {
                a.attacker = Some(true);
            }
        }
    }
    // The attacker's own domain (not a free-mail provider's) is the
    // attacker's wherever it stands: the Message-ID, a second mailbox.
    let attacker_owned: HashSet<String> = addresses
        .iter()
        .filter(|a| a.attacker == Some(true))
        .filter_map(|a| a.domain.clone())
        .filter(|d| !free_mail(d) && !member(d))
        .collect();
    for a in addresses.iter_mut().filter(|a| a.attacker.is_none()) {
        let c = &cands[a.index];
        let line_start = text[..c.start].rfind('\n').map_or(0, |i| i + 1);
        if TECH_HEADER.is_match(&text[line_start..c.start])
            && a.domain
                .as_ref()
                .is_some_and(|d| attacker_owned.contains(d))
        {
            a.attacker = Some(true);
        }
    }
    // Addresses listed together share their fate: "sent from x and y".
    loop {
        let spans: Vec<(usize, usize)> = addresses
            .iter()
            .filter(|a| a.attacker == Some(true))
            .map(|a| (cands[a.index].start, cands[a.index].end))
            .collect();
        let mut changed = false;
        for a in addresses.iter_mut().filter(|a| a.attacker.is_none()) {
            let c = &cands[a.index];
            if listed_with(text, c.start, c.end, &spans) {
                a.attacker = Some(true);
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    // A look-alike of a genuine domain is the attacker's; of the
    // attacker's, genuine. Two unknowns: the one more made-up. Domains
    // written bare count too ("our supplier uses acme-spares.dk").
    let mut known: Vec<(String, Option<bool>)> = addresses
        .iter()
        .filter_map(|a| a.domain.clone().map(|d| (d, a.attacker)))
        .collect();
    let mut called_attackers: HashSet<String> = HashSet::new();
    for m in BARE_DOMAIN.find_iter(text) {
        let before = &text[..m.start()];
        // "@acme.gr" with no mailbox ("the real one is @acme.gr") names
        // the domain itself.
        let at_alone = before.ends_with('@')
            && !before[..before.len() - 1]
                .ends_with(|c: char| c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '+'));
        if (before.ends_with(['@', '.', '-']) && !at_alone) || file_extension(m.as_str()) {
            continue;
        }
        let d = m.as_str().to_lowercase();
        let table = table_verdict(text, m.start());
        let verdict = table.or_else(|| said_of_domain(context(text, m.start())));
        // "the look-alike domain x", "fake domain x", a look-alike column:
        // the text names this very domain the attacker's.
        let near =
            &text[crate::text::floor_boundary(text, m.start().saturating_sub(40))..m.start()];
        if table == Some(true)
            || (DOMAIN_WORD.is_match(near)
                && said_of_domain(near) == Some(true)
                && last_cue(near).is_some())
        {
            called_attackers.insert(m.as_str().to_lowercase());
        }
        match known.iter_mut().find(|(k, _)| *k == d) {
            // A signature's address says nothing; "look-alike of our
            // acme.com" further on does.
            Some((_, v)) if v.is_none() => *v = verdict,
            Some(_) => {}
            None => known.push((d, verdict)),
        }
    }
    for a in addresses.iter_mut().filter(|a| a.attacker.is_none()) {
        let Some(d) = a.domain.as_deref() else {
            continue;
        };
        // The text calls this very domain the attacker's ("the look-alike
        // domain x").
        if called_attackers.contains(d) {
            a.attacker = Some(true);
            continue;
        }
        for (other, verdict) in &known {
            if !look_alike(d, other) && !look_alike(other, d) {
                continue;
            }
            a.attacker = match verdict {
                Some(v) => Some(!v),
                None if derived(d) > derived(other) => Some(true),
                None if derived(d) < derived(other) => Some(false),
                None => a.attacker,
            };
            if a.attacker.is_some() {
                break;
            }
        }
    }
    let attacker: HashSet<usize> = addresses
        .iter()
        .filter(|a| a.attacker == Some(true))
        .map(|a| a.index)
        .collect();
    // Only what is known to be genuine names the company elsewhere: an
    // address in prose that nothing explains may be the attacker's
    // infrastructure ("exfiltrated to logs@exfil.example").
    let mut genuine_domains: Vec<String> = addresses
        .iter()
        .filter(|a| a.attacker == Some(false) || (a.attacker.is_none() && a.labelled))
        .filter_map(|a| a.domain.clone())
        .filter(|d| !free_mail(d))
        .collect();

    let attacker_spans: Vec<(usize, usize)> = attacker
        .iter()
        .map(|&i| (cands[i].start, cands[i].end))
        .collect();
    // What is the attacker's stays: its candidate goes, and so does any
    // other candidate inside it (a name in the address's local part,
    // a "phone number" inside a mule IBAN).
    let attackers: Vec<bool> = cands
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if attacker.contains(&i) {
                return true;
            }
            // A number is kept only on explicit word: a phone number
            // rarely looks like anything.
            if c.kind == Kind::Phone && !c.extra {
                let value = text[c.start..c.end].to_lowercase();
                let clause = context(text, c.start);
                let near =
                    &clause[crate::text::floor_boundary(clause, clause.len().saturating_sub(50))..];
                let cue = PHONE_CUE.find_iter(near).last();
                let genuine = GENUINE_CUE.find_iter(near).last();
                let named = match (cue, genuine) {
                    (Some(a), Some(g)) => a.start() > g.start(),
                    (cue, _) => cue.is_some(),
                };
                return kept_values.contains(&value)
                    || in_ioc_list(text, c.start, &headers)
                    || named
                    || (genuine.is_none()
                        && beside_attacker(text, c.start, c.end, &attacker_spans));
            }
            // A mule account is an indicator when the words say so: "the
            // fraud IBAN given:", "(Konto der Betrüger)", "same mule a/c".
            c.kind == Kind::BankAccount && !c.extra && fraudsters_account(text, c.start, c.end)
        })
        .collect();
    let kept: Vec<(usize, usize)> = cands
        .iter()
        .zip(&attackers)
        .filter(|(_, a)| **a)
        .map(|(c, _)| (c.start, c.end))
        .collect();
    let mut decided = attackers.iter();
    cands.retain(|c| {
        let attackers = decided.next().is_some_and(|a| *a);
        !attackers && (c.extra || !kept.iter().any(|&(s, e)| s <= c.start && c.end <= e))
    });
    // Domains the text says are the victim's: "our domain x", "the real
    // supplier's domain is x", "Acme Ltd (acme.gr)", "(both @acme.no)".
    let attacker_domains: HashSet<String> = addresses
        .iter()
        .filter(|a| a.attacker == Some(true))
        .filter_map(|a| a.domain.clone())
        .collect();
    let orgs: Vec<(usize, usize)> = cands
        .iter()
        .filter(|c| c.kind == Kind::Org)
        .map(|c| (c.start, c.end))
        .collect();
    for m in BARE_DOMAIN
        .find_iter(text)
        .filter(|m| !file_extension(m.as_str()))
    {
        let d = m.as_str().to_lowercase();
        let before = &text[..m.start()];
        // The clause before, on this line, at most 70 bytes.
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let clause_start = m.start() - clause_before(text, m.start()).len();
        let window = &text[crate::text::floor_boundary(text, m.start().saturating_sub(70))
            .max(line_start)
            .max(clause_start)..m.start()];
        // A placeholder is no word: "[DOMAIN]" names no domain (a second
        // pass must read what the first read).
        let window = &window.replace("[DOMAIN]", "[_]");
        // A domain word alone ("the domains x, y") says nothing of whose:
        // a genuine word must stand with it, or a label or parenthesis;
        // or a genuine word and a verb or colon right before ("the real
        // one is x", "echte vervoerder: x", "the real marina uses x").
        let genuine_word = said_of_domain(window) == Some(false);
        let said_here = said_of_domain(window);
        // "their domain is x", "их сайт x": a domain named as someone's,
        // not the attacker's, is an innocent party's.
        let named = (DOMAIN_WORD.is_match(window)
            && (genuine_word
                || DOMAIN_LABEL.is_match(window)
                || (OWNER_WORD.is_match(window) && said_here != Some(true))))
            || (genuine_word && IS_OR_USES.is_match(window))
            || table_verdict(text, m.start()) == Some(false)
            || web_line(text, m.start(), m.end());
        // Inside an address or a URL: not bare.
        if before.ends_with(|c: char| c.is_alphanumeric() || matches!(c, '.' | '-' | '/'))
            || (before.ends_with('@')
                && before[..before.len() - 1].ends_with(|c: char| c.is_alphanumeric()))
            || text[m.end()..].starts_with(|c: char| c == '@' || c == '/' || c.is_alphanumeric())
            || attacker_domains.contains(&d)
            || free_mail(&d)
            || in_ioc_list(text, m.start(), &headers)
            || genuine_domains.contains(&d)
            // A look-alike of a domain nothing explains may be the
            // attacker's, unless the words call it ours.
            || (!named
                && known.iter().any(|(k, v)| {
                    *v != Some(true) && !attacker_domains.contains(k) && k != &d && look_alike(&d, k)
                }))
        {
            continue;
        }
        let at_sign = before.ends_with('@');
        let after_org = {
            let trimmed = before.trim_end_matches([' ', '(', ',']);
            trimmed.len() < before.len()
                && orgs.iter().any(|&(_, e)| {
                    e == trimmed.len()
                        || (e < trimmed.len()
                            && trimmed.len() - e <= 12
                            && !trimmed[e..].contains(['.', '\n']))
                })
        };
        let here = table_verdict(text, m.start())
            .or_else(|| said_of_domain(clause_before(text, m.start())));
        if (named || at_sign || after_org) && here != Some(true) {
            genuine_domains.push(d);
        }
    }
    let removed = Intervals::from_unsorted(cands.iter().map(|c| (c.start, c.end)).collect());
    genuine_domains.extend(unexplained_domains(
        text,
        &removed,
        &headers,
        &attacker_domains,
        &known,
        &genuine_domains,
    ));
    genuine_domains.sort();
    genuine_domains.dedup();
    for d in &genuine_domains {
        bare_domain(text, d, cands);
    }
}

/// Words around a bare domain that make it infrastructure: where malware
/// calls, what a lure links to, what was blocked.
static INFRASTRUCTURE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)c2|c&c|command[- ]and[- ]control|beacon|reach|communicat|traffic|request|quer(?:y|ied|ies)|lookup|visit|call(?:s|ed)?[- ]?(?:back|home|out)|resolv|dns|connect|contact(?:ed|ing)\s+(?:to\s+)?$|download|upload|exfil|hosted|hosting|register|whois|newly|sinkhole|block|blacklist|deny|landing|redirect|lure|kit|payload|stag(?:e|ing)|drop(?:per|zone)?|mining|miner|pool|paste|tunnel|proxy|ngrok|tor(?-u:\b)|onion|domain\s+age|credential|harvest|fake|spoof|phish|malicious|suspicious|look[- ]?alike|typo|imperson|clone|attacker|threat|actor|ioc|indicator|fraud|scam|bogus|rogue|evil|bad|sahte|fałszyw|falsk|gefälscht|ψεύτικ|поддел|фальш|假|仿冒|钓鱼|偽|사칭|피싱|giả")
        .expect("infrastructure pattern compiles")
});

/// Domains of services everyone names, neither the victim's nor the
/// attacker's unless the words say so.
const PUBLIC_SERVICES: &[&str] = &[
    "microsoft.com",
    "office.com",
    "office365.com",
    "outlook.com",
    "live.com",
    "windows.net",
    "microsoftonline.com",
    "sharepoint.com",
    "onmicrosoft.com",
    "google.com",
    "gmail.com",
    "googleapis.com",
    "youtube.com",
    "apple.com",
    "icloud.com",
    "amazon.com",
    "amazonaws.com",
    "cloudflare.com",
    "github.com",
    "gitlab.com",
    "dropbox.com",
    "wetransfer.com",
    "mega.nz",
    "telegram.org",
    "t.me",
    "whatsapp.com",
    "facebook.com",
    "linkedin.com",
    "twitter.com",
    "x.com",
    "marinetraffic.com",
    "vesselfinder.com",
    "myshiptracking.com",
    "imo.org",
    "ukmto.org",
    "recaap.org",
    "bimco.org",
    "virustotal.com",
    "abuse.ch",
    "shodan.io",
    "any.run",
    "zoom.us",
    "docusign.net",
    "docusign.com",
    "adobe.com",
    "paypal.com",
    "anydesk.com",
    "teamviewer.com",
];

/// Bare domains nothing explains: no word calls them the attacker's or
/// names them infrastructure, no IoC list holds them, none looks like
/// another domain of the text, none is a public service's or stands in a
/// link. When the scrubber cannot tell whose a domain is, it removes it:
/// a reporter's own domain mentioned once ("we checked our x tenant",
/// "the line uses x") identifies them, and the preview shows it.
fn unexplained_domains(
    text: &str,
    removed: &Intervals,
    headers: &[(usize, usize)],
    attacker_domains: &HashSet<String>,
    known: &[(String, Option<bool>)],
    genuine: &[String],
) -> Vec<String> {
    let mut explained: HashSet<String> = HashSet::new();
    let mut occurrences: Vec<(usize, usize, String)> = Vec::new();
    for m in BARE_DOMAIN
        .find_iter(text)
        .filter(|m| !file_extension(m.as_str()))
    {
        let d = m.as_str().to_lowercase();
        let before = &text[..m.start()];
        let after = &text[m.end()..];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let line_end = after.find('\n').map_or(text.len(), |i| m.end() + i);
        let line = &text[line_start..line_end];
        // The line and its neighbours: indicators come in blocks.
        let block_start = text[..line_start.saturating_sub(1)]
            .rfind('\n')
            .map_or(0, |i| i + 1)
            .min(line_start);
        let block_end = text[line_end.saturating_add(1).min(text.len())..]
            .find('\n')
            .map_or(text.len(), |i| line_end + 1 + i);
        let window = &text[crate::text::floor_boundary(text, m.start().saturating_sub(80))
            .max(line_start)..m.start()];
        // Part of something longer: a link, an address, "x.nr.000A" (or
        // the placeholder that replaced its tail).
        let in_link = before.ends_with(['/', '.', '-', '@', '[', ':'])
            || before.ends_with(|c: char| c.is_alphanumeric())
            || after.starts_with(['/', '@', '[', ':', '-'])
            || after.starts_with(|c: char| c.is_alphanumeric())
            || (after.starts_with('.')
                && after[1..].starts_with(|c: char| c.is_alphanumeric() || c == '['));
        let public = PUBLIC_SERVICES
            .iter()
            .any(|p| d == *p || d.ends_with(&format!(".{p}")));
        // "our mail server mx.acme.gr": infrastructure of our own.
        let near = &text[crate::text::floor_boundary(text, m.start().saturating_sub(30))
            .max(line_start)..m.start()];
        let ours = GENUINE_CUE.is_match(near);
        let signalled = in_link
            || public
            || abused_tld(&d)
            || line_has_public_ioc(text, block_start, block_end, removed)
            || free_mail(&d)
            || attacker_domains.contains(&d)
            || in_ioc_list(text, m.start(), headers)
            || table_verdict(text, m.start()) == Some(true)
            || said_of_domain(context(text, m.start())) == Some(true)
            || weakly_said(text, m.start()) == Some(true)
            || DEFANGED.is_match(line)
            || (INFRASTRUCTURE.is_match(window) && !ours)
            || known
                .iter()
                .any(|(k, v)| k != &d && *v != Some(false) && look_alike(&d, k))
            || genuine.iter().any(|g| g != &d && look_alike(&d, g));
        if signalled {
            explained.insert(d.clone());
        }
        occurrences.push((m.start(), m.end(), d));
    }
    // "sent to x or y": a domain listed with an explained one, either way.
    for _ in 0..2 {
        for pair in occurrences.windows(2) {
            let [(_, end, a), (start, _, b)] = pair else {
                continue;
            };
            let joined = end <= start && DOMAIN_JOIN.is_match(&text[*end..*start]);
            if joined && (explained.contains(a) || explained.contains(b)) {
                explained.insert(a.clone());
                explained.insert(b.clone());
            }
        }
    }
    // A name of one or two letters before the dot ("a.MV") is more
    // likely a typo or a code than someone's domain.
    let mut unexplained: Vec<String> = occurrences
        .into_iter()
        .map(|(_, _, d)| d)
        .filter(|d| d.split('.').next().is_some_and(|l| l.len() >= 3))
        .collect();
    unexplained.sort();
    unexplained.dedup();
    // Already removed as a genuine domain, or as its subdomain.
    unexplained.retain(|d| {
        !explained.contains(d)
            && !genuine
                .iter()
                .any(|g| d == g || d.ends_with(&format!(".{g}")))
    });
    unexplained
}

/// What joins two domains in a list: "x or y", "x, y", "x / y".
static DOMAIN_JOIN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:,|/|\||;|or|and|og|und|oder|y|o|ou|и|или|και|ή|veya|lub|або)?\s*$")
        .expect("domain join pattern compiles")
});

/// A public address or a digest on the same line: a line of indicators
/// or a header of the attacker's relay.
static LINE_IOC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)(?:(?:[1-9]\d?|1\d\d|2[0-4]\d|25[0-5])\.(?:\d{1,3}\.){2}\d{1,3}|[0-9a-fA-F]{32,})(?-u:\b)")
        .expect("line IoC pattern compiles")
});

/// Is there a public address or a digest in `text[start..end]`, outside
/// what is being removed (a scrubbed text must read the same again)?
fn line_has_public_ioc(text: &str, start: usize, end: usize, removed: &Intervals) -> bool {
    LINE_IOC.find_iter(&text[start..end]).any(|m| {
        if removed.overlaps(start + m.start(), start + m.end()) {
            return false;
        }
        let v = m.as_str();
        let octets: Vec<u8> = v.split('.').filter_map(|o| o.parse().ok()).collect();
        match octets.as_slice() {
            [a, b, _, _] => !matches!(
                (a, b),
                (10 | 127, _) | (192, 168) | (169, 254) | (172, 16..=31) | (100, 64..=127)
            ),
            // A digest.
            _ => v.len() >= 32,
        }
    })
}

/// Top-level domains that companies rarely use and fraudsters often
/// register: a bare domain there is treated as the attacker's.
fn abused_tld(domain: &str) -> bool {
    let tld = domain.rsplit('.').next().unwrap_or("");
    matches!(
        tld,
        "online"
            | "site"
            | "xyz"
            | "top"
            | "icu"
            | "buzz"
            | "info"
            | "live"
            | "click"
            | "link"
            | "shop"
            | "cyou"
            | "sbs"
            | "cfd"
            | "quest"
            | "bond"
            | "lol"
            | "fun"
            | "best"
            | "monster"
            | "rest"
            | "support"
            | "services"
            | "store"
            | "website"
            | "space"
            | "work"
            | "tk"
            | "ml"
            | "ga"
            | "cf"
            | "gq"
            | "su"
            | "pw"
            | "cc"
            | "ws"
            | "onion"
    )
}

/// Whose: "their site", "их сайт", "公司网站".
static OWNER_WORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:their|its|his|her|whose|company|corporate)\s+(?:\w+\s+)?(?:domain|site|website|web\s*site|homepage)\s*(?:is|was|:)?\s*$|\b(?:их|его|её|їх|їхній)\s+(?:сайт|домен)\s*$|公司网站\s*$|网站\s*$")
        .expect("owner word pattern compiles")
});

/// A signature's web line: "www.acme.gr" alone, or among a phone and an
/// address joined by "|" or "·".
fn web_line(text: &str, start: usize, end: usize) -> bool {
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
    let line = text[line_start..line_end].trim();
    let before = text[line_start..start].trim();
    text[start..end].to_ascii_lowercase().starts_with("www.")
        && line.chars().count() <= 100
        && (line == &text[start..end]
            || before.ends_with(['|', '·', '/', ','])
            || before.is_empty())
        && last_cue(line).is_none()
}

/// A verb or colon right before a domain: "is", "uses", ":".
static IS_OR_USES: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:\b(?:is|es|est|ist|er|é|είναι|uses?|using|bruker|bruger|gebruikt|usa|utiliza|nutzt|verwendet|kullanıyor|używa)|[:：]|是)\s*$")
        .expect("is-or-uses pattern compiles")
});

/// A label or parenthesis that introduces the domain right after it:
/// "Web: x", "(Domain x)", "(domena x)".
static DOMAIN_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:[(,（]\s*(?:domain|domena|domene|domein|dominio|domínio|domaine|домен|website|web\s*site|site|web|сайт|公司网站|网站)\s*:?|\b(?:web|www|website|homepage|url)\s*:|\b(?:domain|domene|domena|dominio|domínio|domaine|domein)\b[^:\n]{0,25}:|\b(?:company|corporate|own|official|email|e-mail|mail)\s+domain\s*:?)\s*$")
        .expect("domain label pattern compiles")
});

/// Words that introduce a domain or web site ("our domain", "Web:").
static DOMAIN_WORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)domain|domene|domænet|domæne|domena|domaini|domein|dominio|domínio|domaine|alan\s+adı|домен|web\s*site|website|site|sitemiz|сайт|web|homepage|portal|\buses?\b|域名|网站|ドメイン|도메인")
        .expect("domain word pattern compiles")
});

/// Adds `domain` (and its subdomains) wherever it stands outside an
/// e-mail address.
fn bare_domain(text: &str, domain: &str, cands: &mut Vec<Candidate>) {
    // ASCII folding keeps every byte offset (full case folding does not:
    // "Ⱥ" and "ⱥ" differ in length, and a second pass would then find
    // what the first missed).
    bare_exact(&text.to_ascii_lowercase(), domain, cands);
}

fn bare_exact(text: &str, domain: &str, cands: &mut Vec<Candidate>) {
    for (at, _) in text.match_indices(domain) {
        let end = at + domain.len();
        let mut after = text[end..].chars();
        match after.next() {
            Some(c) if c.is_alphanumeric() || c == '-' => continue,
            // "acme.gr.login-verify.example" is another domain.
            Some('.') if after.next().is_some_and(char::is_alphanumeric) => continue,
            _ => {}
        }
        // Back over subdomain labels ("www.", "sftp.").
        let mut start = at;
        while let Some(c) = text[..start].chars().next_back() {
            if c.is_alphanumeric() || c == '-' || c == '.' {
                start -= c.len_utf8();
            } else {
                break;
            }
        }
        if text[..start].ends_with('@') || text[..start].ends_with("[at]") {
            continue;
        }
        let start = start + text[start..at].find(|c: char| c != '.').unwrap_or(0);
        cands.push(Candidate::new(start, end, Kind::Domain));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kept(text: &str) -> Vec<String> {
        let mut cands = Vec::new();
        crate::network::emails(text, &mut cands);
        let before: Vec<(usize, usize)> = cands.iter().map(|c| (c.start, c.end)).collect();
        settle(
            text,
            &mut cands,
            &Keep {
                values: &[],
                members: &[],
            },
        );
        before
            .into_iter()
            .filter(|&(s, e)| !cands.iter().any(|c| c.start == s && c.end == e))
            .map(|(s, e)| text[s..e].to_string())
            .collect()
    }

    #[test]
    fn the_attackers_addresses_stay() {
        let t = "Our clerk j.smith@kallisto-maritime.gr got a mail from the fake address \
                 accounts@kallisto-maritlme.gr; Reply-To: kallisto.pay@gmx.com. \
                 Ransom note says contact restore@onionmail.org.";
        assert_eq!(
            kept(t),
            vec![
                "accounts@kallisto-maritlme.gr",
                "kallisto.pay@gmx.com",
                "restore@onionmail.org"
            ]
        );
    }

    #[test]
    fn genuine_and_compromised_addresses_go() {
        for t in [
            "Signed, Anna\nanna@nordvik.no\nTel +47 55 55 55 55",
            "the compromised mailbox of our agent, ops@agency-pa.com, sent it",
            "Cc: dpa@akamas-marine.com",
        ] {
            assert!(kept(t).is_empty(), "{t:?}: {:?}", kept(t));
        }
    }

    #[test]
    fn look_alikes() {
        assert!(look_alike("nordhafen-shlpping.de", "nordhafen-shipping.de"));
        assert!(look_alike(
            "luzoncrew-manning.com",
            "luzoncrewmanning.com.ph"
        ));
        assert!(look_alike(
            "straitsmarinefuels.com",
            "straitsmarinefueis.com"
        ));
        assert!(!look_alike("maersk.com", "msc.com"));
        assert!(!look_alike("www.acme-ship.gr", "acme-ship.gr"));
    }

    #[test]
    fn a_genuine_domain_goes_where_it_stands_bare() {
        let t = "E-mail: ops@karadere.com.tr\nsee www.karadere.com.tr and karadere.com.tr.";
        let mut cands = Vec::new();
        crate::network::emails(t, &mut cands);
        settle(
            t,
            &mut cands,
            &Keep {
                values: &[],
                members: &[],
            },
        );
        let found: Vec<&str> = cands.iter().map(|c| &t[c.start..c.end]).collect();
        assert_eq!(
            found,
            vec![
                "ops@karadere.com.tr",
                "www.karadere.com.tr",
                "karadere.com.tr"
            ]
        );
    }

    #[test]
    fn a_cue_word_inside_another_word_is_no_cue() {
        // A town called Afakevik is not "fake", nor a failure a "lure":
        // the signature's phone and address are the victim's and go.
        for town in ["Afakevik", "Bergen"] {
            let t = format!("Kind regards\nJan Berg\n1000 {town}\nTel +47 55 30 12 40\n");
            let out = crate::scrub(&t, &crate::KnownNames::empty()).text;
            assert!(!out.contains("55 30 12 40"), "{town}: {out:?}");
        }
        let t = "After the failure, ops@kallisto-maritime.gr wrote to the agent.";
        let out = crate::scrub(t, &crate::KnownNames::empty()).text;
        assert!(!out.contains("ops@kallisto-maritime.gr"), "{out:?}");
        // The attacker's, with the word standing alone, still stay.
        let t = "The fake caller used +44 7700 900123 and the fake address billing@kallisto-rnaritime.gr.";
        let out = crate::scrub(t, &crate::KnownNames::empty()).text;
        assert!(out.contains("+44 7700 900123"), "{out:?}");
        assert!(out.contains("billing@kallisto-rnaritime.gr"), "{out:?}");
    }
}
