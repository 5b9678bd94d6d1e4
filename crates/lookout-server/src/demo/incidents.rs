//! Demo incidents: several hundred published incidents over the last two
//! years, spread over classes, sea areas and vessel types the way the
//! industry's public reporting shows them (GNSS interference in the Black
//! Sea, Baltic and Gulf; piracy in the Gulf of Guinea, Singapore Strait and
//! Sulu Sea; phishing and payment fraud everywhere), plus a few reports
//! waiting in triage. Deterministic, so every demo shows the same world.

use crate::db::now;
use crate::incidents::store::{self as incidents, Content, Publication};
use crate::reports::model::{Mode, ReportForm};
use crate::reports::store::{self as reports, Reporter};
use crate::sharing::clearance::tlp_rank;
use crate::state::AppState;

/// How many published incidents the demo holds.
pub const DEMO_INCIDENTS: usize = 600;

/// A kind of incident as it recurs: where, on what, and how it reads.
struct Scenario {
    class: &'static str,
    weight: u32,
    areas: &'static [&'static str],
    systems: &'static [&'static str],
    vessels: &'static [&'static str],
    title: &'static str,
    summary: &'static str,
    indicators: &'static [&'static str],
}

const ANYWHERE: &[&str] = &[
    "north-sea",
    "mediterranean-west",
    "mediterranean-east",
    "singapore-malacca",
    "south-china-sea",
    "east-china-yellow-sea",
    "persian-gulf",
    "north-atlantic",
    "gulf-of-mexico",
    "baltic-sea",
    "caribbean-sea",
    "west-africa",
];
const MERCHANT: &[&str] = &[
    "bulk-carrier",
    "container-ship",
    "oil-tanker",
    "chemical-tanker",
    "general-cargo",
    "gas-carrier",
];

