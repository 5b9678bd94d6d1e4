//! Writes one chart of each kind to the directory given (default: `.`), for
//! looking at them in a browser: `cargo run -p lookout-charts --example demo`.

use lookout_charts::{Datum, Series, bars, columns, lines};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args().nth(1).unwrap_or_else(|| ".".to_owned());
    let areas = [
        "Gulf of Guinea",
        "Gulf of Aden",
        "Red Sea",
        "Arabian Sea",
        "Strait of Malacca",
        "Singapore Strait",
        "Sulu and Celebes Seas",
        "South China Sea",
        "Black Sea",
        "Eastern Mediterranean",
        "Baltic Sea",
        "Persian Gulf",
        "Strait of Hormuz",
        "Bay of Bengal",
        "Caribbean Sea",
        "Gulf of Mexico",
        "North Sea",
        "English Channel",
        "Mozambique Channel",
        "North Atlantic Ocean (east)",
    ];
    let data: Vec<Datum> = areas
        .iter()
        .enumerate()
        .map(|(i, a)| {
            Datum::new(
                *a,
                if i % 9 == 4 {
                    None
                } else {
                    Some((i as u64 * 37) % 251 + 3)
                },
            )
        })
        .collect();
    let months: Vec<String> = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
    .iter()
    .map(|m| format!("{m} 2025"))
    .collect();
    let by_month: Vec<Datum> = months
        .iter()
        .enumerate()
        .map(|(i, m)| {
            Datum::new(
                m.clone(),
                if i == 4 {
                    None
                } else {
                    Some(20 + (i as u64 * 13) % 40)
                },
            )
        })
        .collect();
    let series = vec![
        Series::new(
            "Cyber",
            (0..12)
                .map(|i| if i == 3 { None } else { Some(10 + i * 3) })
                .collect(),
        ),
        Series::new("Other crime", (0..12).map(|i| Some(40 - i * 2)).collect()),
        Series::new(
            "Last year",
            (0..12)
                .map(|i| {
                    if i == 6 || i == 8 {
                        None
                    } else {
                        Some(25 + (i * 7) % 11)
                    }
                })
                .collect(),
        ),
    ];
    let weeks: Vec<Datum> = (1..=52u64)
        .map(|w| {
            Datum::new(
                format!("W{w:02}"),
                if w % 17 == 0 {
                    None
                } else {
                    Some(w % 13 * 3 + 2)
                },
            )
        })
        .collect();
    let odd = vec![
        Datum::new("<script>&\"'", Some(3)),
        Datum::new("Øresund / Kattegat (Ålborg Bugt)", Some(12)),
        Datum::new("マラッカ海峡", None),
        Datum::new("Largest possible", Some(u64::MAX)),
        Datum::new(
            "Suspicious approach by a skiff with ladders and armed persons",
            Some(u64::MAX / 3),
        ),
    ];
    for (name, svg) in [
        ("bars", bars("Incidents by sea area, 2025", &data)?),
        ("columns", columns("Incidents by month, 2025", &by_month)?),
        (
            "lines",
            lines("Cyber and other crime by month", &months, &series)?,
        ),
        ("empty", bars("Incidents by class", &[])?),
        ("weeks", columns("Incidents by week, 2025", &weeks)?),
        ("odd", bars("Unusual <labels> & \"figures\"", &odd)?),
    ] {
        println!("{name}: {} bytes", svg.len());
        std::fs::write(format!("{dir}/{name}.svg"), svg)?;
    }
    Ok(())
}
