//! Signature blocks: the lines of a block that no layout rule claimed,
//! recognised by their place in it.
//!
//! A block is a run of short lines (at most 80 characters) that holds a
//! contact line (a phone number or an e-mail address) and a company or a
//! person. In it, a short line with a number that nothing else claimed
//! ("Harbour Area, Community 1", "вул. Транспортна, 5, м. Чорноморськ",
//! "ფოთი 4400, საქართველო") is an address line, and so is a line of names
//! between it and the contact lines ("Tema, Ghana"). A line of
//! capitalised words right above the address or the contact lines, after
//! the name and the title, is the company ("Port Policing Unit",
//! "Vestlandets Skipsregistreringskontor"). The lines below "our real
//! address:" are an address whatever their script.
//!
//! Runs last, over what every other detector found, and counts the
//! placeholders a first pass left as what they replaced, so that a
//! second pass decides the same.

use std::sync::LazyLock;

use regex::Regex;

use crate::Kind;
use crate::text::{Candidate, Intervals};

/// Labels that open a contact line of a signature, not an address.
static CONTACT_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^[\s>*•\-]*(?:tel|tlf|telf|phone|ph|mob|mobile|cell|fax|gsm|whatsapp|viber|email|e-mail|mail|web|www|url|skype|teams|đt|dđ|тел|моб|факс|τηλ|κιν|電話|电话|手机|傳真|ext|from|sent|to|cc|bcc|date|subject|de|para|von|an|van|aan|fra|til|od|do|от|кому|από|προς|kimden|kime)\b[\s.:]*|(?i)^[\s>*•\-]*[tmfpτ]\.?\s*[:.]?\s*[+(\d]",
    )
    .expect("contact label pattern compiles")
});

/// A placeholder another pass left: its lines count as what it replaced.
static PLACEHOLDER_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\[(EMAIL|PHONE|ORG|PERSON|ADDRESS)\]").expect("placeholder pattern compiles")
});

/// Words of a job title: the line is the signer's title, not a company.
static TITLE_WORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:officer|manager|director|executive|engineer|master|captain|superintendent|supt|clerk|coordinator|head|chief|analyst|specialist|assistant|secretary|accountant|handler|advis[eo]r|consultant|operator|dpa|cso|ciso|cfo|ceo|coo|cto|president|representative|lead|supervisor|administrator|inspector|surveyor|controller|dispatcher|planner|broker|agent|liaison|gerente|jefe|directora?|ingenier[oa]|capit[aã]n|kaptan|müdür|uzman|kierownik|specjalista|leiter|leiterin|sachbearbeiter|saksbehandler|konsulent|rådgiver|специалист|менеджер|директор|бухгалтер|начальник|инженер|капитан|υπεύθυνος|διευθυντής|πλοίαρχος|trưởng|giám\s+đốc|经理|主管|部长|船长)\b",
    )
    .expect("title word pattern compiles")
});

/// What is on a line: the kinds of the candidates over it and of the
/// placeholders in it.
fn kinds_on(text: &str, out: &[Candidate], s: usize, e: usize) -> Vec<Kind> {
    let mut kinds: Vec<Kind> = out
        .iter()
        .filter(|c| c.start < e && s < c.end)
        .map(|c| c.kind)
        .collect();
    kinds.extend(PLACEHOLDER_LINE.captures_iter(&text[s..e]).filter_map(|c| {
        match c.get(1).map(|m| m.as_str()) {
            Some("EMAIL") => Some(Kind::Email),
            Some("PHONE") => Some(Kind::Phone),
            Some("ORG") => Some(Kind::Org),
            Some("PERSON") => Some(Kind::Person),
            Some("ADDRESS") => Some(Kind::Address),
            _ => None,
        }
    }));
    kinds
}

/// The lines of `text` as the byte span of their trimmed body.
fn lines(text: &str) -> Vec<(usize, usize)> {
    let mut lines = Vec::new();
    let mut at = 0;
    for line in text.split('\n') {
        let body = line.trim();
        let lead = line.len() - line.trim_start().len();
        let start = if body.is_empty() { at } else { at + lead };
        lines.push((start, start + body.len()));
        at += line.len() + 1;
    }
    lines
}

/// Adds the address and company lines of the signature blocks in `text`,
/// and the lines below an address cue.
pub(crate) fn detect(text: &str, guard: &Intervals, out: &mut Vec<Candidate>) {
    let lines = lines(text);
    let mut found = Vec::new();
    below_cue(text, &lines, guard, &mut found);
    let mut i = 0;
    while i < lines.len() {
        let short = |&(s, e): &(usize, usize)| e > s && text[s..e].chars().count() <= 80;
        let start = i;
        while i < lines.len() && short(&lines[i]) {
            i += 1;
        }
        let block = &lines[start..i];
        i += 1;
        if block.len() >= 3 {
            in_block(text, block, guard, out, &mut found);
        }
    }
    out.extend(found);
}

/// "... our real address:" and the address on the lines below it.
fn below_cue(text: &str, lines: &[(usize, usize)], guard: &Intervals, found: &mut Vec<Candidate>) {
    for (j, &(s, e)) in lines.iter().enumerate() {
        if !crate::addresses::CUE.is_match(&text[s..e]) {
            continue;
        }
        for &(ls, le) in lines.iter().skip(j + 1).take(4) {
            let line = &text[ls..le];
            let digits = line.chars().any(|c| c.is_ascii_digit());
            if le <= ls
                || line.chars().count() > 80
                // "and ask to pay ...": the sentence goes on.
                || line.starts_with(|c: char| c.is_ascii_lowercase())
                || CONTACT_LABEL.is_match(line)
                || guard.overlaps(ls, le)
                || !(digits || line.split_whitespace().count() <= 4)
            {
                break;
            }
            found.push(Candidate::new(ls, le, Kind::Address));
        }
    }
}