const SCENARIOS: &[Scenario] = &[
    Scenario {
        class: "gnss-jamming",
        weight: 14,
        areas: &[
            "baltic-sea",
            "black-sea",
            "mediterranean-east",
            "persian-gulf",
            "red-sea",
        ],
        systems: &["navigation", "ecdis"],
        vessels: MERCHANT,
        title: "GNSS signal lost for several hours",
        summary: "All GNSS receivers on the bridge lost position at the same time; AIS kept broadcasting the last fix. The crew navigated by radar and visual bearings until the signal returned. Other vessels in the area reported the same on VHF.",
        indicators: &[],
    },
    Scenario {
        class: "gnss-spoofing",
        weight: 10,
        areas: &[
            "black-sea",
            "persian-gulf",
            "red-sea",
            "mediterranean-east",
            "baltic-sea",
        ],
        systems: &["navigation", "ecdis"],
        vessels: MERCHANT,
        title: "GNSS position shown inland",
        summary: "The ECDIS and both GNSS receivers showed the vessel about 20 nautical miles inland, at an airport, while radar showed open water. Speed over ground jumped to over 40 knots. The spoofed position persisted for about 40 minutes.",
        indicators: &[],
    },
    Scenario {
        class: "piracy-armed-robbery",
        weight: 9,
        areas: &[
            "gulf-of-guinea",
            "singapore-malacca",
            "sulu-celebes-seas",
            "gulf-of-aden",
            "west-africa",
        ],
        systems: &["physical"],
        vessels: &[
            "oil-tanker",
            "bulk-carrier",
            "chemical-tanker",
            "tug",
            "general-cargo",
        ],
        title: "Armed robbers boarded at anchor",
        summary: "Robbers armed with knives boarded from a small boat during the night, took engine spares and stores, and escaped when the alarm was raised. The crew mustered in the citadel; no injuries.",
        indicators: &[],
    },
    Scenario {
        class: "hijack-seizure",
        weight: 1,
        areas: &[
            "gulf-of-guinea",
            "gulf-of-aden",
            "western-indian-ocean",
            "red-sea",
        ],
        systems: &["physical"],
        vessels: &["oil-tanker", "chemical-tanker", "bulk-carrier"],
        title: "Vessel boarded and held",
        summary: "The vessel was boarded by an armed group and held for several days before release. Part of the cargo was transferred to another vessel. Crew were released unharmed.",
        indicators: &[],
    },
    Scenario {
        class: "information-gathering",
        weight: 8,
        areas: ANYWHERE,
        systems: &["email", "shore-it"],
        vessels: &["shore"],
        title: "Credential phishing aimed at crewing staff",
        summary: "Crewing staff received messages pretending to come from a manning agency with a link to a fake sign-in page for the company's mailbox. Two users entered their passwords; accounts were reset and multi-factor authentication enforced.",
        indicators: &[
            "crew-portal-login.example",
            "hxxps://crew-portal-login[.]example/owa",
            "185.220.101.33",
        ],
    },
    Scenario {
        class: "bunker-payment-fraud",
        weight: 7,
        areas: &[
            "singapore-malacca",
            "persian-gulf",
            "north-sea",
            "mediterranean-west",
            "gulf-of-mexico",
        ],
        systems: &["email", "erp-payments"],
        vessels: &["shore"],
        title: "Bunker invoice with changed bank details",
        summary: "An invoice for a bunker delivery arrived from a look-alike domain of the real supplier, asking for payment to a new account. Accounts payable called the supplier on a known number and the fraud was stopped before payment.",
        indicators: &[
            "bunkers-invoicing.example",
            "accounts@bunkers-invoicing.example",
        ],
    },
    Scenario {
        class: "malicious-code",
        weight: 6,
        areas: ANYWHERE,
        systems: &["shore-it", "erp-payments", "email"],
        vessels: &["shore"],
        title: "Ransomware encrypted shore office servers",
        summary: "Ransomware encrypted file servers and the fleet management system at a shore office over a weekend. Ships kept operating; crew lists and voyage planning were run by email and spreadsheets for a week while systems were rebuilt from backups.",
        indicators: &[
            "45.133.1.72",
            "update-sync.example",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        ],
    },
    Scenario {
        class: "ecdis-bridge-compromise",
        weight: 3,
        areas: ANYWHERE,
        systems: &["ecdis", "ship-ot"],
        vessels: MERCHANT,
        title: "ECDIS infected through a chart update",
        summary: "A chart update brought aboard on a USB stick carried malware that infected the backup ECDIS. The primary unit was isolated and kept working; the backup was reinstalled by the maker's service engineer at the next port.",
        indicators: &[
            "autorun.inf",
            "0d2b7c4e8a1f93b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2",
        ],
    },
    Scenario {
        class: "removable-media-infection",
        weight: 4,
        areas: ANYWHERE,
        systems: &["ship-it", "crew-devices"],
        vessels: MERCHANT,
        title: "Malware on the ship's office PC from a USB stick",
        summary: "A USB stick used to move port documents infected the ship's office PC. Antivirus quarantined most files; the PC was reimaged and USB ports restricted to company sticks.",
        indicators: &["Win32/Autorun worm family"],
    },
    Scenario {
        class: "vsat-communications-compromise",
        weight: 2,
        areas: &[
            "north-atlantic",
            "mediterranean-east",
            "red-sea",
            "persian-gulf",
            "south-china-sea",
        ],
        systems: &["vsat"],
        vessels: MERCHANT,
        title: "VSAT terminal reachable from the internet with default password",
        summary: "A routine scan showed the vessel's VSAT modem management page reachable from the internet with the manufacturer's default password. Logs showed logins from unknown addresses. The password was changed and management access restricted.",
        indicators: &["193.142.146.50", "91.92.240.11"],
    },
    Scenario {
        class: "ais-manipulation",
        weight: 3,
        areas: &[
            "black-sea",
            "persian-gulf",
            "east-china-yellow-sea",
            "mediterranean-east",
        ],
        systems: &["navigation"],
        vessels: MERCHANT,
        title: "Ghost vessels on AIS",
        summary: "Several AIS targets appeared on radar overlay with no radar echo, moving in circles near the port approach. Port control confirmed no such vessels were in the area.",
        indicators: &[],
    },
    Scenario {
        class: "port-community-system-compromise",
        weight: 2,
        areas: &[
            "north-sea",
            "mediterranean-west",
            "singapore-malacca",
            "east-china-yellow-sea",
        ],
        systems: &["port-community-system", "shore-it"],
        vessels: &["shore", "container-ship"],
        title: "Port community system unavailable after an attack",
        summary: "A denial-of-service attack made the port community system unavailable for most of a day. Container release and gate operations fell back to manual procedures; several ships waited at berth.",
        indicators: &["botnet traffic from many addresses"],
    },
    Scenario {
        class: "availability",
        weight: 3,
        areas: ANYWHERE,
        systems: &["shore-it", "vsat"],
        vessels: &["shore", "passenger", "ro-ro"],
        title: "Booking systems down after a denial-of-service attack",
        summary: "A ferry operator's booking and check-in systems were flooded with traffic for several hours. Check-in moved to manual lists; departures left on time with minor delays.",
        indicators: &[],
    },
    Scenario {
        class: "ot-compromise",
        weight: 1,
        areas: ANYWHERE,
        systems: &["ship-ot", "propulsion", "ballast"],
        vessels: &["gas-carrier", "oil-tanker", "offshore"],
        title: "Remote-access tool found on an engine-room workstation",
        summary: "An unexpected remote-access program was found on an engine monitoring workstation during an audit. It had been installed by a contractor and left running. It was removed and remote access now goes through the company's controlled gateway.",
        indicators: &["remote-support tool running as a service"],
    },
    Scenario {
        class: "stowaways",
        weight: 3,
        areas: &[
            "west-africa",
            "gulf-of-guinea",
            "mediterranean-west",
            "caribbean-sea",
        ],
        systems: &["physical"],
        vessels: &["container-ship", "ro-ro", "bulk-carrier"],
        title: "Stowaways found after departure",
        summary: "Stowaways were found hiding in the steering gear room a day after departure. They were cared for on board and handed over to the authorities at the next port.",
        indicators: &[],
    },
    Scenario {
        class: "drug-smuggling",
        weight: 3,
        areas: &[
            "caribbean-sea",
            "west-africa",
            "north-sea",
            "pacific-central-america",
        ],
        systems: &["physical", "cargo"],
        vessels: &["container-ship", "bulk-carrier", "yacht"],
        title: "Drugs found attached to the hull",
        summary: "Divers found a package of cocaine fixed in the sea chest during an underwater inspection. Police took over; the crew was not involved.",
        indicators: &[],
    },
    Scenario {
        class: "cargo-theft",
        weight: 2,
        areas: &["gulf-of-guinea", "singapore-malacca", "mediterranean-east"],
        systems: &["cargo", "physical"],
        vessels: &["oil-tanker", "container-ship"],
        title: "Cargo stolen during a ship-to-ship transfer",
        summary: "Part of the cargo was siphoned off to an unknown vessel during the night. The loss was found in the ullage survey at the next port.",
        indicators: &[],
    },
    Scenario {
        class: "fraud",
        weight: 3,
        areas: ANYWHERE,
        systems: &["email", "erp-payments"],
        vessels: &["shore"],
        title: "Fake port agent asked for disbursement payment",
        summary: "Someone posing as the port agent asked for advance disbursement funds to be paid to a new account before arrival. The master checked with the real agent by phone and nothing was paid.",
        indicators: &["port-agency-services.example"],
    },
    Scenario {
        class: "vulnerable",
        weight: 2,
        areas: ANYWHERE,
        systems: &["ship-ot", "ecdis"],
        vessels: MERCHANT,
        title: "Unsupported operating system on bridge equipment",
        summary: "An inspection found bridge equipment running an operating system without security updates for years and connected to the ship's office network. The equipment was isolated and the maker asked for an upgrade path.",
        indicators: &["CVE-2017-0144"],
    },
];

