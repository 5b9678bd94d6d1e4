//! Ships' names where no prefix, cue or table introduces them: by the
//! words ships are named with ("Limassol Pride", "Sea Falcon", "Good
//! Fortune"), by a ship type after them in brackets ("Pacific Dawn
//! (product tanker)"), by the other script's name beside a found one
//! ("春日丸 (Kasuga Maru)"), by the lists a found ship stands in, and by
//! the suffixes of Japanese, Chinese and Korean ship names (丸, 号, 호).

use std::sync::LazyLock;

use regex::Regex;

use crate::Kind;
use crate::text::{Candidate, Intervals, is_word, next_char, prev_char};
use crate::words;

/// Last words of ships' names: virtues, birds, stars, jewels, trades.
#[rustfmt::skip]
const HEADS: &[&str] = &[
    "spirit", "pride", "trader", "express", "star", "glory", "dawn", "grace", "fortune", "breeze",
    "viking", "harmony", "horizon", "pioneer", "venture", "falcon", "eagle", "heron", "jade",
    "lotus", "orchid", "wanderer", "voyager", "navigator", "explorer", "endeavour", "endeavor",
    "carrier", "majesty", "hope", "success", "progress", "unity", "victory", "triumph",
    "challenger", "warrior", "champion", "guardian", "sentinel", "osprey", "dolphin", "phoenix",
    "crest", "pearl", "jewel", "diamond", "emerald", "sapphire", "ruby", "crystal", "blossom",
    "comet", "galaxy", "hero", "legend", "dream", "arrow", "knight", "ace", "prosperity",
    "harvest", "endurance", "integrity", "loyalty", "fidelity", "liberty", "serenity",
    "tranquility", "solace", "felicity", "destiny", "odyssey", "voyage", "frontier", "maru",
    "leader", "supporter", "provider", "server", "mariner", "seeker", "runner", "bris", "vind",
    "fjord", "sun", "wind", "frost", "iris", "link", "princess", "queen", "swan", "albatross",
    "condor", "kestrel", "merlin", "seagull", "gull", "petrel", "tern", "cormorant", "pelican",
    "dragon", "lion", "tiger", "leopard", "panther", "stallion", "mustang", "unicorn", "pegasus",
    "neptune", "poseidon", "triton", "atlas", "titan", "hercules", "orion", "polaris", "sirius",
    "vega", "aurora", "boreas", "zephyr", "mistral", "monsoon", "typhoon", "cyclone", "tide",
    "wave", "surf", "spray", "sky", "moon",
    "light", "beacon", "lighthouse", "sunrise", "sunset", "twilight", "rainbow", "lily", "rose",
    "tulip", "jasmine", "camellia", "magnolia", "sakura", "laurel", "cedar", "cypress", "olive",
    "palm", "pine", "oak", "maple", "linden", "bey", "sultan", "yıldızı", "rüzgarı", "stjerne",
    "stern", "stella", "estrella", "mare", "del", "duchess", "countess", "baroness", "empress",
    "emperor", "monarch", "sovereign", "regent", "noble", "valiant", "intrepid", "dauntless",
    "resolute", "courage", "bravery", "wisdom", "glory", "splendour", "splendor", "brilliance",
    "radiance", "genesis", "infinity", "eternity", "ambition", "vision", "mission", "promise",
    "alliance", "friendship", "goodwill", "blessing", "miracle", "paradise", "eden", "utopia",
];

/// First words of ships' names: "Sea Falcon", "Cape Solace", "Bright
/// Horizon". After one of these a capitalised word that is no ordinary
/// word, or a word of [`HEADS`], makes a ship.
#[rustfmt::skip]
const OPENERS: &[&str] = &[
    "sea", "ocean", "oceanic", "pacific", "atlantic", "nordic", "cape", "good", "bright", "blue",
    "green", "golden", "silver", "royal", "celestial", "grand", "princess", "queen", "lady", "star",
    "stella", "kapitan", "kapitan", "admiral", "polar", "arctic", "coral", "crystal", "jade",
    "pearl", "ocean", "marine", "maritime", "aegean", "baltic", "caspian", "asian", "oriental",
    "african", "hellenic", "iberian", "nordic", "scandinavian", "hanseatic", "harbour", "harbor",
    "emerald", "sapphire", "diamond", "ruby", "silver", "great", "noble", "lucky", "happy",
    "glorious", "mighty", "brave", "kind", "sunny", "morning", "evening", "northern",
    "southern", "eastern", "western",
];

