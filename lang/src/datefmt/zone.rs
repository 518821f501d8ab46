//! Time zones (the bundled IANA database) and an instant seen in one.

use super::calendar::days_from_civil;
use jiff::tz::{TimeZone, TimeZoneOffsetInfo};
use jiff::Timestamp;

/// An IANA time zone, looked up once (at server start for compiled flows) and shared by
/// every request. The database is compiled into the binary, so no system files are read.
#[derive(Debug, Clone)]
pub struct Zone(TimeZone);

impl Zone {
    /// UTC, the default when a node names no `timezone`.
    pub fn utc() -> Zone {
        Zone(TimeZone::UTC)
    }

    /// The IANA name, when the zone has one.
    pub fn name(&self) -> Option<&str> {
        self.0.iana_name()
    }

    /// The wrapped `jiff` time zone.
    pub(super) fn tz(&self) -> &TimeZone {
        &self.0
    }
}

impl Default for Zone {
    fn default() -> Self {
        Zone::utc()
    }
}

/// Looks up an IANA zone name (`Africa/Johannesburg`, `UTC`). The build checks `timezone`
/// with it; an unknown name is the error message.
pub fn zone(name: &str) -> Result<Zone, String> {
    if name.is_empty() {
        return Err("the time zone name is empty (use an IANA name such as `UTC`)".to_owned());
    }
    TimeZone::get(name).map(Zone).map_err(|_| {
        format!("unknown time zone `{name}` (expected an IANA name such as `Europe/Berlin`)")
    })
}

/// An instant as the wall clock of a zone shows it, with everything the writers need.
pub(super) struct Moment<'z> {
    /// The year (proleptic Gregorian, may be 0 or negative).
    pub year: i64,
    /// 1–12.
    pub month: i64,
    /// 1–31.
    pub day: i64,
    /// 0–23.
    pub hour: i64,
    /// 0–59.
    pub minute: i64,
    /// 0–59.
    pub second: i64,
    /// 0–999.
    pub milli: i64,
    /// The local date as days since 1970-01-01.
    pub days: i64,
    /// Seconds east of UTC in force at the instant.
    pub offset: i32,
    /// Offset, abbreviation and DST flag from the database.
    pub info: TimeZoneOffsetInfo<'z>,
    /// The zone's IANA name, for the long-name table.
    pub iana: Option<&'z str>,
}

impl<'z> Moment<'z> {
    /// `ts` on the wall clock of `zone`.
    pub fn new(zone: &'z Zone, ts: Timestamp) -> Moment<'z> {
        let info = zone.0.to_offset_info(ts);
        let dt = info.offset().to_datetime(ts);
        let (year, month, day) = (
            i64::from(dt.year()),
            i64::from(dt.month()),
            i64::from(dt.day()),
        );
        Moment {
            year,
            month,
            day,
            hour: i64::from(dt.hour()),
            minute: i64::from(dt.minute()),
            second: i64::from(dt.second()),
            milli: i64::from(dt.subsec_nanosecond() / 1_000_000),
            days: days_from_civil(year, month, day),
            offset: info.offset().seconds(),
            iana: zone.0.iana_name(),
            info,
        }
    }
}
