//! Time as the server tells it: UTC timestamps for records, and today's date in Lampung (WIB,
//! UTC+7) for rules about days.

use etalase_core::Date;
use std::time::{SystemTime, UNIX_EPOCH};

const WIB_OFFSET_SECS: i64 = 7 * 3600;

/// Seconds since 1970, for session and throttle arithmetic.
pub fn unix_secs() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Today's date in Western Indonesia Time.
pub fn today_wib() -> Date {
    Date::from_days((unix_secs() + WIB_OFFSET_SECS).div_euclid(86_400))
}

/// `2026-11-28T07:05:09Z`
pub fn now_utc() -> String {
    let secs = unix_secs();
    let date = Date::from_days(secs.div_euclid(86_400));
    let s = secs.rem_euclid(86_400);
    format!("{date}T{:02}:{:02}:{:02}Z", s / 3600, s % 3600 / 60, s % 60)
}

#[cfg(test)]
mod tests {
    #[test]
    fn timestamps_look_like_rfc3339() {
        let now = super::now_utc();
        assert_eq!(now.len(), 20, "{now}");
        assert!(now.ends_with('Z') && now.as_bytes()[10] == b'T');
    }
}