/// A small deterministic generator (xorshift64*): the same demo world on
/// every machine. Not for anything secret.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % (n.max(1) as u64)).unwrap_or(0)
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    fn scenario(&mut self) -> &'static Scenario {
        let total: u32 = SCENARIOS.iter().map(|s| s.weight).sum();
        let mut roll = u32::try_from(self.next() % u64::from(total)).unwrap_or(0);
        for scenario in SCENARIOS {
            if roll < scenario.weight {
                return scenario;
            }
            roll -= scenario.weight;
        }
        &SCENARIOS[0]
    }
}

fn date_of(secs: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(secs)
        .map(|t| t.date())
        .map(|d| format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day()))
        .unwrap_or_else(|_| "2026-01-01".into())
}

fn impact(dice: &mut Dice, heavy: bool) -> &'static str {
    let levels: &[&str] = if heavy {
        &["minor", "significant", "significant", "severe"]
    } else {
        &["none", "none", "minor", "minor", "significant"]
    };
    levels[dice.below(levels.len())]
}

/// Draws incidents the way the demo's world has them, for the demo and
/// for benchmarks that need many more: deterministic for a seed.
pub struct Synthetic(Dice);

impl Synthetic {
    pub fn new(seed: u64) -> Synthetic {
        Synthetic(Dice(seed))
    }