/// The address and company lines of one block of short lines.
fn in_block(
    text: &str,
    block: &[(usize, usize)],
    guard: &Intervals,
    out: &[Candidate],
    found: &mut Vec<Candidate>,
) {
    let kinds: Vec<Vec<Kind>> = block
        .iter()
        .map(|&(s, e)| kinds_on(text, out, s, e))
        .collect();
    let contact = |j: usize| {
        let (s, e) = block[j];
        kinds[j]
            .iter()
            .any(|k| matches!(k, Kind::Phone | Kind::Email))
            || (CONTACT_LABEL.is_match(&text[s..e])
                && text[s..e].bytes().filter(u8::is_ascii_digit).count() >= 6)
    };
    let has_contact = (0..block.len()).any(contact);
    let has_party = kinds
        .iter()
        .any(|k| k.iter().any(|k| matches!(k, Kind::Org | Kind::Person)));
    if !has_contact || !has_party {
        return;
    }
    // Address lines first: the company line is found above them.
    let mut address = vec![false; block.len()];
    let mut address_before = false;
    for (j, &(s, e)) in block.iter().enumerate() {
        let line = &text[s..e];
        // Names in an address line (a street named after a person, a
        // town read as a name) do not claim it; anything else does.
        let claimed = kinds[j]
            .iter()
            .any(|k| !matches!(k, Kind::Person | Kind::Org | Kind::IdNumber | Kind::Address))
            || guard.overlaps(s, e);
        if kinds[j].contains(&Kind::Address) {
            // "просп. [street, 14, оф. 305]": the whole line goes.
            if !claimed {
                found.push(Candidate::new(s, e, Kind::Address));
            }
            address[j] = true;
            address_before = true;
            continue;
        }
        let words = line.split_whitespace().count();
        let digits = line.chars().any(|c| c.is_ascii_digit());
        let letters = line.chars().filter(|c| c.is_alphabetic()).count();
        let labelled = CONTACT_LABEL.is_match(line)
            || line.contains(['@', '/', '\\', '|', '=']) && !line.contains("P.O");
        let next_is_contact = j + 1 < block.len() && contact(j + 1);
        let next_is_address = kinds.get(j + 1).is_some_and(|k| k.contains(&Kind::Address));
        let numbered = digits && letters >= 3 && words <= 9;
        let trailing_names = !digits
            && address_before
            && (next_is_contact || next_is_address)
            && words <= 4
            && line
                .split_whitespace()
                .all(|w| w.starts_with(|c: char| c.is_uppercase()));
        if claimed || labelled || !(numbered || trailing_names) {
            address_before = false;
            continue;
        }
        found.push(Candidate::new(s, e, Kind::Address));
        address[j] = true;
        address_before = true;
    }
    // The signer: the line right above a title line, two to four
    // capitalised words and nothing else ("Willemijn Kroes" over "Fleet
    // Manager").
    for j in 1..block.len() {
        let (ts, te) = block[j];
        let (s, e) = block[j - 1];
        let line = &text[s..e];
        let words: Vec<&str> = line.split_whitespace().collect();
        if TITLE_WORD.is_match(&text[ts..te])
            && !TITLE_WORD.is_match(line)
            && kinds[j - 1].is_empty()
            && !guard.overlaps(s, e)
            && (2..=4).contains(&words.len())
            && words.iter().all(|w| {
                w.starts_with(|c: char| c.is_uppercase())
                    && w.chars()
                        .all(|c| c.is_alphabetic() || matches!(c, '-' | '.' | '\'' | '’'))
            })
        {
            found.push(Candidate::new(s, e, Kind::Person));
        }
    }
    // The company: right above the first address or contact line, below
    // a name or a title, capitalised words and nothing else on it.
    let Some(first) = (0..block.len()).find(|&j| address[j] || contact(j)) else {
        return;
    };
    if first < 2 {
        return;
    }
    let j = first - 1;
    let (s, e) = block[j];
    let line = &text[s..e];
    let above_is_party = kinds[j - 1]
        .iter()
        .any(|k| matches!(k, Kind::Person | Kind::Org))
        || TITLE_WORD.is_match(&text[block[j - 1].0..block[j - 1].1]);
    let words: Vec<&str> = line.split_whitespace().collect();
    let capitalised = words.iter().all(|w| {
        w.starts_with(|c: char| c.is_uppercase() || c == '&' || c == '«' || c == '"')
            || matches!(
                *w,
                "of" | "and"
                    | "de"
                    | "del"
                    | "da"
                    | "do"
                    | "di"
                    | "und"
                    | "og"
                    | "&"
                    | "ve"
                    | "i"
                    | "y"
                    | "e"
            )
    });
    if kinds[j].is_empty()
        && !guard.overlaps(s, e)
        && above_is_party
        && capitalised
        && (1..=7).contains(&words.len())
        && !line.chars().any(|c| c.is_ascii_digit())
        && !line.contains(['@', ':', '/', '|', '='])
        && !TITLE_WORD.is_match(line)
        && !CONTACT_LABEL.is_match(line)
    {
        found.push(Candidate::new(s, e, Kind::Org));
    }
}
