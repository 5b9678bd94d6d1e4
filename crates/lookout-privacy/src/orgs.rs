//! Companies the caller did not list, found by what they are: a name
//! before a legal form ("Poseidon Crew Management Ltd", "Nordvik Rederi
//! AS"), a name before a trade word ("Kallisto Maritime"), a name after a
//! cue ("our agent, Seaways", "M/s Sea Star"), or a legal form in front
//! (`PT Samudra Indah`, `ООО «Балтик»`, Chinese and Japanese company
//! suffixes).

use std::sync::LazyLock;

use regex::Regex;

use crate::Kind;
use crate::text::{Candidate, Intervals};
use crate::words;

/// A word of a company name: capitalised (any script), a number, or an
/// all-caps code; `&`, and the lower-case joiners of Romance and Dutch
/// names. Spaces only, never a line break.
const NAME_WORD: &str = r"(?:[\p{Lu}\d][\p{L}\p{M}\d'’.\-&]*|&|and|of|de|del|do|da|dos|das|y|e|van|der|den|la|le|du|di|ve|und|og|och|et)";

/// Legal forms written after the name.
const FORMS: &str = r"(?:Co\.,?[ ]?Ltd\.?|Company[ ]Limited|Co\.[ ]Limited|Pte\.?[ ]?Ltd\.?|Pvt\.?[ ]?Ltd\.?|Private[ ]Limited|Sdn\.?[ ]?Bhd\.?|Ltd\.?[ ]?Şti\.?|Nig\.?[ ]?Ltd\.?|S\.[ ]?A\.[ ]de[ ]C\.[ ]?V\.|Sp\.[ ]?z[ ]?o\.[ ]?o\.?|S\.[ ]?A\.[ ]?S\.|S\.[ ]?A\.|S\.[ ]?R\.[ ]?L\.|S\.r\.l\.|S\.p\.A\.|S\.L\.|B\.[ ]?V\.|N\.[ ]?V\.|A\.[ ]?Ş\.|A\.S\.|A/S|K\.K\.|GmbH(?:[ ]&[ ]Co\.?[ ]KG)?|Ltd\.?|Limited|L\.L\.C\.|LLC|LLP|PLC|plc|Inc\.?|Incorporated|Corp\.?|Corporation|ASA|AS|AG|KG|ApS|AB|Oyj|Oy|SA|SAS|SARL|SRL|SpA|Ltda\.?|JSC|PJSC|OJSC|CJSC|EOOD|OOD|d\.o\.o\.|j\.d\.o\.o\.|S\.A\.E\.|SAE|SIA|UAB|Kft\.?|Zrt\.?|Tbk|Bhd|BV|NV|SL|SAC|SAA|OÜ|AS\.|d\.[ ]?d\.|d\.[ ]?o\.[ ]?o\.|FZE|FZCO|FZ-LLC|FZC|DMCC|DWC-LLC|\((?:Pty|HK|Pvt|Private|S)\)[ ]Ltd\.?|Pty\.?[ ]Ltd\.?|Pty|Lda\.?|ehf\.?|hf\.?|AD|EAD|SRL|S\.A\.C\.|S\.A\.A\.|E\.I\.R\.L\.|GK|KK|Α\.?Ε\.?|Ν\.?Ε\.?|Ε\.?Π\.?Ε\.?|Ι\.?Κ\.?Ε\.?|Co\.|& Co\.?|CORP\.?|CORPORATION|INC\.?|LTD\.?|LIMITED|CO\.,?[ ]?LTD\.?)";

static LEGAL_FORM: LazyLock<Regex> = LazyLock::new(|| {
    let form = FORMS;
    Regex::new(&format!(
        r"(?:{NAME_WORD}[ \u{{A0}}]){{1,6}}?{form}(?:[^\p{{L}}\p{{N}}]|$)"
    ))
    .expect("legal form pattern compiles")
});

/// A legal form after a company found without it: "Agencia Marítima
/// Istmeña, S.A.", "SK Ship Management (Singapore) Pte Ltd".
static FORM_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^(?:,[ ]?|[ ]\([\p{{Lu}}][\p{{L}}]+\)[ ]|[ ])(?:{FORMS}|CORP\.?|CORPORATION|INC\.?|LTD\.?|LIMITED|CO\.,?[ ]LTD\.?|S\.A\.[ ]DE[ ]C\.V\.)(?:[^\p{{L}}\p{{N}}]|$)"
    ))
    .expect("form-after pattern compiles")
});

