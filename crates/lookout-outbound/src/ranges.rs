//! The table of address ranges that outbound requests may not reach.
//!
//! Written out by hand rather than built on `IpAddr::is_global` and friends:
//! those are unstable, and the stable `is_private`/`is_loopback` family misses
//! several ranges that matter for SSRF (CGNAT, benchmarking, NAT64, ...).
//! Each entry names the class in words an admin can act on.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// One IPv4 range: network address, prefix length, reason.
struct V4 {
    net: u32,
    prefix: u8,
    reason: &'static str,
}

/// One IPv6 range: network address, prefix length, what to do with it.
struct V6 {
    net: u128,
    prefix: u8,
    rule: Rule,
}

enum Rule {
    /// The whole range is refused with this reason.
    Refuse(&'static str),
    /// The last 32 bits are an IPv4 address that packets really go to
    /// (IPv4-mapped, NAT64 well-known prefix): judge that address alone, so a
    /// public IPv4 seen through DNS64 stays reachable.
    EmbeddedV4Low32,
    /// An IPv4 address is embedded at this bit offset from the top, but the
    /// mechanism itself is deprecated (IPv4-compatible, 6to4): report the
    /// embedded address's class if it has one, otherwise refuse anyway with
    /// the given reason. No legitimate webhook or feed lives there, and a
    /// relay decides where such packets end up.
    EmbeddedV4ThenRefuse { shift: u32, reason: &'static str },
}

const LOOPBACK: &str = "a loopback address";
const UNSPECIFIED: &str = "an unspecified (\"this host\") address";
const PRIVATE: &str = "a private network address";
const DOCUMENTATION: &str = "a documentation-only address";
const BENCHMARKING: &str = "a benchmarking-only address";
const MULTICAST: &str = "a multicast address";
const RESERVED: &str = "a reserved address";
const LINK_LOCAL: &str = "a link-local address (this includes cloud metadata services)";

/// Order matters only where ranges nest: the first match gives the reason
/// (broadcast before the 240/4 block that contains it).
#[rustfmt::skip]
const V4_TABLE: &[V4] = &[
    V4 { net: 0x0000_0000, prefix: 8, reason: UNSPECIFIED },          // 0.0.0.0/8
    V4 { net: 0x0A00_0000, prefix: 8, reason: PRIVATE },              // 10.0.0.0/8
    V4 { net: 0x6440_0000, prefix: 10, reason: "a carrier-grade NAT (shared) address" }, // 100.64.0.0/10
    V4 { net: 0x7F00_0000, prefix: 8, reason: LOOPBACK },             // 127.0.0.0/8
    V4 { net: 0xA9FE_0000, prefix: 16, reason: LINK_LOCAL },          // 169.254.0.0/16
    V4 { net: 0xAC10_0000, prefix: 12, reason: PRIVATE },             // 172.16.0.0/12
    V4 { net: 0xC000_0000, prefix: 24, reason: "an IETF protocol assignment address" }, // 192.0.0.0/24
    V4 { net: 0xC000_0200, prefix: 24, reason: DOCUMENTATION },       // 192.0.2.0/24
    V4 { net: 0xC058_6300, prefix: 24, reason: "a deprecated 6to4 relay address" }, // 192.88.99.0/24
    V4 { net: 0xC0A8_0000, prefix: 16, reason: PRIVATE },             // 192.168.0.0/16
    V4 { net: 0xC612_0000, prefix: 15, reason: BENCHMARKING },        // 198.18.0.0/15
    V4 { net: 0xC633_6400, prefix: 24, reason: DOCUMENTATION },       // 198.51.100.0/24
    V4 { net: 0xCB00_7100, prefix: 24, reason: DOCUMENTATION },       // 203.0.113.0/24
    V4 { net: 0xE000_0000, prefix: 4, reason: MULTICAST },            // 224.0.0.0/4
    V4 { net: 0xFFFF_FFFF, prefix: 32, reason: "the broadcast address" }, // 255.255.255.255/32
    V4 { net: 0xF000_0000, prefix: 4, reason: RESERVED },             // 240.0.0.0/4
];

/// Special cases first, then the catch-all: anything outside 2000::/3 (the
/// only block IANA hands out as global unicast) is refused, so ranges that
/// are assigned special meanings later are refused until reviewed.
#[rustfmt::skip]
const V6_TABLE: &[V6] = &[
    V6 { net: 0, prefix: 128, rule: Rule::Refuse(UNSPECIFIED) },      // ::/128
    V6 { net: 1, prefix: 128, rule: Rule::Refuse(LOOPBACK) },         // ::1/128
    V6 { net: 0xffff_0000_0000, prefix: 96, rule: Rule::EmbeddedV4Low32 }, // ::ffff:0:0/96
    V6 {
        net: 0,
        prefix: 96,
        rule: Rule::EmbeddedV4ThenRefuse { shift: 0, reason: "a deprecated IPv4-compatible IPv6 address" },
    }, // ::/96
    V6 { net: 0x0064_ff9b << 96, prefix: 96, rule: Rule::EmbeddedV4Low32 }, // 64:ff9b::/96
    V6 { net: 0x0064_ff9b_0001 << 80, prefix: 48, rule: Rule::Refuse("a local-use NAT64 address") }, // 64:ff9b:1::/48
    V6 { net: 0x0100 << 112, prefix: 64, rule: Rule::Refuse("a discard-only address") }, // 100::/64
    V6 { net: 0x2001_0000 << 96, prefix: 32, rule: Rule::Refuse("a Teredo tunnel address") }, // 2001::/32
    V6 { net: 0x2001_0002_0000 << 80, prefix: 48, rule: Rule::Refuse(BENCHMARKING) }, // 2001:2::/48
    V6 { net: 0x2001_0010 << 96, prefix: 28, rule: Rule::Refuse(RESERVED) }, // 2001:10::/28 (ORCHID)
    V6 { net: 0x2001_0020 << 96, prefix: 28, rule: Rule::Refuse(RESERVED) }, // 2001:20::/28 (ORCHIDv2)
    V6 { net: 0x2001_0db8 << 96, prefix: 32, rule: Rule::Refuse(DOCUMENTATION) }, // 2001:db8::/32
    V6 {
        net: 0x2002 << 112,
        prefix: 16,
        rule: Rule::EmbeddedV4ThenRefuse { shift: 80, reason: "a deprecated 6to4 tunnel address" },
    }, // 2002::/16
    V6 { net: 0x3fff << 112, prefix: 20, rule: Rule::Refuse(DOCUMENTATION) }, // 3fff::/20
    V6 { net: 0x5f00 << 112, prefix: 16, rule: Rule::Refuse(RESERVED) }, // 5f00::/16 (SRv6 SIDs)
    V6 { net: 0xfc00 << 112, prefix: 7, rule: Rule::Refuse("a unique local (private) address") }, // fc00::/7
    V6 { net: 0xfe80 << 112, prefix: 10, rule: Rule::Refuse(LINK_LOCAL) }, // fe80::/10
    V6 { net: 0xfec0 << 112, prefix: 10, rule: Rule::Refuse("a deprecated site-local address") }, // fec0::/10
    V6 { net: 0xff00 << 112, prefix: 8, rule: Rule::Refuse(MULTICAST) }, // ff00::/8
];

const V6_NOT_GLOBAL_UNICAST: &str = "a reserved IPv6 address (outside 2000::/3)";

fn v4_mask(prefix: u8) -> u32 {
    // `checked_shl` because a /0 would shift by 32, which overflows.
    u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0)
}

fn v6_mask(prefix: u8) -> u128 {
    u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0)
}

