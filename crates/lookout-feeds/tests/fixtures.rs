//! Real-world-shaped feeds, checked the way an editor would look at them:
//! the titles, links, ids, dates and summaries that end up in the portal.

mod common;

use common::{assert_promises, fixture};
use lookout_feeds::{Feed, FeedKind, Item, Limits, parse, parse_with_base};
use url::Url;

fn read(name: &str) -> Feed {
    let limits = Limits::default();
    let feed = parse(&fixture(name), &limits).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_promises(&feed, &limits);
    feed
}

fn link(item: &Item) -> Option<&str> {
    item.link.as_ref().map(Url::as_str)
}

#[test]
fn wordpress_style_rss_news_feed() {
    let feed = read("rss2-maritime.xml");
    assert_eq!(feed.kind, FeedKind::Rss);
    assert_eq!(
        feed.title,
        "Harbour & Strait Watch \u{2013} Maritime Security News"
    );
    assert_eq!(
        feed.link.as_ref().map(Url::as_str),
        Some("https://news.harbourwatch.example/")
    );
    assert!(!feed.truncated);
    assert_eq!(feed.items.len(), 7);
    let [boarded, psc, gog, suez, correction, sanctions, ecdis] = &feed.items[..] else {
        unreachable!("seven items checked above")
    };

    // CDATA HTML reduced to text; guid isPermaLink="false" is the id, not the link.
    assert_eq!(
        boarded.title,
        "Tanker boarded by armed men off Bonny Island"
    );
    assert_eq!(boarded.id, "https://news.harbourwatch.example/?p=48213");
    assert_eq!(
        link(boarded),
        Some("https://news.harbourwatch.example/2024/04/09/tanker-boarded-bonny-island/")
    );
    assert_eq!(boarded.published, Some(1_712_673_000)); // Tue, 09 Apr 2024 14:30:00 +0000
    assert_eq!(
        boarded.summary,
        "Eight armed men boarded the product tanker MT Coral Dawn at anchor, 12 nm south of \
         Bonny Island\u{2026} The crew retreated to the citadel. Read more"
    );

    // A permalink guid stands in for the missing <link>; the description
    // (escaped HTML) wins over content:encoded.
    assert_eq!(
        link(psc),
        Some("https://news.harbourwatch.example/2024/04/09/psc-detention-rotterdam/")
    );
    assert_eq!(
        psc.id,
        "https://news.harbourwatch.example/2024/04/09/psc-detention-rotterdam/"
    );
    assert_eq!(psc.published, Some(1_712_649_900)); // 9 Apr 2024 08:05:00 GMT, no weekday
    assert_eq!(
        psc.summary,
        "Inspectors found 27 deficiencies, including a disabled fire door."
    );

    // Entities in the title; a relative link, padded with newlines,
    // resolved against the channel link.
    assert_eq!(
        gog.title,
        "Gulf of Guinea: \"high-risk\" area\u{2019}s limits redrawn"
    );
    assert_eq!(
        link(gog),
        Some("https://news.harbourwatch.example/2024/04/08/gulf-of-guinea-hra/")
    );
    assert_eq!(gog.id, "hw-2024-0408-goghra");
    assert_eq!(gog.published, Some(1_712_612_700)); // Mon, 8 Apr 2024 17:45 EDT

    // No title: the first words of the summary; no guid: the link is the id;
    // an ISO date in pubDate.
    assert_eq!(
        suez.title,
        "Suez Canal transits fell again last week as operators continued to divert\u{2026}"
    );
    assert_eq!(
        suez.id,
        "https://news.harbourwatch.example/2024/04/07/brief-suez-transits/"
    );
    assert_eq!(suez.published, Some(1_712_469_600));

    // No guid, no link: a hash of title and summary; an unreadable date is None.
    assert_eq!(correction.id.len(), 64);
    assert!(correction.id.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(correction.link, None);
    assert_eq!(correction.published, None);

    // dc:date instead of pubDate; &amp; in the link decoded once; numeric
    // entity inside CDATA decoded as HTML.
    assert_eq!(sanctions.published, Some(1_712_420_400)); // 2024-04-06T18:20:00+02:00
    assert_eq!(
        link(sanctions),
        Some(
            "https://news.harbourwatch.example/2024/04/06/shadow-fleet-rename/?utm_source=rss&utm_medium=rss"
        )
    );
    assert_eq!(
        sanctions.summary,
        "The vessel, previously Ocean Lark, now flies the flag of Gabon \u{2013} its third flag this year."
    );

    // Weekday and month spelled out, named US zone.
    assert_eq!(ecdis.published, Some(1_712_250_900)); // Thursday, 04 April 2024 09:15:00 PST
}

#[test]
fn atom_feed_with_html_xhtml_and_relative_links() {
    let feed = read("atom.xml");
    assert_eq!(feed.kind, FeedKind::Atom);
    assert_eq!(feed.title, "Lookout Test Advisories");
    // rel="self" is skipped for the alternate.
    assert_eq!(
        feed.link.as_ref().map(Url::as_str),
        Some("https://advisories.example.net/en/")
    );
    let [red_sea, antwerp, phishing, drills] = &feed.items[..] else {
        panic!("{} entries", feed.items.len())
    };

    assert_eq!(red_sea.title, "Red Sea: advisory updated & extended");
    assert_eq!(red_sea.id, "tag:advisories.example.net,2024:red-sea-07");
    // The enclosure comes first and is not the alternate; the relative
    // href resolves against the feed's alternate link.
    assert_eq!(
        link(red_sea),
        Some("https://advisories.example.net/en/advisories/2024/red-sea-07")
    );
    assert_eq!(red_sea.published, Some(1_709_290_800)); // published, not updated
    // Summary wins over content, and the escaped script is gone.
    assert_eq!(
        red_sea.summary,
        "Vessels transiting the Bab el-Mandeb should keep AIS on."
    );

    // A link without rel; no published, so updated; XHTML content with a
    // script element that leaves nothing behind.
    assert_eq!(
        link(antwerp),
        Some("https://advisories.example.net/en/notes/antwerp-access")
    );
    assert_eq!(antwerp.published, Some(1_709_367_330));
    assert_eq!(
        antwerp.summary,
        "From 1 April, drivers need a pre-registered PCS slot. Gate 3 closes Gate 5 opens 24/7 \
         Questions: 5 < 7 & that\u{2019}s fine"
    );

    // javascript: alternate → no link; plain-text summary keeps its words,
    // but its "<script" can never become a tag.
    assert_eq!(phishing.link, None);
    assert_eq!(phishing.published, Some(1_709_182_799)); // 2024-02-28T23:59:59-05:00
    assert_eq!(
        phishing.summary,
        "Messages ask masters to open attachments named \u{FF1C}script>.js; delete them."
    );

    assert_eq!(drills.title, "Drill schedule for Q2");
    assert_eq!(
        link(drills),
        Some("https://advisories.example.net/en/notes/drills-q2")
    );
    assert_eq!(drills.published, Some(1_708_423_200)); // fractional seconds
    assert_eq!(drills.summary, "Quarterly drills are listed below.");
}

#[test]
fn rss_1_0_rdf_feed() {
    let feed = read("rdf.xml");
    assert_eq!(feed.kind, FeedKind::Rdf);
    assert_eq!(feed.title, "Coastguard Notices");
    let [buoy, cable] = &feed.items[..] else {
        panic!("{} items", feed.items.len())
    };
    assert_eq!(buoy.id, "https://coastguard.example.org/nw/2024-113"); // rdf:about
    assert_eq!(buoy.title, "NAVAREA warning 113/24: unlit buoy");
    assert_eq!(buoy.published, Some(1_712_043_000));
    assert_eq!(buoy.summary, "Buoy N-4 unlit until further notice.");
    assert_eq!(cable.id, "urn:coastguard:nw:2024-114");
    assert_eq!(
        link(cable),
        Some("https://coastguard.example.org/nw/2024-114")
    );
    assert_eq!(cable.published, Some(1_712_102_400)); // dc:date with the day only
    assert_eq!(
        cable.summary,
        "Cable ship operating in position 51-12N 002-30E. Keep 1 nm clear."
    );
}

#[test]
fn utf16_with_bom_reads_like_utf8() {
    assert_eq!(read("utf16le-bom.xml"), read("rdf.xml"));
}

#[test]
fn windows_1252_feed_declared_in_the_prolog() {
    let feed = read("windows-1252.xml");
    assert_eq!(feed.title, "Le Marin \u{2013} Actualit\u{e9}s");
    let [escort, havre] = &feed.items[..] else {
        panic!("{} items", feed.items.len())
    };
    assert_eq!(
        escort.title,
        "Armateurs fran\u{e7}ais : \u{201c}vigilance\u{201d} en mer Rouge"
    );
    assert_eq!(
        escort.summary,
        "Le co\u{fb}t de l\u{2019}escorte atteint 2 000\u{20ac} par jour."
    );
    assert_eq!(escort.published, Some(1_712_563_200));
    // French day and month names: not a date we can read, and not an error.
    assert_eq!(havre.published, None);
    assert_eq!(havre.title, "Br\u{e8}ve : le port du Havre rouvre");
}

#[test]
fn hostile_feed_is_defanged() {
    let feed = read("hostile.xml");
    assert_eq!(feed.title, "Totally Legit Shipping News");
    let titles: Vec<&str> = feed.items.iter().map(|i| i.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Click here",
            "Data link",
            "Ctrl chars\u{FFFD} and reversed text",
            "Local file",
            "Breaking: gate closed",
            "Nested markup attack",
        ]
    );
    let links: Vec<Option<&str>> = feed.items.iter().map(link).collect();
    assert_eq!(
        links,
        [
            None,                                                // javascript:
            None,                                                // data:
            None,                                                // credentials
            None,                                                // file:
            Some("https://cdn.legit-shipping.example/breaking"), // protocol-relative
            Some("https://legit-shipping.example/ok"),
        ]
    );
    let summaries: Vec<&str> = feed.items.iter().map(|i| i.summary.as_str()).collect();
    assert_eq!(
        summaries,
        [
            "Free bunker fuel!",
            "Visible text and \u{FF1C}script> shown as text",
            "Bell tab newline end",
            "",
            "Visible text",
            "ipt>alert(1)ipt> link done",
        ]
    );
    assert_eq!(feed.items[3].id, "local-file-123");
}