/// Widens each company found to the legal form written after it.
pub(crate) fn with_forms(text: &str, out: &mut [Candidate]) {
    for c in out.iter_mut().filter(|c| c.kind == Kind::Org && !c.extra) {
        if let Some(m) = FORM_AFTER.find(&text[c.end..]) {
            // The match may end on the character after the form.
            let form = m.as_str();
            let last = form
                .chars()
                .next_back()
                .filter(|ch| !ch.is_alphanumeric() && *ch != '.');
            c.end += form.len() - last.map_or(0, char::len_utf8);
        }
    }
}

/// Trade words that end a company's name even without a legal form.
const TRADE_WORDS: &str = r"(?:Ship[ ]?[Mm]anagement|Shipmanagement|Crew[ ]Management|Crewing|Manning|Shipping(?:[ ]Agency|[ ]Agencies|[ ]Company|[ ]Lines)?|Maritime|Marine(?:[ ]Services)?|Navigation|Tankers|Bulkers|Bulk[ ]Carriers|Carriers|Lines|Logistics|Agencies|Agency|Bunkering|Bunkers|Chartering|Trading|Terminals|Holdings|Denizcilik|Rederi|Rederiet|Reederei|Naviera|Navegação|Offshore|Ferries|Towage|Salvage|Stevedoring|Forwarding|Freight|Ναυτιλιακή|Ναυτιλιακη|Services|Supplies|Supply|Engineering|Consultants|Consulting|Solutions|Security|Partners|Defen[cs]e|Response|Agence|Agencia|Agência|Scheepsagentuur|Surveys|Lashing|Technologies|Crew[ ]Services|Port[ ]Services|Watch[ ]Services|Shipyard|Dockyard|Chandlers?|Agentur|Befrachtung|Schiffahrt|Schifffahrt|Shipbrokers|Brokers|Insurance|Underwriters|Pandi|Clearing|Customs|Transport|Transports|Grain|Agri|Foods?|Steel|Cement|Energy|Petroleum|Chemicals|Fertili[sz]ers?|Commodities|Resources|Bulk|Bunker|Suppliers|Terminal|Container[ ]Terminal|Haulage|Hauliers|Traders|Forex|Exports?|Industries|Shiprepair|Pool|Managed[ ]IT|Cyber|MDR|Satcom|Yachting|Fisheries|Seafood|Kaiun|Kisen|Bank|Association|Mutual|Systemy|Hizmetleri|Acenteliği|Acentesi|Navegación|Marítima|Maritima|Marittima|Denizcilik|Gemi|пароходство|Шиппинг|Марин|Крюінг|Крюинг)";

/// A word that is a trade word and nothing else.
static TRADE_WORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        "^(?:{TRADE_WORDS}|{})$",
        TRADE_WORDS.to_uppercase()
    ))
    .expect("trade word pattern compiles")
});

/// Trade words that end a company's name even without a legal form.
static TRADE: LazyLock<Regex> = LazyLock::new(|| {
    // As written, and in the capitals of telexes and headers.
    let trade = format!("(?:{TRADE_WORDS}|{})", TRADE_WORDS.to_uppercase());
    Regex::new(&format!(
        r"(?:{NAME_WORD}[ \u{{A0}}]){{1,4}}?{trade}(?:[ \u{{A0}}](?:Group|International|Services|Ltd|Co|GROUP|INTERNATIONAL|SERVICES|LTD|CO|CORP|INC))?(?:[^\p{{L}}\p{{N}}]|$)"
    ))
    .expect("trade word pattern compiles")
});

/// Forms written in front of the name, and cue words after which a
/// capitalised name is a company.
static BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?x)
        (?:(?P<form>(?-u:\b)(?:PT|CV)\x20|(?:ООО|ОАО|ЗАО|ПАО|АО|OOO|TOV|ТОВ)\x20?[«"„“]?)
         |(?:(?-u:\b)(?:M/[sS]|Messrs\.?|(?i:our\x20agents?|the\x20agents?|local\x20agents?|port\x20agents?|ship\x20?managers?|managers|charterers?|owners|operators?|suppliers?|brokers?|crewing\x20agency|manning\x20agency|agency|contractor|subcontractor|vendor))
           \x20?[,:]?\x20(?:the\x20)?))
        (?P<name>(?:[\p{Lu}][\p{L}\p{M}\d'’.\-&]*\x20?){1,4})"#,
    )
    .expect("cue pattern compiles")
});

/// Han, kana and hangul company names ending in their legal form.
static CJK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"[\p{Han}\p{Katakana}\p{Hiragana}A-Za-z（）()]{2,20}?(?:股份有限公司|有限责任公司|有限公司|集团|公司|株式会社|有限会社|주식회사)|[\p{Hangul}]{2,12}(?:\(주\)|[ ]주식회사)|(?:株式会社|有限会社|合同会社|주식회사|\(주\))[ ]?[\p{Han}\p{Katakana}\p{Hiragana}\p{Hangul}]{2,12}|[\p{Han}\p{Katakana}\p{Hiragana}]{1,10}(?:海運|汽船|水産|代理店|商船|海事)|\p{Hangul}{1,8}(?:해운|수산|상선|해양|물류|조선|해사|마린)",
    )
    .expect("CJK company pattern compiles")
});

