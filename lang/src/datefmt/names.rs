//! English month, day and zone names.

/// Full month names, January first.
pub(super) const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Short month names, as Java writes them for `MMM`.
pub(super) const MONTHS_SHORT: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Full day names, Sunday first (Java's `Calendar` order).
pub(super) const DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

/// Short day names, Sunday first.
pub(super) const DAYS_SHORT: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

/// `a`: morning, afternoon.
pub(super) const AM_PM: [&str; 2] = ["AM", "PM"];

/// One zone name: an IANA abbreviation, the long name Java (CLDR) gives it, and its
/// offset, which is what parsing the name yields.
pub(super) struct ZoneName {
    /// The abbreviation as the IANA database writes it.
    pub abbr: &'static str,
    /// The long name `zzzz` writes.
    pub long: &'static str,
    /// Seconds east of UTC.
    pub offset: i32,
    /// The IANA zones this entry is limited to; empty means any zone using `abbr`. Needed
    /// where an abbreviation means different things (`IST`, `CST`) and for zones whose
    /// abbreviation is numeric (`+04` is Gulf time only in Dubai).
    pub zones: &'static [&'static str],
}

/// Builds a table row.
const fn z(
    abbr: &'static str,
    long: &'static str,
    offset: i32,
    zones: &'static [&'static str],
) -> ZoneName {
    ZoneName {
        abbr,
        long,
        offset,
        zones,
    }
}

const H: i32 = 3600;