/// Second words that make a place, a region or a thing of an opener:
/// "Cape Town", "Pacific Ocean", "Green Zone".
#[rustfmt::skip]
const NOT_AFTER_OPENER: &[&str] = &[
    "town", "verde", "horn", "cod", "hatteras", "agulhas", "canaveral", "finisterre", "comorin",
    "leeuwin", "guardafui", "lopez", "palmas", "coast", "ocean", "sea", "region", "rim", "basin",
    "islands", "island", "area", "zone", "standard", "time", "route", "rim", "alliance", "navy",
    "mail", "team", "friday", "week", "australia", "europe", "asia", "africa", "america",
    "canada", "japan", "korea", "china", "india", "russia", "caribbean", "mediterranean",
    "hemisphere", "province", "district", "provinces", "states", "territory", "territories",
    "council", "cooperation", "countries", "lights", "shipping", "maritime", "marine", "lines",
    "line", "group", "holdings", "management", "tankers", "bulk", "carriers", "navigation",
];

/// Words that never open a ship's name even though capitalised: a title
/// case phrase ("Quick Link", "Rising Star") or a sentence's first word.
#[rustfmt::skip]
const NEVER_BEFORE_HEAD: &[&str] = &[
    "morning", "rising", "shooting", "guiding", "holy", "quick", "safe", "direct", "data", "day",
    "fighting", "free", "open", "best", "last", "next", "same", "other", "every", "any", "no",
    "one", "two", "three", "dark", "deep", "magic", "download", "reset", "shared", "private",
    "public", "secure", "click", "short", "team", "community", "customer", "school", "public",
    "north", "south", "east", "west", "red", "lone", "little", "big", "high", "low", "bad",
    "malicious", "suspicious", "external", "internal", "remote", "local", "main", "backup",
    "primary", "secondary", "daily", "weekly", "monthly", "annual", "full", "half", "hot", "cold",
];

fn in_list(list: &[&str], word: &str) -> bool {
    let lower = word.to_lowercase();
    list.contains(&lower.as_str())
}

/// Runs of capitalised words (Title Case or CAPITALS) with an optional
/// number or Roman numeral after them.
static RUN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\p{Lu}[\p{L}\p{M}’'-]*(?:[ \u{A0}]\p{Lu}[\p{L}\p{M}’'-]*){1,3}")
        .expect("capitalised run pattern compiles")
});

/// What may follow a ship's name as part of it: " 3", " II", " No.7".
static TAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[ ](?:\d{1,3}|II|III|IV|V|VI|VII|VIII|IX|X|No\.?[ ]?\d{1,3})(?-u:\b)")
        .expect("name tail pattern compiles")
});

/// Is `word` capitalised and fit to stand inside a ship's name?
fn name_word(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
        && word.chars().count() >= 2
        && !words::is_opener(word)
        && (!words::is_vessel_stop(word) || in_list(HEADS, word))
        && !crate::names::ship_type(word)
        && (!words::is_acronym(word) || word.chars().any(char::is_lowercase))
        && !words::is_calendar(word)
}

/// Does `w` (a window of a run's words) name a ship by its words?
fn ship_words(w: &[&str]) -> bool {
    let (first, last) = (w[0], w[w.len() - 1]);
    if !w.iter().all(|x| name_word(x)) {
        return false;
    }
    let before_ok = |x: &&str| !in_list(NEVER_BEFORE_HEAD, x);
    let by_head = in_list(HEADS, last) && w[..w.len() - 1].iter().all(before_ok);
    let by_opener = in_list(OPENERS, first)
        && !in_list(NOT_AFTER_OPENER, last)
        && !crate::people::is_place(last)
        && (in_list(HEADS, last) || !words::is_common(last))
        && !words::is_stop(last);
    // "GOOD MORNING" is no ship: in capitals both words must tell.
    by_head || by_opener
}

/// Do two or three words in a row of `words` make a name the way ships
/// are named?
pub(crate) fn names_a_ship(words: &[&str]) -> bool {
    (2..=3).any(|n| words.windows(n).any(ship_words))
}

