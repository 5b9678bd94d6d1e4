//! Positions typed by people, and the one canonical way to print them.

use crate::GeoError;
use crate::areas::check_position;

/// Longest input [`parse_position`] looks at, in characters.
pub const MAX_INPUT_CHARS: usize = 100;

/// Reads a position typed by a person and returns `(latitude, longitude)` in
/// decimal degrees (WGS84; north and east positive).
///
/// Accepted notations (letters in either case, blanks optional between parts):
///
/// | notation | example |
/// |---|---|
/// | degrees and decimal minutes, hemisphere after | `12°34.5'N 045°12.3'E`, `12 34.5 N 045 12.3 E` |
/// | hemisphere before | `N 12°34.5' E 045°12.3'` |
/// | degrees, minutes, seconds | `12°34'30"N 45°12'18"E`, `12 34 30 N 45 12 18 E` |
/// | compact degrees and minutes (as in many ship reports) | `1234.5N 04512.3E` |
/// | decimal degrees, signed | `12.575, 45.205`, `-12.575 45.205`, `12.575 -45.205` |
/// | decimal degrees with hemisphere | `12.575N 45.205E`, `12.575S, 45.205W` |
///
/// Rules: the latitude comes first unless hemisphere letters say otherwise
/// (`045°12.3'E 12°34.5'N` is understood); a coordinate uses either a minus
/// sign or a hemisphere letter, not both; only the last part of a coordinate
/// may have a decimal fraction; minutes and seconds are below 60. Without a
/// comma and without hemisphere letters, degree marks or else the count of
/// numbers (2, 4 or 6) tell where the longitude starts, so `12 34.5` is read
/// as two decimal coordinates. A decimal comma (`12,5`) is refused: the comma
/// separates latitude from longitude. Input longer than [`MAX_INPUT_CHARS`]
/// is refused unread.
///
/// ```
/// let (lat, lon) = lookout_geo::parse_position("12°34.5'N 045°12.3'E").unwrap();
/// assert!((lat - 12.575).abs() < 1e-9 && (lon - 45.205).abs() < 1e-9);
/// assert_eq!(lookout_geo::parse_position("-12.575 45.205"), Ok((-12.575, 45.205)));
/// ```
///
/// # Errors
///
/// A [`GeoError`] whose message says what to change: an unknown character,
/// one coordinate only, minutes of 60 or more, a latitude beyond 90°, and so
/// on.
pub fn parse_position(input: &str) -> Result<(f64, f64), GeoError> {
    // Bytes bound characters from above: no need to count a huge input.
    if input.len() > MAX_INPUT_CHARS {
        let chars = input.chars().count();
        if chars > MAX_INPUT_CHARS {
            return Err(GeoError::TooLong(chars));
        }
    }
    let tokens = lex(input)?;
    if tokens.is_empty() {
        return Err(GeoError::Empty);
    }
    let numbers = tokens.iter().filter(|t| matches!(t, Tok::Num(_))).count();
    if numbers < 2 {
        return Err(GeoError::MissingCoordinate);
    }
    let (a, b) = split(&tokens)?;
    let (lat, lon) = assign(coordinate(a)?, coordinate(b)?)?;
    check_position(lat, lon)?;
    Ok((lat, lon))
}

/// Prints a position as degrees and decimal minutes with hemisphere letters,
/// to a thousandth of a minute (under 2 m): `12°34.500'N 045°12.300'E`.
///
/// [`parse_position`] reads the result back to within 1/120 000 of a degree.
/// Meant for valid positions (see [`crate::area_at`] for the ranges); other
/// values print but do not parse back.
pub fn format_position(lat: f64, lon: f64) -> String {
    format!(
        "{} {}",
        degrees_minutes(lat, 2, 'N', 'S'),
        degrees_minutes(lon, 3, 'E', 'W')
    )
}

