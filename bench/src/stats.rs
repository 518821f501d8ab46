//! Percentiles of latency samples and medians of repeated runs.

/// The `p`-th percentile (0–100) of sorted samples, nearest-rank: the smallest sample
/// with at least `p`% of the samples at or below it. `None` for no samples.
pub fn percentile(sorted: &[u32], p: f64) -> Option<u32> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (p / 100.0 * sorted.len() as f64).ceil() as usize;
    let index = rank.clamp(1, sorted.len()) - 1;
    sorted.get(index).copied()
}

/// The median of some values (the mean of the middle two for an even count); `None` for
/// none. NaN values sort last, so they cannot move the median of the others much.
pub fn median(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(|a, b| a.total_cmp(b));
    let mid = sorted.len() / 2;
    Some(if sorted.len() % 2 == 1 {
        sorted[mid]
    } else {
        (sorted[mid - 1] + sorted[mid]) / 2.0
    })
}

/// `a / b`, or NaN when there is nothing to divide by (printed as `n/a`).
pub fn ratio(a: f64, b: f64) -> f64 {
    if b == 0.0 || !a.is_finite() || !b.is_finite() {
        f64::NAN
    } else {
        a / b
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_percentile(samples: &[u32], p: f64, expected: Option<u32>) {
        let mut sorted = samples.to_vec();
        sorted.sort_unstable();
        assert_eq!(percentile(&sorted, p), expected, "p{p} of {samples:?}");
    }

    #[test]
    fn percentiles() {
        let hundred: Vec<u32> = (1..=100).collect();
        check_percentile(&[], 50.0, None);
        check_percentile(&[7], 0.0, Some(7));
        check_percentile(&[7], 99.0, Some(7));
        check_percentile(&hundred, 50.0, Some(50));
        check_percentile(&hundred, 99.0, Some(99));
        check_percentile(&hundred, 100.0, Some(100));
        check_percentile(&hundred, 0.0, Some(1));
        check_percentile(&[5, 1, 4, 2, 3], 50.0, Some(3));
        check_percentile(&[1, 2, 3, 4], 50.0, Some(2));
        check_percentile(&[1, 2, 3, 4], 75.1, Some(4));
        check_percentile(&[10, 10, 10, 1000], 99.0, Some(1000));
    }

    fn check_median(values: &[f64], expected: Option<f64>) {
        assert_eq!(median(values), expected, "median of {values:?}");
    }

    #[test]
    fn medians() {
        check_median(&[], None);
        check_median(&[3.0], Some(3.0));
        check_median(&[3.0, 1.0, 2.0], Some(2.0));
        check_median(&[4.0, 1.0, 3.0, 2.0], Some(2.5));
        check_median(&[100.0, 1.0, 2.0], Some(2.0));
    }

    #[test]
    fn ratios() {
        assert_eq!(ratio(9.0, 10.0), 0.9);
        assert!(ratio(1.0, 0.0).is_nan());
        assert!(ratio(f64::NAN, 1.0).is_nan());
    }
}