/// Vietnamese companies and cooperatives start with their form and run
/// to a bracket, a comma or the line's end ("Công ty TNHH Vận tải Biển
/// Hồng Hà", "Hợp tác xã Nghề cá Phước Tỉnh").
static VIETNAMESE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:Tổng\s+công\s+ty|Công\s+ty|CÔNG\s+TY|Hợp\s+tác\s+xã)\s+[^,(（\n;:.–—\x22]{3,80}",
    )
    .expect("Vietnamese company pattern compiles")
});

/// Words that open a sentence or a clause and are not part of a name.
fn leading_noise(word: &str) -> bool {
    let w = word.trim_end_matches([',', '.']);
    // Sea words ("Ocean Kings Shipping") are common in company names.
    words::is_vessel_stop(w) || words::is_opener(w)
}

/// Drops sentence-opening words ("Yesterday", "The", "From") from the
/// front of a match; `None` when nothing of a name is left.
fn trim_front(text: &str, start: usize, name_end: usize) -> Option<usize> {
    let mut at = start;
    for word in text[start..name_end].split(' ') {
        if word.is_empty() {
            at += 1;
            continue;
        }
        if leading_noise(word) || word.chars().all(|c| c.is_ascii_digit()) {
            at += word.len() + 1;
        } else {
            break;
        }
    }
    (at < name_end).then_some(at)
}

pub(crate) fn detect(text: &str, guard: &Intervals, out: &mut Vec<Candidate>) {
    for m in LEGAL_FORM.find_iter(text) {
        let end = m.end()
            - text[..m.end()]
                .chars()
                .next_back()
                .map_or(0, |c| if c.is_alphanumeric() { 0 } else { c.len_utf8() });
        // The form itself is part of what is removed ("Nordvik Rederi AS"),
        // so the name part is what precedes it.
        let form_start = text[m.start()..end]
            .rfind([' ', '\u{A0}'])
            .map_or(m.start(), |i| m.start() + i + 1);
        let Some(start) = trim_front(text, m.start(), form_start.saturating_sub(1)) else {
            continue;
        };
        if all_caps_line(text, start) && !distinctive(&text[start..form_start]) {
            continue;
        }
        if !guard.overlaps(start, end) {
            out.push(Candidate::new(start, end, Kind::Org));
        }
    }
    for m in TRADE.find_iter(text) {
        let end = m.end()
            - text[..m.end()]
                .chars()
                .next_back()
                .map_or(0, |c| if c.is_alphanumeric() { 0 } else { c.len_utf8() });
        let trade_start = text[m.start()..end]
            .rfind([' ', '\u{A0}'])
            .map_or(m.start(), |i| m.start() + i + 1);
        let Some(start) = trim_front(text, m.start(), trade_start.saturating_sub(1)) else {
            continue;
        };
        if !distinctive(&text[start..trade_start]) {
            continue;
        }
        // "Orchid Marine Fuels", "Kilindini Marine Watch Services": the
        // name may go on after the trade word.
        let end = name_words(text, end, 2);
        if !guard.overlaps(start, end) {
            out.push(Candidate::new(start, end, Kind::Org));
        }
    }
    for c in BEFORE.captures_iter(text) {
        let Some(name) = c.name("name") else { continue };
        let mut end = name.start();
        for word in name.as_str().split(' ') {
            let w = word.trim_end_matches([',', '.', '»', '"', '“', ')']);
            if w.is_empty() || words::is_opener(w) || words::is_acronym(w) {
                break;
            }
            end += word.len() + 1;
        }
        let end = end.min(name.end());
        let end = name.start()
            + text[name.start()..end]
                .trim_end_matches([' ', ',', '.'])
                .len();
        // A legal form in front is part of the name ("ООО «Балтик»").
        let (start, end) = match c.name("form") {
            Some(form) => {
                let close = text[end..]
                    .chars()
                    .next()
                    .filter(|q| matches!(q, '»' | '"' | '“' | '”'))
                    .map_or(0, char::len_utf8);
                (form.start(), end + close)
            }
            None => (name.start(), end),
        };
        if end > name.start() && !guard.overlaps(start, end) {
            out.push(Candidate::new(start, end, Kind::Org));
        }
    }
    for m in CJK.find_iter(text) {
        if !guard.overlaps(m.start(), m.end()) {
            out.push(Candidate::new(m.start(), m.end(), Kind::Org));
        }
    }
    for m in VIETNAMESE.find_iter(text) {
        let name = m.as_str().trim_end();
        if !guard.overlaps(m.start(), m.start() + name.len()) {
            out.push(Candidate::new(m.start(), m.start() + name.len(), Kind::Org));
        }
    }
    for m in FRONT_TRADE.find_iter(text) {
        let end = name_words(text, m.end(), 5);
        if end > m.end() && !guard.overlaps(m.start(), end) {
            out.push(Candidate::new(m.start(), end, Kind::Org));
        }
    }
    for c in ORG_LABEL.captures_iter(text) {
        let Some(value) = c.get(1) else { continue };
        let v = value.as_str();
        let cut = [" - ", " / ", " (", ", ", " – ", " | "]
            .iter()
            .filter_map(|p| v.find(p))
            .min()
            .unwrap_or(v.len());
        let name = v[..cut].trim_end_matches([' ', '.', ',']);
        let start = value.start();
        let end = start + name.len();
        let words: Vec<&str> = name.split_whitespace().collect();
        if !words.is_empty()
            && words.len() <= 8
            && name
                .chars()
                .next()
                .is_some_and(|c| c.is_uppercase() || !c.is_ascii())
            && !name.contains('@')
            && !guard.overlaps(start, end)
        {
            out.push(Candidate::new(start, end, Kind::Org));
        }
    }
    // "Pomorska Żegluga Przybrzeżna Sp. z o.o. (PŻP)": the short form
    // in parentheses after a company names it too (and is spread).
    let found: Vec<usize> = out
        .iter()
        .filter(|c| c.kind == Kind::Org)
        .map(|c| c.end)
        .collect();
    for end in found {
        if let Some(m) = ACRONYM_AFTER.captures(&text[end..])
            && let Some(a) = m.get(1)
        {
            let (s, e) = (end + a.start(), end + a.end());
            if !words::is_acronym(a.as_str()) && !guard.overlaps(s, e) {
                out.push(Candidate::new(s, e, Kind::Org));
            }
        }
    }
}