fn degrees_minutes(value: f64, width: usize, positive: char, negative: char) -> String {
    let hemisphere = if value < 0.0 { negative } else { positive };
    // Rounding the whole value once carries 59.9996' into the next degree.
    let thousandths = (value.abs() * 60_000.0).round() as u64;
    let degrees = thousandths / 60_000;
    let rest = thousandths % 60_000;
    format!(
        "{degrees:0width$}°{:02}.{:03}'{hemisphere}",
        rest / 1000,
        rest % 1000
    )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    Degrees,
    Minutes,
    Seconds,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hemisphere {
    North,
    South,
    East,
    West,
}

impl Hemisphere {
    fn is_latitude(self) -> bool {
        matches!(self, Self::North | Self::South)
    }

    fn is_negative(self) -> bool {
        matches!(self, Self::South | Self::West)
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Tok<'a> {
    /// Digits and decimal points, as typed.
    Num(&'a str),
    Mark(Mark),
    Hemisphere(Hemisphere),
    Minus,
    Plus,
    /// Comma, semicolon or slash between latitude and longitude.
    Separator,
}

fn is_minute_mark(c: char) -> bool {
    matches!(c, '\'' | '′' | '’' | '‘' | '´' | '`')
}

fn lex(input: &str) -> Result<Vec<Tok<'_>>, GeoError> {
    let mut tokens = Vec::new();
    let mut chars = input.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        let token = match c {
            '0'..='9' | '.' => {
                let mut end = start + 1;
                while let Some(&(i, d)) = chars.peek() {
                    if d.is_ascii_digit() || d == '.' {
                        end = i + 1;
                        chars.next();
                    } else {
                        break;
                    }
                }
                Tok::Num(&input[start..end])
            }
            c if c.is_whitespace() => continue,
            ',' | ';' | '/' => Tok::Separator,
            '°' | 'º' | '˚' => Tok::Mark(Mark::Degrees),
            c if is_minute_mark(c) => {
                // Two minute marks in a row are a seconds mark: 30''.
                if chars.peek().is_some_and(|&(_, d)| is_minute_mark(d)) {
                    chars.next();
                    Tok::Mark(Mark::Seconds)
                } else {
                    Tok::Mark(Mark::Minutes)
                }
            }
            '"' | '″' | '“' | '”' => Tok::Mark(Mark::Seconds),
            'N' | 'n' => Tok::Hemisphere(Hemisphere::North),
            'S' | 's' => Tok::Hemisphere(Hemisphere::South),
            'E' | 'e' => Tok::Hemisphere(Hemisphere::East),
            'W' | 'w' => Tok::Hemisphere(Hemisphere::West),
            '-' | '−' | '–' => Tok::Minus,
            '+' => Tok::Plus,
            other => return Err(GeoError::UnexpectedCharacter(other)),
        };
        tokens.push(token);
    }
    Ok(tokens)
}

type Split<'t, 'a> = (&'t [Tok<'a>], &'t [Tok<'a>]);

/// Cuts the tokens into the first and the second coordinate.
fn split<'t, 'a>(tokens: &'t [Tok<'a>]) -> Result<Split<'t, 'a>, GeoError> {
    let separators: Vec<usize> = positions(tokens, |t| matches!(t, Tok::Separator));
    match separators.as_slice() {
        [at] => Ok((&tokens[..*at], &tokens[at + 1..])),
        [] => split_unseparated(tokens),
        _ => Err(GeoError::TooManySeparators),
    }
}

fn split_unseparated<'t, 'a>(tokens: &'t [Tok<'a>]) -> Result<Split<'t, 'a>, GeoError> {
    let hemispheres = positions(tokens, |t| matches!(t, Tok::Hemisphere(_)));
    match hemispheres.as_slice() {
        // Letters before the numbers: N 12 34.5 E 045 12.3
        [0, second] if *second + 1 < tokens.len() => Ok(tokens.split_at(*second)),
        [0, _] => Err(GeoError::Ambiguous),
        // Letters after the numbers (or mixed): 12 34.5 N 045 12.3 E
        [first, _] => Ok((&tokens[..=*first], &tokens[first + 1..])),
        [_] => Err(GeoError::OneHemisphere),
        [] => split_by_numbers(tokens),
        _ => Err(GeoError::TooManyHemispheres),
    }
}

/// No comma and no letters: degree marks, or else the count of numbers,
/// tell where the longitude starts.
fn split_by_numbers<'t, 'a>(tokens: &'t [Tok<'a>]) -> Result<Split<'t, 'a>, GeoError> {
    let numbers = positions(tokens, |t| matches!(t, Tok::Num(_)));
    let with_degree_mark: Vec<usize> = numbers
        .iter()
        .copied()
        .filter(|&i| tokens.get(i + 1) == Some(&Tok::Mark(Mark::Degrees)))
        .collect();
    let start = match (with_degree_mark.as_slice(), numbers.len()) {
        ([_, second], _) => *second,
        (_, 2) => numbers[1],
        (_, 4) => numbers[2],
        (_, 6) => numbers[3],
        _ => return Err(GeoError::Ambiguous),
    };
    let cut = match start.checked_sub(1).map(|i| tokens[i]) {
        Some(Tok::Minus | Tok::Plus) => start - 1,
        _ => start,
    };
    Ok(tokens.split_at(cut))
}