/// Ships named by their words.
fn by_words(text: &str, guard: &Intervals, out: &mut Vec<Candidate>) {
    for m in RUN.find_iter(text) {
        if matches!(prev_char(text, m.start()), Some(c) if is_word(c) || c == '@' || c == '.' || c == '\\' || c == '-' || c == ']')
        {
            continue;
        }
        if matches!(next_char(text, m.end()), Some(c) if is_word(c) || c == '@' || c == '\\' || c == '[')
        {
            continue;
        }
        let run = m.as_str();
        // Byte offset of each word in the run.
        let mut offs = Vec::new();
        let mut ws = Vec::new();
        let mut at = 0;
        for w in run.split([' ', '\u{A0}']) {
            offs.push(m.start() + at);
            ws.push(w);
            at += w.len() + 1 + usize::from(run[at + w.len()..].starts_with('\u{A0}'));
        }
        // The longest window that names a ship, leftmost first.
        let mut i = 0;
        while i + 1 < ws.len() {
            let mut hit = None;
            for j in (i + 2..=ws.len().min(i + 3)).rev() {
                if ship_words(&ws[i..j]) {
                    hit = Some(j);
                    break;
                }
            }
            match hit {
                Some(j) => {
                    let s = offs[i];
                    let mut e = offs[j - 1] + ws[j - 1].len();
                    if let Some(t) = TAIL.find(&text[e..]) {
                        e += t.end();
                    }
                    let org = followed_by_trade(text, e);
                    if !org && !guard.overlaps(s, e) {
                        out.push(Candidate::new(s, e, Kind::Vessel));
                    }
                    i = j;
                }
                None => i += 1,
            }
        }
    }
}

/// "Sea Star Shipping", "Bright Horizon Maritime": a company's name.
fn followed_by_trade(text: &str, end: usize) -> bool {
    let rest = text[end..].trim_start_matches([' ', '\u{A0}']);
    let word: String = rest.chars().take_while(|c| c.is_alphabetic()).collect();
    // "Good Fortune as well": only a capitalised word makes a company.
    if !word.starts_with(char::is_uppercase) {
        return false;
    }
    in_list(NOT_AFTER_OPENER, &word)
        || matches!(
            word.to_lowercase().as_str(),
            "ltd"
                | "limited"
                | "inc"
                | "llc"
                | "gmbh"
                | "pte"
                | "co"
                | "corp"
                | "sa"
                | "as"
                | "agencies"
                | "agency"
                | "services"
                | "trading"
                | "logistics"
                | "ship"
                | "ships"
                | "crew"
                | "crewing"
                | "manning"
                | "chartering"
                | "fuel"
                | "fuels"
                | "oil"
                | "energy"
                | "offshore"
                | "insurance"
                | "bank"
                | "hotel"
                | "club"
                // "Northwind Polaris IT": a company's department.
                | "it"
                | "hr"
                | "finance"
                | "accounts"
                | "ops"
                | "operations"
                | "department"
                | "team"
                | "office"
                | "desk"
                | "hq"
                | "headquarters"
        )
}

/// A ship type, class or yacht maker in brackets after a name: "(product
/// tanker, 38k dwt)", "(PSV)", "(Beneteau 57)", "(24 m gulet)".
static TYPE_IN_BRACKETS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)^\x20?[(（](?:[\w.,'-]+\x20){0,3}?
        (?i:tanker|tankers|PSV|AHTS|OSV|DSV|CSV|MPSV|bulker|bulk\s+carrier|container\s+ship|feeder|reefer
        |ro-?ro|ropax|ro-pax|ferry|trawler|longliner|purse\s+seiner|seiner|tug|pusher|barge|yacht|gulet
        |catamaran|sailing\s+yacht|motor\s+yacht|schooner|ketch|sloop|dredger|cable\s+layer|LNG\s+carrier
        |LPG\s+carrier|VLCC|VLGC|ULCC|Aframax|Suezmax|Panamax|Supramax|Ultramax|Handysize|Handymax
        |Kamsarmax|Capesize|car\s+carrier|PCTC|PCC|heavy\s+lift|general\s+cargo|coaster|MR|LR1|LR2
        |FPSO|FSO|FSRU|ship|vessel|boat|launch|crew\s+boat|supply\s+vessel|Beneteau|Bavaria|Lagoon
        |Azimut|Sunseeker|Ferretti|Jeanneau|Princess\s+\d|Riva|Hallberg-Rassy|Oyster|Swan\s+\d
        |\d+k?\s?dwt|\d+\s?TEU|\d+\s?m\s+\w+)(?-u:\b)",
    )
    .expect("ship type in brackets pattern compiles")
});