#[test]
fn ids_are_stable_across_fetches_and_limits() {
    for name in [
        "rss2-maritime.xml",
        "atom.xml",
        "rdf.xml",
        "hostile.xml",
        "windows-1252.xml",
    ] {
        let bytes = fixture(name);
        let ids = |limits: &Limits| -> Vec<String> {
            parse(&bytes, limits)
                .unwrap()
                .items
                .into_iter()
                .map(|i| i.id)
                .collect()
        };
        let default = ids(&Limits::default());
        assert_eq!(default, ids(&Limits::default()), "{name}");
        let tight = Limits {
            max_title_chars: 5,
            max_summary_chars: 10,
            ..Limits::default()
        };
        assert_eq!(
            default,
            ids(&tight),
            "{name}: ids changed with the text limits"
        );
        let unique: std::collections::HashSet<_> = default.iter().collect();
        assert_eq!(unique.len(), default.len(), "{name}: duplicate ids");
    }
}

#[test]
fn the_fetch_address_is_the_last_resort_base() {
    let doc = br#"<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>
        <entry><id>1</id><title>a</title><link href="/a"/></entry></feed>"#;
    let plain = parse(doc, &Limits::default()).unwrap();
    assert_eq!(plain.items[0].link, None, "nothing to resolve /a against");
    let base = Url::parse("https://feeds.example.com/atom/all.xml").unwrap();
    let based = parse_with_base(doc, &Limits::default(), &base).unwrap();
    assert_eq!(link(&based.items[0]), Some("https://feeds.example.com/a"));
}