fn forbidden_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let bits = u32::from(ip);
    V4_TABLE
        .iter()
        .find(|r| bits & v4_mask(r.prefix) == r.net)
        .map(|r| r.reason)
}

fn forbidden_v6(ip: Ipv6Addr) -> Option<&'static str> {
    let bits = u128::from(ip);
    let Some(range) = V6_TABLE.iter().find(|r| bits & v6_mask(r.prefix) == r.net) else {
        return if bits >> 125 == 0b001 {
            None
        } else {
            Some(V6_NOT_GLOBAL_UNICAST)
        };
    };
    match range.rule {
        Rule::Refuse(reason) => Some(reason),
        // Truncation to the low 32 bits is the point: that is where the
        // IPv4 address sits.
        Rule::EmbeddedV4Low32 => forbidden_v4(Ipv4Addr::from(bits as u32)),
        Rule::EmbeddedV4ThenRefuse { shift, reason } => {
            Some(forbidden_v4(Ipv4Addr::from((bits >> shift) as u32)).unwrap_or(reason))
        }
    }
}

/// Why `ip` may not be reached by an outbound request, or `None` if it is a
/// public address.
///
/// The reason reads as the end of a sentence ("127.0.0.1 is *a loopback
/// address*"). Covered: loopback, unspecified, private (RFC 1918, IPv6 unique
/// local), carrier-grade NAT, link-local (including cloud metadata at
/// 169.254.169.254), multicast, broadcast, documentation, benchmarking,
/// reserved and IETF ranges, IPv6 site-local and discard-only, Teredo, and
/// everything outside IPv6 global unicast (2000::/3).
///
/// IPv4-mapped addresses (`::ffff:a.b.c.d`) and the NAT64 well-known prefix
/// (`64:ff9b::a.b.c.d`) are judged by the IPv4 address they carry, because
/// that is where the packets go. The deprecated IPv4-compatible (`::a.b.c.d`)
/// and 6to4 (`2002:aabb:ccdd::/48`) forms report the embedded address's class
/// when it has one and are refused anyway otherwise.
///
/// This is the policy-free check: [`Policy::allow`](crate::Policy::allow)
/// can still permit an address this refuses.
pub fn is_forbidden(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => forbidden_v4(v4),
        IpAddr::V6(v6) => forbidden_v6(v6),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every table entry's network address really has no bits outside its
    /// prefix; a typo there would make the entry match nothing.
    #[test]
    fn table_entries_are_normalised() {
        for r in V4_TABLE {
            assert_eq!(r.net & !v4_mask(r.prefix), 0, "{:#x}/{}", r.net, r.prefix);
        }
        for r in V6_TABLE {
            assert_eq!(r.net & !v6_mask(r.prefix), 0, "{:#x}/{}", r.net, r.prefix);
        }
    }

    #[test]
    fn masks_at_the_edges() {
        assert_eq!(v4_mask(0), 0);
        assert_eq!(v4_mask(32), u32::MAX);
        assert_eq!(v6_mask(0), 0);
        assert_eq!(v6_mask(128), u128::MAX);
    }
}