/// Words of a language's own for a kind of ship, before its name:
/// "catamarán SA DRAGONERA II", "lancha Ventania", "promy Wawel Star".
static TYPE_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)(?:catamar[aá]n|atunero(?:\s+congelador)?|pesquero|arrastrero|remolcador|velero|veleiro
        |lancha|iate|barco|prom[ya]?|jacht(?:u|em)?|waterbus|ferry|ferries|escort\s+boat|supply\s+vessel
        |support\s+vessel|buque\s+de\s+apoyo(?:\s+de\s+la\s+flota)?|calling\s+itself|using\s+the\s+name
        |under\s+the\s+name|renamed|named\s+as|ex-name|ship\s+called|vessel\s+called|tanker\s+called
        |the\s+name|name|sister|sisters|newbuild|newbuilding|tanker|bulker|carrier|feeder|trawler
        |longliner|seiner|tugboat|pusher|толкач[аи]?|буксир[аы]?|теплоход[аы]?|судн[оа]|πλοί(?:ο|ου|α)
        |ιστιοπλοϊκ(?:ό|ού)|gemi(?:si|miz)?|kapal|tàu|tàu\s+cá|barko)(?:\s+\(\w+\))?[:]?\x20+[«„\x22“]?",
    )
    .expect("ship type before pattern compiles")
});

/// Ships named after a word for a ship ("lancha Ventania") or before a
/// ship type in brackets ("Rogaland Viking (PSV)").
fn by_type(text: &str, guard: &Intervals, out: &mut Vec<Candidate>) {
    for m in TYPE_BEFORE.find_iter(text) {
        if prev_char(text, m.start()).is_some_and(is_word) {
            continue;
        }
        if let Some(e) = capitalised_name(text, m.end(), guard) {
            out.push(Candidate::new(m.end(), e, Kind::Vessel));
        }
    }
    for (at, _) in text.match_indices(['(', '（']) {
        let before = text[..at].trim_end_matches(' ');
        if before.len() == at && !text[..at].ends_with(['»', '”', '"']) && at > 0 {
            // "Tanker(s)": no space, no name.
            if prev_char(text, at).is_some_and(is_word) {
                continue;
            }
        }
        if !TYPE_IN_BRACKETS.is_match(&text[before.len()..]) {
            continue;
        }
        if let Some(s) = name_before(text, before.len(), guard) {
            out.push(Candidate::new(s, before.len(), Kind::Vessel));
        }
    }
}

/// The capitalised name (one to four words, a number or numeral at its
/// end) that starts at `at`, and its end.
fn capitalised_name(text: &str, at: usize, guard: &Intervals) -> Option<usize> {
    let m = NAME_AHEAD.find(&text[at..])?;
    let name = m.as_str();
    let mut end = at;
    let mut words_in = 0;
    let mut pos = 0;
    for w in name.split(' ') {
        let letters = w.chars().next().is_some_and(char::is_alphabetic);
        if letters && !name_word(w) && !(words_in > 0 && matches!(w, "DE" | "DEL" | "LA" | "DO")) {
            break;
        }
        if !letters && words_in == 0 {
            break;
        }
        words_in += 1;
        end = at + pos + w.len();
        pos += w.len() + 1;
    }
    // A name ends on a word, not on a joiner.
    let name = &text[at..end];
    if name.ends_with(" DE") || name.ends_with(" DEL") || name.ends_with(" LA") {
        return None;
    }
    (words_in > 0 && !guard.overlaps(at, end)).then_some(end)
}

static NAME_AHEAD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\p{Lu}[\p{L}\p{M}’'-]*(?:[ ](?:\p{Lu}[\p{L}\p{M}’'-]*|\d{1,5}|No\.\d{1,3})){0,3}")
        .expect("name ahead pattern compiles")
});

/// The start of the capitalised name (one to four words) that ends at
/// `end`, on the same line, if there is one.
fn name_before(text: &str, end: usize, guard: &Intervals) -> Option<usize> {
    let line_start = text[..end].rfind('\n').map_or(0, |i| i + 1);
    let mut start = end;
    let mut cur = end;
    let mut count = 0;
    let mut letters = 0;
    while count < 4 && cur > line_start {
        let ws = text[line_start..cur]
            .char_indices()
            .rev()
            .find(|&(_, c)| matches!(c, ' ' | '(' | ',' | ':' | '"' | '“' | '«' | '/' | ';'))
            .map_or(line_start, |(i, c)| line_start + i + c.len_utf8());
        let word = &text[ws..cur];
        let number = !word.is_empty() && word.chars().all(|c| c.is_ascii_digit()) && count == 0;
        if !number && (!name_word(word) || crate::words::is_acronym(word) && count == 0) {
            break;
        }
        letters += usize::from(!number);
        start = ws;
        count += 1;
        if ws == line_start || !text[..ws].ends_with(' ') {
            break;
        }
        cur = ws - 1;
    }
    // "Dawn" alone after a lower-case word is a name; "The" is not.
    (letters > 0 && start < end && !guard.overlaps(start, end)).then_some(start)
}

