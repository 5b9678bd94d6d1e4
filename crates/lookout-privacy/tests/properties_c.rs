//! Property tests of the recognisers added for unseen writers: national
//! ID and staff numbers after their cue, grouped digits, Indonesian and
//! Japanese plates, bracketed slash references. A generated value never
//! survives `scrub`, and scrubbing what came out finds nothing more.

mod common;

use common::scrub_twice;
use proptest::prelude::*;

/// The top-level domains (and file extensions) the scrubber reads as
/// ending a domain or file name.
fn is_tld(label: &str) -> bool {
    matches!(
        label,
        "info"
            | "online"
            | "site"
            | "club"
            | "shop"
            | "store"
            | "live"
            | "cloud"
            | "tech"
            | "local"
            | "corp"
            | "intranet"
            | "internal"
            | "docx"
            | "xlsx"
            | "xlsm"
            | "html"
            | "support"
    )
}

fn cue() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        Just("CPF"),
        Just("TWIC"),
        Just("PersNr."),
        Just("matrícula"),
        Just("사번"),
        Just("seafarer code"),
        Just("registration number is"),
        Just("książeczka"),
        Just("таб. №"),
    ]
}

/// Indonesian region letters ("NR" or "BR" would read as "number").
fn region() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        Just("B"),
        Just("D"),
        Just("F"),
        Just("H"),
        Just("L"),
        Just("AB"),
        Just("AD"),
        Just("BK"),
        Just("DK"),
        Just("KT"),
    ]
}

proptest! {
    #[test]
    fn numbers_after_new_cues_never_survive(
        cue in cue(),
        value in "[0-9]{5,10}",
    ) {
        let input = format!("Reported by the clerk ({cue} {value}) on Monday.");
        let out = scrub_twice(&input)?;
        prop_assert!(!out.contains(&value), "{value} survived in {out:?}");
    }

    #[test]
    fn grouped_digits_after_a_cue_never_survive(
        groups in prop::collection::vec("[0-9]{4}", 2..4),
    ) {
        let value = groups.join(" ");
        let input = format!("driver card TWIC {value}, gate app");
        let out = scrub_twice(&input)?;
        prop_assert!(!out.contains(&value), "{value} survived in {out:?}");
    }

    #[test]
    // Series that end in a letter no unit ends in: "1000 LT" is a time,
    // "1000 TEU" a count and "1000 EUR" an amount, written like a plate.
    fn indonesian_plates_never_survive(
        a in region(), n in "[1-9][0-9]{3}", b in "[A-Z]{1,2}[QVXZ]",
        c in region(), m in "[1-9][0-9]{3}", d in "[A-Z]{1,2}[QVXZ]",
    ) {
        let (p, q) = (format!("{a} {n} {b}"), format!("{c} {m} {d}"));
        let input = format!("Truk terekam CCTV: plat {p} dan {q}.");
        let out = scrub_twice(&input)?;
        prop_assert!(!out.contains(&p) && !out.contains(&q), "plates survived in {out:?}");
    }

    #[test]
    fn japanese_plates_never_survive(
        place in prop_oneof![Just("横浜"), Just("品川"), Just("神戸"), Just("大阪")],
        class in "[1-9][0-9]{2}",
        kana in prop_oneof![Just("あ"), Just("さ"), Just("な"), Just("わ")],
        num in "[1-9][0-9]-[0-9]{2}",
    ) {
        let plate = format!("{place} {class} {kana} {num}");
        let input = format!("Trucks recorded at gate: {plate} and nothing else.");
        let out = scrub_twice(&input)?;
        prop_assert!(!out.contains(&plate), "{plate} survived in {out:?}");
    }

    #[test]
    fn bracketed_slash_references_never_survive(
        a in "[1-9][0-9]{0,2}", b in "[0-9]{5}", y in "2[0-9]",
    ) {
        let r = format!("{a}/{b}/{y}");
        let input = format!("Pallets taken from the yard. ({r})");
        let out = scrub_twice(&input)?;
        prop_assert!(!out.contains(&r), "{r} survived in {out:?}");
    }

    #[test]
    fn logins_after_new_cues_never_survive(
        cue in prop_oneof![
            Just("failed logins for"),
            Just("Kullanıcı adı"),
            Just("учётка"),
            Just("A conta de e-mail"),
            Just("логин"),
        ],
        first in "[a-z]{1,6}",
        last in "[a-z]{4,8}[0-9]{0,2}",
    ) {
        // "aa.live", "kl.ng": a last part that is a top-level domain makes
        // a domain name, which the scrubber leaves as a possible indicator.
        prop_assume!(!is_tld(&last));
        let login = format!("{first}.{last}");
        let input = format!("Seen: {cue} \"{login}\" from the office.");
        let out = scrub_twice(&input)?;
        prop_assert!(!out.contains(&login), "{login} survived in {out:?}");
    }

    #[test]
    fn a_login_before_its_owner_never_survives(
        // Last parts of four letters or more: "aa.bak" is a file name.
        first in "[a-z]{2,6}", last in "[a-z]{4,8}", digits in "[0-9]{0,2}",
    ) {
        let login = format!("{first}.{last}{digits}");
        let input = format!("Examples:\n - \"{login}\" (AB Jonas Berg, seafarer)\n");
        let out = scrub_twice(&input)?;
        prop_assert!(!out.contains(&login), "{login} survived in {out:?}");
    }

    #[test]
    fn japanese_and_russian_address_lines_never_survive(
        a in 1u8..10, b in 1u8..30, c in 1u16..40,
        place in prop_oneof![Just("Marunouchi"), Just("Kaigandori"), Just("Nishiki")],
        ward in prop_oneof![Just("Chiyoda-ku"), Just("Chuo-ku"), Just("Naka-ku")],
        zip in "[1-9][0-9]{2}-[0-9]{4}",
        index in "[1-6][0-9]{5}", house in 1u16..200,
    ) {
        let jp = format!("{a}-{b}-{c} {place}, {ward}, Tokyo {zip}");
        let ru = format!("{index}, г. Владивосток, ул. Алеутская, д. {house}");
        let input = format!("Claims Co., Ltd.\n{jp}\nTel.\n\nООО «Агент»\n{ru}\nтел.");
        let out = scrub_twice(&input)?;
        prop_assert!(!out.contains(&zip) && !out.contains(&index), "address survived in {out:?}");
    }
}
