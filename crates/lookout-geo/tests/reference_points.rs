//! Well-known places at sea and the area each must fall in.

use std::collections::HashSet;

use lookout_geo::{AreaKind, GeoError, all, area_at, by_id};

/// (place, latitude, longitude, expected area id). Positions are a little
/// offshore of the named port or in the named strait.
const REFERENCE: &[(&str, f64, f64, &str)] = &[
    // Gulf of Guinea and West Africa
    ("Lagos anchorage", 6.35, 3.35, "gulf-of-guinea"),
    ("Bonny River approach", 4.3, 7.0, "gulf-of-guinea"),
    ("São Tomé", 0.35, 6.75, "gulf-of-guinea"),
    ("Luanda", -8.75, 13.2, "gulf-of-guinea"),
    ("Abidjan", 5.2, -4.0, "gulf-of-guinea"),
    ("Conakry", 9.45, -13.75, "gulf-of-guinea"),
    ("Dakar", 14.65, -17.5, "west-africa"),
    ("Las Palmas", 28.15, -15.35, "west-africa"),
    ("Casablanca", 33.65, -7.7, "west-africa"),
    // Red Sea, Gulf of Aden, Western Indian Ocean
    ("Bab-el-Mandeb, Perim", 12.6, 43.35, "red-sea"),
    ("Jeddah", 21.45, 39.1, "red-sea"),
    ("Port Sudan", 19.6, 37.3, "red-sea"),
    ("Suez anchorage", 29.9, 32.55, "red-sea"),
    ("Aqaba", 29.45, 34.95, "red-sea"),
    ("Gulf of Aden, transit corridor", 12.5, 47.5, "gulf-of-aden"),
    ("Aden", 12.75, 45.0, "gulf-of-aden"),
    ("Djibouti", 11.65, 43.1, "gulf-of-aden"),
    ("Somali Basin", 2.0, 52.0, "western-indian-ocean"),
    ("Mogadishu", 2.0, 45.4, "western-indian-ocean"),
    ("Arabian Sea", 15.0, 62.0, "western-indian-ocean"),
    ("Mombasa approach", -4.1, 39.75, "western-indian-ocean"),
    ("Seychelles, Victoria", -4.6, 55.5, "western-indian-ocean"),
    ("Mumbai approach", 18.9, 72.7, "western-indian-ocean"),
    ("Salalah", 16.9, 54.05, "western-indian-ocean"),
    // Gulf and Gulf of Oman
    ("Strait of Hormuz", 26.55, 56.4, "persian-gulf"),
    ("Ras Tanura", 26.7, 50.2, "persian-gulf"),
    ("Kuwait", 29.4, 48.1, "persian-gulf"),
    ("Fujairah anchorage", 25.15, 56.45, "persian-gulf"),
    ("Muscat", 23.65, 58.6, "persian-gulf"),
    // South-east Asia
    ("Singapore Strait", 1.2, 103.9, "singapore-malacca"),
    (
        "Strait of Malacca, off Port Klang",
        2.9,
        101.1,
        "singapore-malacca",
    ),
    ("Penang", 5.4, 100.4, "singapore-malacca"),
    ("Sulu Sea", 8.5, 120.0, "sulu-celebes-seas"),
    ("Celebes Sea", 4.0, 122.5, "sulu-celebes-seas"),
    ("Tawau, Sabah", 4.2, 117.95, "sulu-celebes-seas"),
    ("Zamboanga", 6.85, 122.1, "sulu-celebes-seas"),
    (
        "South China Sea, Spratly Islands",
        10.0,
        114.0,
        "south-china-sea",
    ),
    ("Hong Kong approach", 22.2, 114.2, "south-china-sea"),
    ("Gulf of Thailand", 10.0, 102.0, "south-china-sea"),
    ("Vung Tau", 10.3, 107.1, "south-china-sea"),
    ("Manila Bay", 14.5, 120.8, "south-china-sea"),
    ("Java Sea", -5.0, 110.0, "indonesian-archipelago"),
    (
        "Tanjung Priok, Jakarta",
        -6.05,
        106.9,
        "indonesian-archipelago",
    ),
    ("Makassar Strait", -2.0, 118.0, "indonesian-archipelago"),
    ("Banda Sea", -6.0, 127.0, "indonesian-archipelago"),
    ("Timor Sea", -11.0, 127.0, "timor-arafura-seas"),
    ("Darwin", -12.4, 130.8, "timor-arafura-seas"),
    ("Bay of Bengal", 15.0, 88.0, "bay-of-bengal"),
    ("Chittagong anchorage", 22.1, 91.75, "bay-of-bengal"),
    ("Chennai", 13.1, 80.35, "bay-of-bengal"),
    ("Colombo", 6.95, 79.8, "bay-of-bengal"),
    ("Andaman Sea", 10.0, 96.0, "bay-of-bengal"),
    // East Asia
    ("East China Sea", 30.0, 125.0, "east-china-yellow-sea"),
    ("Shanghai, Yangshan", 30.6, 122.1, "east-china-yellow-sea"),
    ("Taiwan Strait", 24.5, 119.5, "east-china-yellow-sea"),
    ("Yellow Sea", 36.0, 123.0, "east-china-yellow-sea"),
    ("Incheon approach", 37.4, 126.4, "east-china-yellow-sea"),
    ("Sea of Japan", 40.0, 135.0, "sea-of-japan"),
    ("Busan", 35.05, 129.05, "sea-of-japan"),
    ("Vladivostok", 43.05, 131.9, "sea-of-japan"),
    ("Tokyo Bay approach", 35.0, 139.8, "north-pacific-west"),
    // Oceania
    ("Coral Sea", -15.0, 155.0, "coral-sea"),
    ("Port Moresby", -9.5, 147.1, "coral-sea"),
    ("Sydney approach", -33.85, 151.4, "tasman-sea"),
    ("Bass Strait", -39.5, 146.0, "tasman-sea"),
    ("Perth, Fremantle", -32.05, 115.65, "indian-ocean"),
    // Black Sea, Caspian
    ("Odesa approach", 46.4, 30.85, "black-sea"),
    ("Novorossiysk", 44.65, 37.85, "black-sea"),
    ("Sea of Azov", 46.0, 36.5, "black-sea"),
    ("Bosphorus, northern entrance", 41.22, 29.12, "black-sea"),
    ("Caspian Sea, off Baku", 40.3, 50.0, "caspian-sea"),
    // Europe
    ("Kiel Bay", 54.5, 10.3, "baltic-sea"),
    ("Gulf of Finland", 59.9, 26.0, "baltic-sea"),
    ("Gothenburg approach", 57.65, 11.7, "baltic-sea"),
    ("Gdańsk Bay", 54.5, 18.8, "baltic-sea"),
    ("Rotterdam approach", 52.0, 3.9, "north-sea"),
    ("Dover Strait", 51.0, 1.45, "north-sea"),
    ("Hamburg, Elbe", 53.55, 9.95, "north-sea"),
    ("Skagerrak", 58.0, 9.0, "north-sea"),
    ("Norwegian Sea", 66.0, 2.0, "norwegian-barents-sea"),
    ("Murmansk approach", 69.3, 33.5, "norwegian-barents-sea"),
    ("Barents Sea", 72.0, 40.0, "norwegian-barents-sea"),
    ("Strait of Gibraltar", 35.95, -5.6, "mediterranean-west"),
    ("Marseille", 43.3, 5.3, "mediterranean-west"),
    ("Genoa", 44.38, 8.9, "mediterranean-west"),
    ("Piraeus", 37.9, 23.6, "mediterranean-east"),
    ("Port Said", 31.35, 32.35, "mediterranean-east"),
    ("Haifa", 32.85, 34.95, "mediterranean-east"),
    (
        "Istanbul, Sea of Marmara",
        40.95,
        28.9,
        "mediterranean-east",
    ),
    ("Venice", 45.35, 12.4, "mediterranean-east"),
    // Americas
    ("Caribbean Sea", 15.0, -75.0, "caribbean-sea"),
    (
        "Colón anchorage (Panama Canal, Atlantic side)",
        9.4,
        -79.9,
        "caribbean-sea",
    ),
    ("Kingston, Jamaica", 17.9, -76.8, "caribbean-sea"),
    (
        "Balboa anchorage (Panama Canal, Pacific side)",
        8.85,
        -79.5,
        "pacific-central-america",
    ),
    (
        "Gulf of California",
        27.0,
        -111.0,
        "pacific-central-america",
    ),
    ("Gulf of Mexico", 25.0, -90.0, "gulf-of-mexico"),
    ("Houston approach", 29.3, -94.7, "gulf-of-mexico"),
    ("Havana", 23.2, -82.35, "gulf-of-mexico"),
    ("New York approach", 40.45, -73.8, "north-atlantic"),
    ("Miami", 25.75, -80.05, "north-atlantic"),
    ("Bay of Biscay", 45.5, -5.0, "north-atlantic"),
    ("Hudson Bay", 60.0, -85.0, "north-atlantic"),
    ("Santos", -24.05, -46.3, "south-atlantic"),
    ("Valparaíso", -33.0, -71.7, "south-pacific-east"),
    ("Callao", -12.05, -77.2, "south-pacific-east"),
    ("Los Angeles approach", 33.7, -118.3, "north-pacific-east"),
    ("Honolulu", 21.25, -157.9, "north-pacific-east"),
    // Africa, south
    ("Mozambique Channel", -17.0, 41.5, "mozambique-channel"),
    ("Maputo", -25.9, 32.8, "mozambique-channel"),
    ("Cape of Good Hope", -34.5, 18.4, "south-atlantic"),
    ("Durban", -29.9, 31.1, "indian-ocean"),
    // Mid-ocean and polar
    ("North Atlantic, mid-ocean", 35.0, -40.0, "north-atlantic"),
    ("South Atlantic, mid-ocean", -20.0, -15.0, "south-atlantic"),
    ("Indian Ocean, mid-ocean", -20.0, 80.0, "indian-ocean"),
    ("Maldives, Malé", 4.15, 73.55, "indian-ocean"),
    (
        "North Pacific (west), mid-ocean",
        25.0,
        160.0,
        "north-pacific-west",
    ),
    (
        "North Pacific (east), mid-ocean",
        30.0,
        -140.0,
        "north-pacific-east",
    ),
    (
        "South Pacific (west), Fiji",
        -18.0,
        178.5,
        "south-pacific-west",
    ),
    (
        "South Pacific (east), mid-ocean",
        -30.0,
        -120.0,
        "south-pacific-east",
    ),
    ("Drake Passage", -58.5, -64.0, "southern-ocean"),
    ("Ross Sea", -75.0, -175.0, "southern-ocean"),
    ("Beaufort Sea", 72.0, -140.0, "arctic-ocean"),
    ("North Pole", 90.0, 0.0, "arctic-ocean"),
    ("Svalbard, Longyearbyen", 78.3, 15.4, "arctic-ocean"),
];

