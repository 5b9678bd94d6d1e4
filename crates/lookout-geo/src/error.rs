//! The one error type of this crate.

use crate::position::MAX_INPUT_CHARS;

/// Why a position was refused.
///
/// Every message says what was wrong and what a person can type instead, so
/// a form can show it as it is. Messages never repeat the text that was
/// typed, only single characters or numbers taken from it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum GeoError {
    /// A latitude outside -90..=90.
    #[error(
        "latitude {0} is out of range: it must lie between 90°S and 90°N (-90 to 90 in decimal degrees)"
    )]
    LatitudeOutOfRange(f64),

    /// A longitude outside -180..=180.
    #[error(
        "longitude {0} is out of range: it must lie between 180°W and 180°E (-180 to 180 in decimal degrees)"
    )]
    LongitudeOutOfRange(f64),

    /// NaN or an infinity where a coordinate was expected.
    #[error("latitude and longitude must be finite numbers")]
    NotFinite,

    /// Nothing but blanks.
    #[error(
        "no position given: type a latitude and a longitude, for example 12°34.5'N 045°12.3'E or 12.575, 45.205"
    )]
    Empty,

    /// Longer than any position a person would type.
    #[error(
        "the position is too long ({0} characters): a position needs at most {MAX_INPUT_CHARS} characters"
    )]
    TooLong(usize),

    /// A character that has no place in a position.
    #[error(
        "unexpected character '{0}': a position uses digits, a decimal point, the marks ° ' \", the letters N, S, E, W, a minus sign, and a comma between latitude and longitude"
    )]
    UnexpectedCharacter(char),

    /// Digits and points that do not make a number (`1.2.3`, `.`).
    #[error("'{0}' is not a number: use digits with at most one decimal point")]
    BadNumber(String),

    /// Only one coordinate was found.
    #[error(
        "only one coordinate found: give a latitude and a longitude, for example 12°34.5'N 045°12.3'E"
    )]
    MissingCoordinate,

    /// The split between latitude and longitude could not be found.
    #[error(
        "cannot tell where the latitude ends and the longitude begins: put a comma between them, or mark them with N/S and E/W"
    )]
    Ambiguous,

    /// More than one comma (or semicolon, or slash).
    #[error(
        "use one comma, between the latitude and the longitude, and a point for decimals (12.5, not 12,5)"
    )]
    TooManySeparators,

    /// One hemisphere letter only, and no comma to split on.
    #[error(
        "only one hemisphere letter found: give a latitude marked N or S and a longitude marked E or W, or put a comma between latitude and longitude"
    )]
    OneHemisphere,

    /// More hemisphere letters than coordinates.
    #[error(
        "too many hemisphere letters: mark the latitude with one N or S and the longitude with one E or W"
    )]
    TooManyHemispheres,

    /// N or S on both coordinates.
    #[error("both coordinates are marked N or S: the longitude needs E or W")]
    TwoLatitudes,

    /// E or W on both coordinates.
    #[error("both coordinates are marked E or W: the latitude needs N or S")]
    TwoLongitudes,

    /// A minus sign and a hemisphere letter on the same coordinate.
    #[error("use either a minus sign or a hemisphere letter (S or W) on a coordinate, not both")]
    SignAndHemisphere,

    /// Minutes of 60 or more.
    #[error("minutes must be less than 60 (found {0})")]
    MinutesOutOfRange(f64),

    /// Seconds of 60 or more.
    #[error("seconds must be less than 60 (found {0})")]
    SecondsOutOfRange(f64),

    /// `12.5°30'`: a fraction of a degree (or minute) followed by a smaller unit.
    #[error(
        "a value with a decimal fraction must be the last part of a coordinate: write 12.5° or 12°30', not 12.5°30'"
    )]
    FractionThenSmallerUnit,

    /// Parts in the wrong order, too many parts, or a stray mark or sign.
    #[error(
        "a coordinate is degrees, then optionally minutes and seconds, in that order, for example 12°34'30\"N or 12 34.5 N"
    )]
    BadComponents,
}