    /// One incident that occurred in the two years before `now` (at
    /// least three days before it), and when.
    pub fn draw(&mut self, now: i64) -> (Content, i64) {
        let dice = &mut self.0;
        let scenario = dice.scenario();
        let occurred = now - i64::try_from(dice.below(727 * 24)).unwrap_or(0) * 3600 - 3 * 86_400;
        let vessel_type = dice.pick(scenario.vessels).to_string();
        let vessel_size = if vessel_type == "shore" {
            "not-applicable"
        } else {
            dice.pick(&["small", "medium", "large", "large", "very-large"])
        };
        let heavy = matches!(
            scenario.class,
            "hijack-seizure" | "malicious-code" | "piracy-armed-robbery" | "ot-compromise"
        );
        let tlp = *dice.pick(&[
            "clear",
            "green",
            "green",
            "green",
            "amber",
            "amber",
            "amber-strict",
        ]);
        let content = Content {
            title: scenario.title.into(),
            summary: scenario.summary.into(),
            indicators: scenario.indicators.join("\n"),
            class: scenario.class.into(),
            occurred_on: date_of(occurred),
            systems: scenario.systems.iter().map(|s| s.to_string()).collect(),
            vessel_type,
            vessel_size: vessel_size.into(),
            sea_area: dice.pick(scenario.areas).to_string(),
            position_cell: String::new(),
            impact_safety: impact(dice, heavy).into(),
            impact_operations: impact(dice, heavy).into(),
            impact_money: impact(dice, heavy).into(),
            tlp: tlp.into(),
            ..Content::default()
        };
        (content, occurred)
    }
}