fn positions(tokens: &[Tok<'_>], wanted: impl Fn(&Tok<'_>) -> bool) -> Vec<usize> {
    tokens
        .iter()
        .enumerate()
        .filter(|(_, t)| wanted(t))
        .map(|(i, _)| i)
        .collect()
}

/// One coordinate: its signed value and the hemisphere letter, if any.
#[derive(Debug, Clone, Copy)]
struct Coordinate {
    value: f64,
    hemisphere: Option<Hemisphere>,
}

fn coordinate(tokens: &[Tok<'_>]) -> Result<Coordinate, GeoError> {
    let mut rest = tokens;
    let mut hemisphere = None;
    if let [Tok::Hemisphere(h), tail @ ..] = rest {
        hemisphere = Some(*h);
        rest = tail;
    }
    let mut negative = false;
    match rest {
        [Tok::Minus, tail @ ..] => {
            negative = true;
            rest = tail;
        }
        [Tok::Plus, tail @ ..] => rest = tail,
        _ => {}
    }
    if let [head @ .., Tok::Hemisphere(h)] = rest {
        if hemisphere.is_some() {
            return Err(GeoError::TooManyHemispheres);
        }
        hemisphere = Some(*h);
        rest = head;
    }
    if negative && hemisphere.is_some() {
        return Err(GeoError::SignAndHemisphere);
    }

    let mut parts: Vec<(&str, Option<Mark>)> = Vec::new();
    let mut iter = rest.iter().peekable();
    while let Some(token) = iter.next() {
        let Tok::Num(text) = token else {
            return Err(GeoError::BadComponents);
        };
        let mark = match iter.peek() {
            Some(Tok::Mark(m)) => {
                iter.next();
                Some(*m)
            }
            _ => None,
        };
        parts.push((text, mark));
    }
    let magnitude = magnitude(&parts)?;
    let negative = negative || hemisphere.is_some_and(Hemisphere::is_negative);
    Ok(Coordinate {
        value: if negative { -magnitude } else { magnitude },
        hemisphere,
    })
}

/// Degrees from up to three parts (degrees, minutes, seconds).
fn magnitude(parts: &[(&str, Option<Mark>)]) -> Result<f64, GeoError> {
    const ORDER: [Mark; 3] = [Mark::Degrees, Mark::Minutes, Mark::Seconds];
    if parts.is_empty() {
        return Err(GeoError::MissingCoordinate);
    }
    if parts.len() > ORDER.len()
        || parts
            .iter()
            .zip(ORDER)
            .any(|((_, mark), expected)| mark.is_some_and(|m| m != expected))
    {
        return Err(GeoError::BadComponents);
    }
    if parts[..parts.len() - 1]
        .iter()
        .any(|(text, _)| text.contains('.'))
    {
        return Err(GeoError::FractionThenSmallerUnit);
    }

    // Compact degrees and minutes: 1234.5 is 12°34.5', 04512.3 is 45°12.3'.
    if let [(text, None)] = parts {
        let integer_digits = text.find('.').unwrap_or(text.len());
        if (4..=5).contains(&integer_digits) {
            let (degrees, minutes) = text.split_at(integer_digits - 2);
            return combine(number(degrees)?, number(minutes)?, 0.0);
        }
    }

    let value = |i: usize| parts.get(i).map_or(Ok(0.0), |(text, _)| number(text));
    combine(value(0)?, value(1)?, value(2)?)
}

fn combine(degrees: f64, minutes: f64, seconds: f64) -> Result<f64, GeoError> {
    if minutes >= 60.0 {
        return Err(GeoError::MinutesOutOfRange(minutes));
    }
    if seconds >= 60.0 {
        return Err(GeoError::SecondsOutOfRange(seconds));
    }
    Ok(degrees + minutes / 60.0 + seconds / 3600.0)
}

fn number(text: &str) -> Result<f64, GeoError> {
    let valid = text.bytes().any(|b| b.is_ascii_digit()) && text.matches('.').count() <= 1;
    match text.parse::<f64>() {
        Ok(value) if valid => Ok(value),
        _ => Err(GeoError::BadNumber(text.to_owned())),
    }
}

/// Decides which coordinate is the latitude.
fn assign(first: Coordinate, second: Coordinate) -> Result<(f64, f64), GeoError> {
    let is_latitude = |c: Coordinate| c.hemisphere.map(Hemisphere::is_latitude);
    match (is_latitude(first), is_latitude(second)) {
        (Some(true), Some(true)) => Err(GeoError::TwoLatitudes),
        (Some(false), Some(false)) => Err(GeoError::TwoLongitudes),
        (Some(false), _) | (_, Some(true)) => Ok((second.value, first.value)),
        _ => Ok((first.value, second.value)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(input: &str, lat: f64, lon: f64) {
        let (la, lo) = parse_position(input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
        assert!(
            (la - lat).abs() < 1e-9 && (lo - lon).abs() < 1e-9,
            "{input:?} gave ({la}, {lo}), expected ({lat}, {lon})"
        );
    }

    #[test]
    fn reads_the_common_notations() {
        close("12°34.5'N 045°12.3'E", 12.575, 45.205);
        close("12 34.5 N 045 12.3 E", 12.575, 45.205);
        close("12.575, 45.205", 12.575, 45.205);
        close("-12.575 45.205", -12.575, 45.205);
        close("12.575 -45.205", 12.575, -45.205);
        close("N 12°34.5' E 045°12.3'", 12.575, 45.205);
        close("12°34.5′S, 045°12.3′W", -12.575, -45.205);
        close("12°34'30\"N 45°12'18\"E", 12.575, 45.205);
        close("12°34'30''N 45°12'18''E", 12.575, 45.205);
        close("12 34 30 N 45 12 18 E", 12.575, 45.205);
        close("1234.5N 04512.3E", 12.575, 45.205);
        close("0130N 10345E", 1.5, 103.75);
        close("12.575n 45.205e", 12.575, 45.205);
        close("12.575S; 45.205W", -12.575, -45.205);
        close("045°12.3'E 12°34.5'N", 12.575, 45.205);
        close("12°34.5' 045°12.3'", 12.575, 45.205);
        close("12 34.5 045 12.3", 12.575, 45.205);
        close("12°34.5'N, -45.205", 12.575, -45.205);
        close("  +12.575 , 45.205  ", 12.575, 45.205);
        close("12ºN 45ºE", 12.0, 45.0);
        close("90S 180W", -90.0, -180.0);
        close(".5, 5.", 0.5, 5.0);
    }

    #[test]
    fn says_what_is_wrong() {
        use GeoError::*;
        let cases: &[(&str, GeoError)] = &[
            ("", Empty),
            ("   ", Empty),
            ("12.5", MissingCoordinate),
            ("12°34.5'N", OneHemisphere),
            ("N E", MissingCoordinate),
            ("12.5 45.2 7", Ambiguous),
            ("12.5, 45.2, 7", TooManySeparators),
            ("12.5N 45.2", OneHemisphere),
            ("12.5N 45.2E 3W", TooManyHemispheres),
            ("12N 45S", TwoLatitudes),
            ("12E 45W", TwoLongitudes),
            ("-12.5S 45E", SignAndHemisphere),
            ("12 61 N 45 0 E", MinutesOutOfRange(61.0)),
            ("12 0 60 N 45 0 0 E", SecondsOutOfRange(60.0)),
            ("12.5 30 N 45 E", FractionThenSmallerUnit),
            ("12' 30° N 45 E", BadComponents),
            ("1 2 3 4 N 45 E", BadComponents),
            ("12..5, 45", BadNumber("12..5".into())),
            ("12.5 @ 45", UnexpectedCharacter('@')),
            ("91, 45", LatitudeOutOfRange(91.0)),
            ("45, 181", LongitudeOutOfRange(181.0)),
            ("12345N 045E", LatitudeOutOfRange(123.75)),
            ("N 12 34 045 12 E", Ambiguous),
        ];
        for (input, expected) in cases {
            assert_eq!(parse_position(input).as_ref(), Err(expected), "{input:?}");
        }
        let long = "1".repeat(MAX_INPUT_CHARS + 1);
        assert_eq!(parse_position(&long), Err(TooLong(MAX_INPUT_CHARS + 1)));
    }

    #[test]
    fn formats_degrees_and_minutes() {
        assert_eq!(format_position(12.575, 45.205), "12°34.500'N 045°12.300'E");
        assert_eq!(format_position(-0.5, -180.0), "00°30.000'S 180°00.000'W");
        assert_eq!(
            format_position(89.999_999_9, 0.0),
            "90°00.000'N 000°00.000'E"
        );
    }
}
