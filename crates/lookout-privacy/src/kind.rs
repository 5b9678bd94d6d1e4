//! What a finding is, and where it is.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::Error;

/// The kind of identifier a [`Finding`] removed. Serialises to the lowercase
/// name (`email`, `private_ip`, ...), and each kind has its placeholder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// An e-mail address (also defanged: `name[at]host[.]com`).
    Email,
    /// A telephone number.
    Phone,
    /// An IMO ship identification number with a valid check digit.
    Imo,
    /// A Maritime Mobile Service Identity.
    Mmsi,
    /// A radio call sign.
    Callsign,
    /// A private, loopback, link-local or shared (CGNAT) IP address.
    PrivateIp,
    /// An internal host name.
    Host,
    /// The user name in a home-directory path.
    UserPath,
    /// A Windows `DOMAIN\user` account name.
    Account,
    /// A member organisation (from [`KnownNames`](crate::KnownNames)).
    Org,
    /// A vessel: a known one, or a name after a prefix such as `MV`.
    Vessel,
    /// A bank account: an IBAN with valid check digits.
    BankAccount,
    /// A passport, seaman's book, employee, badge, case or ticket number,
    /// or a vehicle's licence plate.
    IdNumber,
    /// A postal address: a street with its number, a postcode with its
    /// town, a P.O. box.
    Address,
    /// A member's own domain or one of its subdomains.
    Domain,
    /// A person: a known one, or a name after a rank or title.
    Person,
    /// Text the reporter asked to remove (see [`scrub_with_extra`](crate::scrub_with_extra)).
    Redacted,
}

impl Kind {
    /// Every kind, in declaration order.
    pub const ALL: [Kind; 17] = [
        Kind::Email,
        Kind::Phone,
        Kind::Imo,
        Kind::Mmsi,
        Kind::Callsign,
        Kind::PrivateIp,
        Kind::Host,
        Kind::UserPath,
        Kind::Account,
        Kind::Org,
        Kind::Vessel,
        Kind::BankAccount,
        Kind::IdNumber,
        Kind::Address,
        Kind::Domain,
        Kind::Person,
        Kind::Redacted,
    ];

    /// The text that replaces a finding of this kind, e.g. `[EMAIL]`.
    #[must_use]
    pub const fn placeholder(self) -> &'static str {
        match self {
            Kind::Email => "[EMAIL]",
            Kind::Phone => "[PHONE]",
            Kind::Imo => "[IMO]",
            Kind::Mmsi => "[MMSI]",
            Kind::Callsign => "[CALLSIGN]",
            Kind::PrivateIp => "[PRIVATE_IP]",
            Kind::Host => "[HOST]",
            Kind::UserPath => "[USER_PATH]",
            Kind::Account => "[ACCOUNT]",
            Kind::Org => "[ORG]",
            Kind::Vessel => "[VESSEL]",
            Kind::BankAccount => "[BANK_ACCOUNT]",
            Kind::IdNumber => "[ID_NUMBER]",
            Kind::Address => "[ADDRESS]",
            Kind::Domain => "[DOMAIN]",
            Kind::Person => "[PERSON]",
            Kind::Redacted => "[REDACTED]",
        }
    }

    /// The serialised name, e.g. `private_ip`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Kind::Email => "email",
            Kind::Phone => "phone",
            Kind::Imo => "imo",
            Kind::Mmsi => "mmsi",
            Kind::Callsign => "callsign",
            Kind::PrivateIp => "private_ip",
            Kind::Host => "host",
            Kind::UserPath => "user_path",
            Kind::Account => "account",
            Kind::Org => "org",
            Kind::Vessel => "vessel",
            Kind::BankAccount => "bank_account",
            Kind::IdNumber => "id_number",
            Kind::Address => "address",
            Kind::Domain => "domain",
            Kind::Person => "person",
            Kind::Redacted => "redacted",
        }
    }

    /// Which kind names an overlap of equally long candidates: the more
    /// specific pattern wins (an e-mail over the domain inside it).
    pub(crate) const fn rank(self) -> u8 {
        match self {
            Kind::Redacted => 17,
            Kind::BankAccount => 16,
            Kind::IdNumber => 15,
            Kind::Email => 14,
            Kind::Address => 13,
            Kind::Account => 12,
            Kind::UserPath => 11,
            Kind::PrivateIp => 10,
            Kind::Domain => 9,
            Kind::Host => 8,
            Kind::Imo => 7,
            Kind::Mmsi => 6,
            Kind::Callsign => 5,
            Kind::Phone => 4,
            Kind::Vessel => 3,
            Kind::Org => 2,
            Kind::Person => 1,
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Kind {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Kind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| Error::UnknownKind(s.to_owned()))
    }
}

/// One removed identifier: its kind and its place in the *input* text, in
/// characters (Unicode scalar values, not bytes), `start` inclusive and
/// `end` exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Finding {
    /// What was removed.
    pub kind: Kind,
    /// First character removed.
    pub start: usize,
    /// One past the last character removed.
    pub end: usize,
}

impl Finding {
    /// The finding's character range in the input.
    #[must_use]
    pub const fn range(&self) -> std::ops::Range<usize> {
        self.start..self.end
    }
}

/// The result of scrubbing: the text with every finding replaced by its
/// kind's placeholder, and the findings, sorted and non-overlapping.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scrubbed {
    /// The scrubbed text.
    pub text: String,
    /// What was removed, in input order.
    pub findings: Vec<Finding>,
}