/// The project's table of long names for common zones (§13 rule 21); elsewhere `zzzz`
/// writes the abbreviation. Rows limited to zones come before the general ones so a
/// lookup can stop at the first match.
pub(super) const ZONE_NAMES: &[ZoneName] = &[
    z(
        "IST",
        "India Standard Time",
        5 * H + 1800,
        &["Asia/Kolkata", "Asia/Calcutta"],
    ),
    z("IST", "Irish Standard Time", H, &["Europe/Dublin", "Eire"]),
    z(
        "IST",
        "Israel Standard Time",
        2 * H,
        &["Asia/Jerusalem", "Asia/Tel_Aviv", "Israel"],
    ),
    z(
        "IDT",
        "Israel Daylight Time",
        3 * H,
        &["Asia/Jerusalem", "Asia/Tel_Aviv", "Israel"],
    ),
    z(
        "CST",
        "China Standard Time",
        8 * H,
        &["Asia/Shanghai", "Asia/Chongqing", "PRC"],
    ),
    z(
        "CST",
        "Taipei Standard Time",
        8 * H,
        &["Asia/Taipei", "ROC"],
    ),
    z(
        "CST",
        "Cuba Standard Time",
        -5 * H,
        &["America/Havana", "Cuba"],
    ),
    z(
        "CDT",
        "Cuba Daylight Time",
        -4 * H,
        &["America/Havana", "Cuba"],
    ),
    z(
        "+04",
        "Gulf Standard Time",
        4 * H,
        &["Asia/Dubai", "Asia/Muscat"],
    ),
    z(
        "+03",
        "Arabian Standard Time",
        3 * H,
        &["Asia/Riyadh", "Asia/Kuwait", "Asia/Qatar"],
    ),
    z(
        "+08",
        "Singapore Standard Time",
        8 * H,
        &["Asia/Singapore", "Singapore"],
    ),
    z("+08", "Malaysia Time", 8 * H, &["Asia/Kuala_Lumpur"]),
    z(
        "+07",
        "Indochina Time",
        7 * H,
        &["Asia/Bangkok", "Asia/Ho_Chi_Minh"],
    ),
    z("+06", "Bangladesh Standard Time", 6 * H, &["Asia/Dhaka"]),
    z(
        "-03",
        "Brasilia Standard Time",
        -3 * H,
        &["America/Sao_Paulo"],
    ),
    z(
        "-03",
        "Argentina Standard Time",
        -3 * H,
        &["America/Argentina/Buenos_Aires"],
    ),
    z("-05", "Colombia Standard Time", -5 * H, &["America/Bogota"]),
    z("-05", "Peru Standard Time", -5 * H, &["America/Lima"]),
    z("UTC", "Coordinated Universal Time", 0, &[]),
    z("GMT", "Greenwich Mean Time", 0, &[]),
    z("BST", "British Summer Time", H, &[]),
    z("WET", "Western European Standard Time", 0, &[]),
    z("WEST", "Western European Summer Time", H, &[]),
    z("CET", "Central European Standard Time", H, &[]),
    z("CEST", "Central European Summer Time", 2 * H, &[]),
    z("EET", "Eastern European Standard Time", 2 * H, &[]),
    z("EEST", "Eastern European Summer Time", 3 * H, &[]),
    z("MSK", "Moscow Standard Time", 3 * H, &[]),
    z("SAST", "South Africa Standard Time", 2 * H, &[]),
    z("WAT", "West Africa Standard Time", H, &[]),
    z("CAT", "Central Africa Time", 2 * H, &[]),
    z("EAT", "East Africa Time", 3 * H, &[]),
    z("PKT", "Pakistan Standard Time", 5 * H, &[]),
    z("WIB", "Western Indonesia Time", 7 * H, &[]),
    z("HKT", "Hong Kong Standard Time", 8 * H, &[]),
    z("JST", "Japan Standard Time", 9 * H, &[]),
    z("KST", "Korea Standard Time", 9 * H, &[]),
    z("AWST", "Australian Western Standard Time", 8 * H, &[]),
    z(
        "ACST",
        "Australian Central Standard Time",
        9 * H + 1800,
        &[],
    ),
    z(
        "ACDT",
        "Australian Central Daylight Time",
        10 * H + 1800,
        &[],
    ),
    z("AEST", "Australian Eastern Standard Time", 10 * H, &[]),
    z("AEDT", "Australian Eastern Daylight Time", 11 * H, &[]),
    z("NZST", "New Zealand Standard Time", 12 * H, &[]),
    z("NZDT", "New Zealand Daylight Time", 13 * H, &[]),
    z("NST", "Newfoundland Standard Time", -3 * H - 1800, &[]),
    z("NDT", "Newfoundland Daylight Time", -2 * H - 1800, &[]),
    z("AST", "Atlantic Standard Time", -4 * H, &[]),
    z("ADT", "Atlantic Daylight Time", -3 * H, &[]),
    z("EST", "Eastern Standard Time", -5 * H, &[]),
    z("EDT", "Eastern Daylight Time", -4 * H, &[]),
    z("CST", "Central Standard Time", -6 * H, &[]),
    z("CDT", "Central Daylight Time", -5 * H, &[]),
    z("MST", "Mountain Standard Time", -7 * H, &[]),
    z("MDT", "Mountain Daylight Time", -6 * H, &[]),
    z("PST", "Pacific Standard Time", -8 * H, &[]),
    z("PDT", "Pacific Daylight Time", -7 * H, &[]),
    z("AKST", "Alaska Standard Time", -9 * H, &[]),
    z("AKDT", "Alaska Daylight Time", -8 * H, &[]),
    z("HST", "Hawaii-Aleutian Standard Time", -10 * H, &[]),
];

/// Whether a table row applies to the zone named `iana` (rows without zones apply to all).
pub(super) fn applies(row: &ZoneName, iana: Option<&str>) -> bool {
    row.zones.is_empty() || iana.is_some_and(|name| row.zones.contains(&name))
}

/// The long name of `abbr` in the zone `iana`, if the table has one.
pub(super) fn long_name(abbr: &str, iana: Option<&str>) -> Option<&'static str> {
    ZONE_NAMES
        .iter()
        .find(|row| row.abbr == abbr && applies(row, iana))
        .map(|row| row.long)
}