/// Japanese ships end in 丸 ("第三さくら丸", "春日丸"); ferries start with
/// フェリー; Korean ones end in 호 ("바다누리호", "제37한빛호", "GREEN
/// LOTUS호"); Chinese ones are a name and a number ("海洋12", "远帆8号").
static CJK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        ([\p{Han}\p{Hiragana}\p{Katakana}ー]{2,10}丸)(?:[^いくめみご]|$)
        |(フェリー[\p{Hiragana}\p{Katakana}\p{Han}ー]{2,8})
        |((?:제\d{1,3})?\p{Hangul}{2,8}호|[A-Z][A-Z\x20]{2,20}[A-Z]호)(?:[가는의에를와로이도\s,.)]|$)
        |[“「\x22]([\p{Han}]{1,6}\d{1,5}号?)[”」\x22]
        |(\p{Han}+\d{2,5})",
    )
    .expect("CJK ship pattern compiles")
});

/// Korean words ending in 호 that are no ship: number, password, signal.
const HO_WORDS: &[&str] = &[
    "번호", "암호", "신호", "보호", "변호", "간호", "경호", "구호", "기호", "부호", "선호", "수호",
    "애호", "우호", "칭호", "호호", "전호",
];

/// Han words before a number that make a count or a date of it.
const HAN_COUNTS: &[char] = &[
    '共', '约', '有', '第', '为', '是', '的', '了', '员', '名', '年', '月', '日', '计', '至', '到',
    '及', '和', '或', '与', '等', '在', '于', '号', '批', '次', '个', '人', '船',
];

fn cjk(text: &str, guard: &Intervals, out: &mut Vec<Candidate>) {
    for c in CJK.captures_iter(text) {
        let Some(m) = (1..=5).find_map(|i| c.get(i)) else {
            continue;
        };
        let name = m.as_str();
        if name.ends_with('호') && HO_WORDS.iter().any(|w| name.ends_with(w)) {
            continue;
        }
        if name.ends_with('丸')
            && ["弾丸", "日の丸", "砲丸", "一丸", "本丸"]
                .iter()
                .any(|w| name.ends_with(w))
        {
            continue;
        }
        if c.get(5).is_some() {
            // A name of two to four characters standing alone in a list
            // or after a colon: "渔船：浙岱渔03168、海晟608（HAI SHENG 608）".
            let han: String = name.chars().take_while(|c| !c.is_ascii_digit()).collect();
            let alone_before = prev_char(text, m.start()).is_none_or(|p| {
                matches!(p, '：' | ':' | '、' | '，' | ',' | '（' | '(' | ' ' | '\n')
            });
            let rest = text[m.end()..].trim_start_matches(['号', '轮']);
            let alone_after = rest.chars().next().is_none_or(|n| {
                matches!(n, '（' | '(' | '、' | '，' | ',' | ' ' | '。' | '；' | '\n')
            });
            let count = han.chars().last().is_some_and(|l| HAN_COUNTS.contains(&l))
                || han.chars().next().is_some_and(|f| HAN_COUNTS.contains(&f));
            if !(2..=4).contains(&han.chars().count()) || !alone_before || !alone_after || count {
                continue;
            }
        }
        if !guard.overlaps(m.start(), m.end()) {
            out.push(Candidate::new(m.start(), m.end(), Kind::Vessel));
        }
    }
}

