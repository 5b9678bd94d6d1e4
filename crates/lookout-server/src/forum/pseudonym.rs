//! Pseudonymous posting. A member who posts under a pseudonym in a thread
//! is shown there as, say, "Slate Petrel 17": the same name for every post
//! of theirs in that thread, a different one in every other thread.
//!
//! Both the name and the tag that lets the server recognise the author are
//! HMACs of (thread, member) under keys derived from the master key, which
//! lives in the key file, never in the database. So:
//!
//! - members, moderators and admins see only the name: no page, export or
//!   API returns who is behind it;
//! - a copy of the database holds no account id for the post, and without
//!   the key file the tag cannot be recomputed for a guessed member;
//! - whoever holds both the database and the key file (the operator's
//!   system administrators) can recompute the tag for every member and so
//!   learn who wrote each pseudonymous post. `docs/forum.md` says so to
//!   members.

use crate::secrets::MasterKey;

const ADJECTIVES: [&str; 64] = [
    "Amber", "Ashen", "Azure", "Bold", "Brass", "Brisk", "Calm", "Cedar", "Cobalt", "Copper",
    "Coral", "Crimson", "Dawn", "Deep", "Dusky", "Ember", "Fair", "Fern", "Flint", "Frost", "Gale",
    "Gilded", "Granite", "Grey", "Harbour", "Hazel", "Indigo", "Iron", "Ivory", "Jade", "Keen",
    "Linen", "Lunar", "Maple", "Misty", "Night", "North", "Oak", "Ochre", "Onyx", "Pearl", "Pine",
    "Quiet", "Rapid", "Russet", "Rust", "Sable", "Saffron", "Salt", "Sandy", "Silver", "Slate",
    "Solar", "South", "Steady", "Stone", "Storm", "Swift", "Teal", "Tidal", "Umber", "Velvet",
    "West", "Willow",
];

const NOUNS: [&str; 64] = [
    "Albatross",
    "Auk",
    "Barnacle",
    "Beacon",
    "Bollard",
    "Bosun",
    "Buoy",
    "Capstan",
    "Cormorant",
    "Current",
    "Curlew",
    "Dolphin",
    "Dory",
    "Eider",
    "Fathom",
    "Fulmar",
    "Gannet",
    "Grebe",
    "Guillemot",
    "Gull",
    "Halyard",
    "Heron",
    "Kelp",
    "Keel",
    "Kestrel",
    "Kittiwake",
    "Lantern",
    "Lighthouse",
    "Mariner",
    "Marlin",
    "Narwhal",
    "Orca",
    "Osprey",
    "Otter",
    "Pelican",
    "Petrel",
    "Plover",
    "Puffin",
    "Reef",
    "Sandpiper",
    "Scoter",
    "Seal",
    "Shearwater",
    "Skua",
    "Sounding",
    "Spray",
    "Starling",
    "Stern",
    "Sturgeon",
    "Swell",
    "Tern",
    "Tide",
    "Turnstone",
    "Wake",
    "Walrus",
    "Wave",
    "Whale",
    "Wharf",
    "Whimbrel",
    "Wigeon",
    "Wren",
    "Yawl",
    "Zephyr",
    "Anchor",
];

fn subject(thread_id: i64, user_id: i64) -> Vec<u8> {
    format!("{thread_id}:{user_id}").into_bytes()
}

/// The tag stored with a member's pseudonymous posts in one thread: how the
/// server knows, later, that they may edit or delete them.
pub fn author_tag(key: &MasterKey, thread_id: i64, user_id: i64) -> String {
    key.mac("forum-author", &subject(thread_id, user_id))
}

/// The name shown. `attempt` moves to another name when two members of one
/// thread would otherwise share one (the caller checks).
pub fn name(key: &MasterKey, thread_id: i64, user_id: i64, attempt: u32) -> String {
    let mut data = subject(thread_id, user_id);
    data.extend_from_slice(format!(":{attempt}").as_bytes());
    let mac = key.mac("forum-pseudonym", &data);
    // The MAC is hex; its first bytes pick the words and the number.
    let byte = |i: usize| {
        mac.get(i * 2..i * 2 + 2)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
            .unwrap_or(0)
    };
    let adjective = ADJECTIVES[usize::from(byte(0)) % ADJECTIVES.len()];
    let noun = NOUNS[usize::from(byte(1)) % NOUNS.len()];
    let number = (u16::from(byte(2)) << 8 | u16::from(byte(3))) % 90 + 10;
    format!("{adjective} {noun} {number}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> MasterKey {
        MasterKey::from_hex(&"7".repeat(64)).unwrap()
    }

    #[test]
    fn a_pseudonym_is_stable_in_its_thread_and_differs_across_threads() {
        let key = key();
        assert_eq!(name(&key, 1, 42, 0), name(&key, 1, 42, 0));
        assert_ne!(name(&key, 1, 42, 0), name(&key, 2, 42, 0));
        assert_ne!(name(&key, 1, 42, 0), name(&key, 1, 43, 0));
        assert_ne!(name(&key, 1, 42, 0), name(&key, 1, 42, 1));
        assert_eq!(author_tag(&key, 1, 42), author_tag(&key, 1, 42));
        assert_ne!(author_tag(&key, 1, 42), author_tag(&key, 2, 42));
    }

    #[test]
    fn another_key_gives_other_names_and_tags() {
        let other = MasterKey::from_hex(&"8".repeat(64)).unwrap();
        assert_ne!(author_tag(&key(), 1, 42), author_tag(&other, 1, 42));
        assert_ne!(name(&key(), 1, 42, 0), name(&other, 1, 42, 0));
    }

    #[test]
    fn words_are_unique_so_names_spread() {
        let mut words: Vec<&str> = ADJECTIVES.iter().chain(NOUNS.iter()).copied().collect();
        words.sort_unstable();
        words.dedup();
        assert_eq!(words.len(), 128);
    }
}