#[test]
fn xml_base_wins_over_the_feed_link() {
    let doc =
        br#"<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://cdn.example.org/blog/">
        <link href="https://www.example.org/"/>
        <entry xml:base="2024/"><id>1</id><title>a</title><link href="post.html"/></entry>
        <entry xml:base="javascript:alert(1)//"><id>2</id><title>b</title><link href="x"/></entry>
        </feed>"#;
    let feed = parse(doc, &Limits::default()).unwrap();
    assert_eq!(
        feed.link.as_ref().map(Url::as_str),
        Some("https://www.example.org/")
    );
    assert_eq!(
        link(&feed.items[0]),
        Some("https://cdn.example.org/blog/2024/post.html")
    );
    assert_eq!(feed.items[1].link, None);
}

#[test]
fn rss_091_entities_from_the_netscape_dtd_are_read_without_the_dtd() {
    let doc = br#"<?xml version="1.0"?>
<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">
<rss version="0.91"><channel><title>Caf&eacute; &amp; Bar</title><link>http://old.example/</link>
<item><title>Se&ntilde;or&nbsp;Pilot</title><link>http://old.example/1</link><description>Line&nbsp;one &copy; 2001</description></item>
</channel></rss>"#;
    let feed = parse(doc, &Limits::default()).unwrap();
    assert_eq!(feed.title, "Caf\u{e9} & Bar");
    assert_eq!(feed.items[0].title, "Se\u{f1}or Pilot");
    assert_eq!(feed.items[0].summary, "Line one \u{a9} 2001");
    assert_eq!(link(&feed.items[0]), Some("http://old.example/1"));
}