/// The name in brackets right after a ship's, or right before it when
/// the found one is in brackets: the same ship in another script or
/// spelling ("海洋12 (MT Hai Yang 12)", "HINODE ACE（ひので エース）").
fn aliases(text: &str, guard: &Intervals, out: &mut Vec<Candidate>) {
    let found: Vec<(usize, usize)> = out
        .iter()
        .filter(|c| c.kind == Kind::Vessel && !c.extra)
        .map(|c| (c.start, c.end))
        .collect();
    for (s, e) in found {
        let after = e + text[e..]
            .chars()
            .take_while(|c| matches!(c, '"' | '”' | '»' | '」' | ' '))
            .map(char::len_utf8)
            .sum::<usize>();
        if let Some(open) = next_char(text, after).filter(|c| matches!(c, '(' | '（')) {
            let from = after + open.len_utf8();
            let from = from + crate::names::prefix_len(&text[from..]);
            let inner = text[from..]
                .find([')', '）', ',', '，', ';', '\n', '/'])
                .map_or(&text[from..], |i| &text[from..from + i]);
            let inner = inner.trim_end();
            if alias_like(inner) && !guard.overlaps(from, from + inner.len()) {
                out.push(Candidate::new(from, from + inner.len(), Kind::Vessel));
            }
        }
        let before = text[..s].trim_end_matches(['"', '“', '«', '「']);
        if let Some(open) = prev_char(text, before.len()).filter(|c| matches!(c, '(' | '（')) {
            let close = before.len() - open.len_utf8();
            let end = text[..close]
                .trim_end_matches([' ', '"', '”', '»', '」'])
                .len();
            let start = text[..end]
                .rfind([
                    ' ', ':', '：', '\n', '(', ',', '，', '、', '」', '「', '“', '"',
                ])
                .map_or(0, |i| i + next_char(text, i).map_or(1, char::len_utf8));
            let inner = &text[start..end];
            let cjk = inner.chars().any(|c| !c.is_ascii() && c.is_alphabetic());
            if cjk && alias_like(inner) && !guard.overlaps(start, end) {
                out.push(Candidate::new(start, end, Kind::Vessel));
            } else if let Some(st) = name_before(text, end, guard)
                && ship_like_before(&text[st..end])
            {
                out.push(Candidate::new(st, end, Kind::Vessel));
            }
        }
    }
}

/// A Latin name before a found ship in brackets: more than one ordinary
/// word, or a word of [`HEADS`] ("DONGFANG RUIHAI", "Kasuga Maru").
fn ship_like_before(name: &str) -> bool {
    let ws: Vec<&str> = name.split(' ').collect();
    ws.iter().any(|w| in_list(HEADS, w) || !words::is_common(w)) && ws.len() <= 4
}

/// Does `inner` look like another name of a ship: capitalised or in a
/// script without case, not a type, an IMO number or a flag?
fn alias_like(inner: &str) -> bool {
    let n = inner.chars().count();
    if !(2..=40).contains(&n) {
        return false;
    }
    let first = inner.split(' ').next().unwrap_or("");
    let caseless = inner
        .chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() && !c.is_uppercase() && !c.is_lowercase());
    (caseless || name_word(first))
        && !TYPE_IN_BRACKETS.is_match(&format!("({inner}"))
        && !first.eq_ignore_ascii_case("imo")
        && !first.eq_ignore_ascii_case("mmsi")
        && !crate::people::is_place(first)
        && !inner.contains(['@', ':', '='])
}

/// A found ship's list-mates: "Syros Wind, Vari Bay, Kini", "Kythira Sun
/// και Avlemonas", "Alster Trader, Binnenalster".
fn list_mates(text: &str, guard: &Intervals, out: &mut Vec<Candidate>) {
    let found: Vec<(usize, usize)> = out
        .iter()
        .filter(|c| c.kind == Kind::Vessel && !c.extra)
        .map(|c| (c.start, c.end))
        .collect();
    let mut more = Vec::new();
    for (s, e) in found {
        // Forwards: ", X", " and X" ... up to six mates.
        let mut at = e;
        for _ in 0..6 {
            let Some(j) = JOIN.find(&text[at..]) else {
                break;
            };
            let from = at + j.end();
            let from = from + crate::names::prefix_len(&text[from..]);
            match capitalised_name(text, from, guard) {
                Some(end) if mate_ok(&text[from..end]) => {
                    more.push(Candidate::new(from, end, Kind::Vessel));
                    at = end;
                }
                _ => break,
            }
        }
        // Backwards: "X, Y and <found>".
        let mut cur = s;
        for _ in 0..6 {
            let before = &text[..cur];
            let Some(j) = JOIN_BACK.find(before) else {
                break;
            };
            let end = j.start();
            match name_before(text, end, guard) {
                Some(st) if mate_ok(&text[st..end]) => {
                    more.push(Candidate::new(st, end, Kind::Vessel));
                    cur = st;
                }
                _ => break,
            }
        }
    }
    out.extend(more);
}