#[test]
fn reference_points_fall_in_their_area() {
    let mut wrong = Vec::new();
    for &(place, lat, lon, expected) in REFERENCE {
        assert!(by_id(expected).is_some(), "{place}: unknown id {expected}");
        let got = area_at(lat, lon).expect("valid position");
        if got.id != expected {
            wrong.push(format!(
                "{place} ({lat}, {lon}): {} instead of {expected}",
                got.id
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    assert!(REFERENCE.len() >= 40);
}

#[test]
fn every_area_is_somebody_s_answer() {
    let used: HashSet<&str> = REFERENCE.iter().map(|r| r.3).collect();
    for area in all() {
        assert!(used.contains(area.id), "no reference point for {}", area.id);
    }
}

#[test]
fn ids_are_unique_kebab_case_and_names_present() {
    let mut ids = HashSet::new();
    let mut names = HashSet::new();
    for area in all() {
        assert!(ids.insert(area.id), "duplicate id {}", area.id);
        assert!(names.insert(area.name), "duplicate name {}", area.name);
        let kebab = !area.id.is_empty()
            && area.id.split('-').all(|w| {
                !w.is_empty()
                    && w.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            });
        assert!(kebab, "{} is not kebab-case", area.id);
        assert!(!area.name.trim().is_empty());
        assert_eq!(by_id(area.id), Some(area));
    }
    assert!((30..=40).contains(&all().len()));
    assert_eq!(by_id("atlantis"), None);
    assert_eq!(by_id("Gulf-of-Guinea"), None);
}

#[test]
fn risk_areas_are_regional_seas() {
    let risk: Vec<&str> = all().iter().filter(|a| a.risk_area).map(|a| a.id).collect();
    for id in [
        "gulf-of-guinea",
        "gulf-of-aden",
        "western-indian-ocean",
        "red-sea",
        "persian-gulf",
        "singapore-malacca",
        "sulu-celebes-seas",
        "black-sea",
    ] {
        assert!(risk.contains(&id), "{id} should be a risk area");
    }
    assert!(
        all()
            .iter()
            .filter(|a| a.kind == AreaKind::Ocean)
            .all(|a| !a.risk_area)
    );
}

#[test]
fn a_dense_global_grid_always_gets_one_area() {
    // Every 2°, poles and antimeridian included.
    for i in 0..=90 {
        let lat = -90.0 + 2.0 * f64::from(i);
        for j in 0..=180 {
            let lon = -180.0 + 2.0 * f64::from(j);
            let area = area_at(lat, lon);
            assert!(area.is_ok(), "({lat}, {lon}): {area:?}");
        }
    }
}

#[test]
fn invalid_positions_are_refused_with_a_reason() {
    assert_eq!(area_at(91.0, 0.0), Err(GeoError::LatitudeOutOfRange(91.0)));
    assert_eq!(
        area_at(0.0, 200.0),
        Err(GeoError::LongitudeOutOfRange(200.0))
    );
    assert_eq!(area_at(f64::NAN, 0.0), Err(GeoError::NotFinite));
    let message = area_at(-95.0, 0.0).unwrap_err().to_string();
    assert!(
        message.contains("-95") && message.contains("90°S"),
        "{message}"
    );
}