/// Seeds the published incidents: one sanitised incident per (anonymous)
/// report, dated over the last two years and already released.
pub async fn seed_incidents(state: &AppState) -> anyhow::Result<usize> {
    let mut synthetic = Synthetic::new(0x5EED_1000_CAFE_F00D);
    let now = now();
    let mut tx = state.db.begin_write().await?;
    for _ in 0..DEMO_INCIDENTS {
        let (content, occurred) = synthetic.draw(now);
        let form = ReportForm {
            mode: "anonymous".into(),
            class: content.class.clone(),
            discovered_on: content.occurred_on.clone(),
            systems: content.systems.clone(),
            vessel_type: content.vessel_type.clone(),
            vessel_size: content.vessel_size.clone(),
            sea_area: content.sea_area.clone(),
            impact_safety: content.impact_safety.clone(),
            impact_operations: content.impact_operations.clone(),
            impact_money: content.impact_money.clone(),
            narrative: content.summary.clone(),
            indicators: content.indicators.clone(),
            tlp: content.tlp.clone(),
            ..ReportForm::default()
        };
        let receipt = crate::reports::receipt::new(&state.key)?;
        let (report_id, _, _) = reports::insert(
            &mut tx,
            &state.key,
            &form,
            Mode::Anonymous,
            Reporter::Anonymous {
                receipt_lookup: receipt.lookup,
            },
            None,
            // Some came with a membership token.
            (occurred / 3600) % 3 == 0,
        )
        .await?;
        let received = reports::hour(occurred + 6 * 3600);
        sqlx::query(
            "UPDATE reports SET status = 'published', received_hour = $1, updated_hour = $1 WHERE id = $2",
        )
        .bind(received)
        .bind(report_id)
        .execute(&mut *tx)
        .await?;
        debug_assert!(tlp_rank(&content.tlp).is_some());
        crate::incidents::publish::save_within(
            &mut tx,
            report_id,
            &incidents::new_reference()?,
            &content,
            &Publication {
                state: "published",
                visible_from: Some(received + 2 * 86_400),
                reporter_org_id: None,
                named_org: None,
            },
            received,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(DEMO_INCIDENTS)
}

/// Reports waiting in triage, written the way reporters write: names,
/// vessels, addresses that the scrubber must catch before publication.
pub const TRIAGE: &[(&str, &str, &str, &str)] = &[
    (
        "anonymous",
        "ecdis-bridge-compromise",
        "north-sea",
        "Capt. Jonas Berg called me at 03:40: the ECDIS on MV Nordic Star (IMO 9321483) showed a ransom note after the chart update from a USB stick the agent brought aboard. Our IT contact is it-support@northwind.example, phone +47 912 34 567. The backup ECDIS still works.",
    ),
    (
        "attributed",
        "bunker-payment-fraud",
        "singapore-malacca",
        "Our accounts team at Meridian Container Lines received an invoice from bunkers-invoicing.example asking for payment to a new account in another country. Chief Engineer Tan confirmed the delivered quantity, so the invoice looked right. We stopped the payment after calling the supplier.",
    ),
    (
        "anonymous",
        "gnss-spoofing",
        "black-sea",
        "From 02:10 to 02:55 UTC both GPS receivers put us at Odesa airport while we were 25 nm offshore. AIS broadcast the false position. Master decided to continue on radar. Several ships on VHF 16 reported the same.",
    ),
    (
        "anonymous",
        "piracy-armed-robbery",
        "gulf-of-guinea",
        "Six men with guns came up the anchor chain at 01:30 local. The duty AB raised the alarm and the crew went to the citadel. They took the engine spares and left after 40 minutes. Nobody hurt. Bosun found a hook ladder left on the poop deck.",
    ),
];

/// Seeds [`TRIAGE`] through the same intake as the form.
pub async fn seed_triage(state: &AppState) -> anyhow::Result<usize> {
    let member = crate::accounts::store::user_by_email(&state.db, "ciso@meridian-lines.example")
        .await?
        .and_then(|row| row.to_user());
    let day = date_of(now() - 2 * 86_400);
    for (mode, class, area, narrative) in TRIAGE {
        let form = ReportForm {
            mode: (*mode).into(),
            class: (*class).into(),
            discovered_on: day.clone(),
            systems: vec![
                if class.contains("gnss") {
                    "navigation"
                } else {
                    "email"
                }
                .into(),
            ],
            vessel_type: "container-ship".into(),
            vessel_size: "large".into(),
            sea_area: (*area).into(),
            impact_safety: "minor".into(),
            impact_operations: "significant".into(),
            impact_money: "minor".into(),
            narrative: (*narrative).into(),
            tlp: "green".into(),
            ..ReportForm::default()
        };
        let mode = Mode::parse(mode).unwrap_or(Mode::Anonymous);
        let member = if mode == Mode::Attributed {
            member.as_ref()
        } else {
            None
        };
        crate::reports::accept::accept(state, &form, mode, member, &[], None, None)
            .await
            .map_err(|e| anyhow::anyhow!("demo report: {e:?}"))?;
    }
    Ok(TRIAGE.len())
}