/// A list-mate is a name, not a count, a place or a list's last phrase.
fn mate_ok(name: &str) -> bool {
    let ws: Vec<&str> = name.split(' ').collect();
    let first = ws[0];
    !(ws.len() == 1 && (words::is_common(first) || crate::people::is_place(first)))
        && !ws.iter().all(|w| crate::people::is_place(w))
        && first.chars().next().is_some_and(char::is_alphabetic)
}

static JOIN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[\x22”»」]?(?:,[ ]?|[ ]?[&+/][ ]|[ ](?:and|og|und|en|και|y|e|i|ve|и|oraz|och|ja|et)[ ])[\x22“«「]?")
        .expect("list join pattern compiles")
});

static JOIN_BACK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[\x22”»」]?(?:,[ ]?|[ ]?[&+/][ ]|[ ](?:and|og|und|en|και|y|e|i|ve|и|oraz|och|ja|et)[ ])[\x22“«「]?$")
        .expect("list join pattern compiles")
});

/// "the Falcon" after "Nordic Falcon": a found ship's last word after
/// "the" is the ship again.
fn short_forms(text: &str, guard: &Intervals, out: &mut Vec<Candidate>) {
    let lasts: Vec<String> = out
        .iter()
        .filter(|c| c.kind == Kind::Vessel && !c.extra)
        .filter_map(|c| {
            let v = &text[c.start..c.end];
            let (_, last) = v.rsplit_once(' ')?;
            (last.chars().count() >= 3 && name_word(last)).then(|| last.to_string())
        })
        .collect();
    for last in lasts {
        for pat in [format!("the {last}"), format!("The {last}")] {
            for (s, _) in text.match_indices(&pat) {
                let (s, e) = (s + 4, s + pat.len());
                if !next_char(text, e).is_some_and(is_word) && !guard.overlaps(s, e) {
                    out.push(Candidate::new(s, e, Kind::Vessel));
                }
            }
        }
    }
}

/// Greek owners' ships are a name and a capital: "Costas M", "Eleni K".
fn lettered(text: &str, guard: &Intervals, out: &mut Vec<Candidate>) {
    // Tried at every capital that starts a word: matches may overlap
    // ("Tel Aahost C").
    for (at, c) in text.char_indices() {
        if !c.is_uppercase() || prev_char(text, at).is_some_and(|p| is_word(p) || p == ']') {
            continue;
        }
        // A capital, two or more small letters, a space and a capital.
        let mut it = text[at..].char_indices().skip(1);
        let mut word_end = None;
        let mut smalls = 0;
        for (i, ch) in it.by_ref() {
            if ch.is_lowercase() {
                smalls += 1;
            } else {
                word_end = (ch == ' ' && smalls >= 2).then_some(at + i);
                break;
            }
        }
        let Some(word_end) = word_end else { continue };
        let Some(capital) = next_char(text, word_end + 1).filter(|c| c.is_uppercase()) else {
            continue;
        };
        let (start, end) = (at, word_end + 1 + capital.len_utf8());
        let word = &text[start..word_end];
        // "Seán Ó Briain": a capital before another name (or the
        // placeholder that replaced one) is no ship's.
        let more_name = text[end..].starts_with(' ')
            && next_char(text, end + 1).is_some_and(|c| c.is_uppercase() || c == '[');
        // "C:", "a.b.Tel C": a drive letter, a dotted token.
        let dotted = prev_char(text, start) == Some('.');
        let ends = !more_name
            && !dotted
            && !text[end..].starts_with(':')
            && !next_char(text, end)
                .is_some_and(|c| is_word(c) || matches!(c, '.' | '-' | '\'' | '’' | '['));
        if ends
            && name_word(word)
            && !words::is_common(word)
            && !crate::people::is_place(word)
            && !guard.overlaps(start, end)
        {
            out.push(Candidate::new(start, end, Kind::Vessel));
        }
    }
}