#[test]
fn sloppy_but_common_feed_habits_are_tolerated() {
    // Bare ampersands, undeclared dc: prefix, an unqualified Atom feed.
    let rss = br#"<rss version="2.0"><channel><title>AT&T & friends</title>
        <item><title>Q&A</title><dc:date>2024-01-05T10:00:00Z</dc:date><guid>q-a</guid></item></channel></rss>"#;
    let feed = parse(rss, &Limits::default()).unwrap();
    assert_eq!(feed.title, "AT&T & friends");
    assert_eq!(feed.items[0].title, "Q&A");
    assert_eq!(feed.items[0].published, Some(1_704_448_800));

    let atom = br#"<feed><title>Bare</title><entry><title>e</title><id>e1</id>
        <updated>2024-01-05T10:00:00Z</updated></entry></feed>"#;
    let feed = parse(atom, &Limits::default()).unwrap();
    assert_eq!(feed.kind, FeedKind::Atom);
    assert_eq!(feed.items[0].id, "e1");
    assert_eq!(feed.items[0].published, Some(1_704_448_800));
}

#[test]
fn untitled_items_and_tiny_limits() {
    let doc = br#"<rss><channel><item><guid>1</guid></item>
        <item><guid>2</guid><description>Only a summary here</description></item></channel></rss>"#;
    let feed = parse(doc, &Limits::default()).unwrap();
    assert_eq!(feed.items[0].title, "(untitled)");
    assert_eq!(feed.items[1].title, "Only a summary here");

    let tiny = Limits {
        max_title_chars: 6,
        max_summary_chars: 8,
        ..Limits::default()
    };
    let feed = parse(&fixture("rss2-maritime.xml"), &tiny).unwrap();
    assert_promises(&feed, &tiny);
    assert_eq!(feed.items[0].title, "Tanke\u{2026}");
    assert_eq!(feed.items[0].summary, "Eight\u{2026}");
}

#[test]
fn long_guids_are_bounded_but_stay_distinct() {
    let long_a = format!("{}a", "x".repeat(600));
    let long_b = format!("{}b", "x".repeat(600));
    let doc = format!(
        "<rss><channel><item><guid>{long_a}</guid></item><item><guid>{long_b}</guid></item></channel></rss>"
    );
    let feed = parse(doc.as_bytes(), &Limits::default()).unwrap();
    let (a, b) = (&feed.items[0].id, &feed.items[1].id);
    assert_eq!(a.chars().count(), 500);
    assert_ne!(a, b);
    assert!(a.starts_with("xxxx"));
}