/// Up to `max` capitalised words (and the joiners between them) from
/// `at`, after one space: the rest of a name that a trade word opened.
fn name_words(text: &str, at: usize, max: usize) -> usize {
    let mut end = at;
    let mut pos = at;
    let mut n = 0;
    while n < max && text[pos..].starts_with(' ') {
        let rest = &text[pos + 1..];
        let len = rest
            .find(|c: char| !(c.is_alphanumeric() || matches!(c, '-' | '\'' | '’' | '&' | '.')))
            .unwrap_or(rest.len());
        let word = rest[..len].trim_end_matches('.');
        let joiner = matches!(
            word,
            "de" | "del"
                | "la"
                | "las"
                | "los"
                | "du"
                | "des"
                | "do"
                | "da"
                | "dos"
                | "e"
                | "y"
                | "et"
                | "&"
        );
        let capital = word.chars().next().is_some_and(char::is_uppercase);
        if word.is_empty()
            || !(capital || joiner)
            || (capital && (words::is_opener(word) || words::is_acronym(word) && word.len() <= 3))
        {
            break;
        }
        pos = pos + 1 + word.len();
        if capital {
            end = pos;
            n += 1;
        }
    }
    end
}

/// Company names that a trade word opens: "Agencia Marítima Istmeña",
/// "Société Togolaise de Distribution", "Chantier Naval Fort Carré".
static FRONT_TRADE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)(?:Agencia|Agencias|Agence|Grupo|Groupe|Société|Compagnie|Compañía|Companhia|Empresa|Transports|Transportes|Chantier(?:[ ]Naval)?|Naviera|Astilleros?|Terminal(?:es)?|Hợp[ ]tác[ ]xã|Công[ ]ty|Ναυτιλιακή[ ]Εταιρεία|Armadora|Consorcio|Corporación|Cooperativa|Stichting)")
        .expect("front trade pattern compiles")
});