/// Adds the ships this module recognises to `out`, which already holds
/// what the cue, prefix and table rules found.
pub(crate) fn detect(text: &str, guard: &Intervals, out: &mut Vec<Candidate>) {
    by_words(text, guard, out);
    lettered(text, guard, out);
    by_type(text, guard, out);
    cjk(text, guard, out);
    aliases(text, guard, out);
    list_mates(text, guard, out);
    short_forms(text, guard, out);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ships(text: &str) -> Vec<String> {
        let guard = crate::protect::word_guard(text, &crate::protect::spans(text, &[]));
        let mut out = Vec::new();
        detect(text, &guard, &mut out);
        let mut v: Vec<String> = out
            .iter()
            .map(|c| text[c.start..c.end].to_string())
            .collect();
        v.sort();
        v.dedup();
        v
    }

    #[test]
    fn ships_by_their_words() {
        for (t, want) in [
            ("crew PC on Nordhavn Spirit was infected", "Nordhavn Spirit"),
            (
                "Nordic Falcon and Sea Harmony both got the mail",
                "Sea Harmony",
            ),
            ("hire for Ocean Grace is due", "Ocean Grace"),
            ("the same week, Good Fortune was hit", "Good Fortune"),
            ("ships run standalone: Limassol Pride too", "Limassol Pride"),
            ("bunkers for BRIGHT HORIZON at Fujairah", "BRIGHT HORIZON"),
            ("Cape Solace logged it", "Cape Solace"),
        ] {
            assert!(
                ships(t).contains(&want.to_string()),
                "{want} in {t:?}: {:?}",
                ships(t)
            );
        }
    }

    #[test]
    fn ordinary_title_case_is_no_ship() {
        for t in [
            "They left from Cape Town for the Pacific Ocean.",
            "Our Blue Team and the Red Team met on Good Friday.",
            "Click the Quick Link in Microsoft Safe Link.",
            "GOOD MORNING ALL, PLEASE NOTE",
            "Star Blizzard and Volt Typhoon are actors.",
            "Sea Star Shipping Pte Ltd paid",
            "Northwind Polaris IT at ops@northwind.example was told.",
        ] {
            assert_eq!(ships(t), Vec::<String>::new(), "in {t:?}");
        }
    }

    #[test]
    fn ships_before_a_type_and_after_a_word_for_a_ship() {
        let got = ships("At 0215LT, Pacific Dawn (product tanker, 38k dwt) was boarded.");
        assert!(got.contains(&"Pacific Dawn".to_string()), "{got:?}");
        let got = ships("Fartøy nevnt: Rogaland Viking (PSV) og Rogaland Supporter (AHTS).");
        assert!(got.contains(&"Rogaland Supporter".to_string()), "{got:?}");
        let got = ships("el veleiro Brisa do Mar y la lancha Ventania (Azimut 55).");
        assert!(got.contains(&"Ventania".to_string()), "{got:?}");
        let got = ships("a product tanker using the name HAI TIAN 9, with forged CSR");
        assert!(got.contains(&"HAI TIAN 9".to_string()), "{got:?}");
    }

    #[test]
    fn lists_aliases_and_short_forms() {
        let got = ships("πλοίων (Syros Wind, Vari Bay, Kini). Με εκτίμηση");
        assert!(got.contains(&"Kini".to_string()), "{got:?}");
        assert!(got.contains(&"Vari Bay".to_string()), "{got:?}");
        let got = ships("GNSS report – 春日丸 (Kasuga Maru)");
        assert!(got.contains(&"春日丸".to_string()), "{got:?}");
        let got = ships("Impact: PMS for Costas M, Eleni K and Limassol Pride; see Annex B.");
        assert!(got.contains(&"Eleni K".to_string()), "{got:?}");
        assert!(!got.iter().any(|g| g.contains("Annex")), "{got:?}");
        let got = ships("Nordic Falcon reported it; the Falcon later sailed.");
        assert!(got.contains(&"Falcon".to_string()), "{got:?}");
    }

    #[test]
    fn cjk_ship_names() {
        let got =
            ships("下载了“远帆7”“远帆9”两船的证书；渔船：浙岱渔03168、海晟608（HAI SHENG 608）");
        for want in ["远帆7", "远帆9", "浙岱渔03168", "海晟608"] {
            assert!(got.contains(&want.to_string()), "{want}: {got:?}");
        }
        let got = ships("2. 영향 / 한빛 7호, 바다누리호, 그리고 비밀번호 변경");
        assert!(got.contains(&"바다누리호".to_string()), "{got:?}");
        assert!(!got.iter().any(|g| g.contains("번호")), "{got:?}");
        let got = ships("「第八大漁丸」の件、「フェリーかんもん」は影響なし。弾丸");
        assert!(got.contains(&"第八大漁丸".to_string()), "{got:?}");
        assert!(got.contains(&"フェリーかんもん".to_string()), "{got:?}");
        let got = ships("共12名船员，2024年3月");
        assert_eq!(got, Vec::<String>::new());
    }
}