/// A label line naming a company: "Company: X", "OWNER/MANAGER: X",
/// "Armador: X", "선주: X".
static ORG_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?im)^[ \t\-*•]*(?:\d+\.\s*)?(?:company|owner|owners|manager|owner/manager|owners/managers|registered\s+owner|operator|charterers?|agency|agent|agencia|empresa|compañía|armador|armator|armator/manager|firma|selskap|rederi|reederei|εταιρεία|πλοιοκτήτρια|διαχειρίστρια|компания|судовладелец|судоводелец|şirket|armatör|acente|client|customer|shipper|consignee|transporteur|transportista|installation\s+portuaire|supplier|vendor|선주|회사|보고자|船东|船公司|管理公司|会社|船主|所有者)[ \t]*:[ \t]*([^\n]{2,90})")
        .expect("company label pattern compiles")
});

/// A short form in parentheses right after a company: " (PŻP)".
static ACRONYM_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[ ]?[(（]([\p{Lu}][\p{Lu}\p{N}&]{1,7})[)）]").expect("acronym pattern compiles")
});

/// Is the line holding `at` written in capitals (telex style), where every
/// word looks like a name?
fn all_caps_line(text: &str, at: usize) -> bool {
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    let line = &text[start..end];
    line.chars().filter(|c| c.is_alphabetic()).count() > 12 && !line.chars().any(char::is_lowercase)
}

/// A name part that is more than ordinary words: at least one word that is
/// neither a stop word nor a common English word.
fn distinctive(name: &str) -> bool {
    // "Sea Star Ship Suppliers", "Golden Ocean Bulk": ordinary words, but
    // the words of a ship's name, which companies share.
    let parts: Vec<&str> = name
        .split([' ', '\u{A0}'])
        .filter(|w| !w.is_empty())
        .collect();
    if parts.len() >= 2 && crate::ships::names_a_ship(&parts) {
        return true;
    }
    name.split([' ', '\u{A0}'])
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|w| !w.is_empty())
        .any(|w| {
            !words::is_stop(w)
                && !words::is_common(w)
                && !words::is_acronym(w)
                && !TRADE_WORD.is_match(w)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        detect(text, &Intervals::default(), &mut out);
        out.iter().map(|c| &text[c.start..c.end]).collect()
    }

    #[test]
    fn companies_by_legal_form_trade_word_and_cue() {
        for (t, want) in [
            (
                "invoice from Poseidon Crew Management Ltd yesterday",
                "Poseidon Crew Management Ltd",
            ),
            ("Nordvik Rederi AS confirmed", "Nordvik Rederi AS"),
            (
                "via Eastern Star Shipping Pte Ltd.",
                "Eastern Star Shipping Pte Ltd",
            ),
            ("Mar Azul S.A. de C.V. paid", "Mar Azul S.A. de C.V."),
            ("Yesterday Kallisto Maritime wrote", "Kallisto Maritime"),
            ("booked by M/s Sea Star Logistics", "Sea Star Logistics"),
            ("our agent, Seaways, asked", "Seaways"),
            ("PT Samudra Indah Lines", "PT Samudra Indah Lines"),
            ("ООО «Балтик Транс» заявило", "ООО «Балтик Транс»"),
            ("由上海远洋船务有限公司管理", "上海远洋船务有限公司"),
            (
                "Agent Ocean Kings Shipping Agencies Ltd and",
                "Ocean Kings Shipping Agencies Ltd",
            ),
            (
                "invoice from Orchid Marine Fuels - Credit",
                "Orchid Marine Fuels",
            ),
            (
                "del transportista Agencia Marítima Istmeña, S.A.",
                "Agencia Marítima Istmeña",
            ),
            (
                "5. OWNER/MANAGER: KORALIA TANKERS MANAGEMENT INC, ATHENS",
                "KORALIA TANKERS MANAGEMENT INC",
            ),
            ("보고자: 한서해운(주) 안전관리팀", "한서해운(주)"),
        ] {
            let got = found(t);
            // Chinese has no spaces: a preposition in front may go too.
            assert!(
                got.iter()
                    .any(|g| *g == want || (g.contains(want) && g.len() <= want.len() + 3)),
                "{t:?}: {got:?}"
            );
        }
    }

    #[test]
    fn a_short_form_after_a_company_names_it_too() {
        let t = "Pomorska Żegluga Przybrzeżna Sp. z o.o. (PŻP), Gdynia";
        assert!(found(t).contains(&"PŻP"), "{:?}", found(t));
    }

    #[test]
    fn ordinary_phrases_are_not_companies() {
        for t in [
            "The Shipping industry is worried",
            "SAME AS BEFORE, NO CHANGE",
            "a Maritime Security officer",
            "Global Marine traffic was light",
        ] {
            assert!(found(t).is_empty(), "{t:?}: {:?}", found(t));
        }
    }
}
