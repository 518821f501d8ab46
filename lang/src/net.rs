//! Addresses, CIDR blocks and the caller's address (§5, §6.3, §13 rules 29 and 34).

use std::net::{IpAddr, Ipv6Addr, SocketAddr};

/// An IPv4 or IPv6 block, host bits masked. IPv4-mapped IPv6 blocks are stored as IPv4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IpNet {
    /// An IPv4 block: address bits and prefix length.
    V4(u32, u8),
    /// An IPv6 block.
    V6(u128, u8),
}

/// The top 96 bits of the IPv4-mapped block `::ffff:0:0/96`, whose sub-blocks are IPv4
/// blocks (§13 rule 29).
const MAPPED_HIGH: u128 = 0xffff;

impl IpNet {
    /// Parses `10.0.0.1`, `10.0.0.0/8`, `::1`, `2001:db8::/32`; host bits are masked.
    pub fn parse(entry: &str) -> Option<IpNet> {
        let (addr, prefix) = match entry.split_once('/') {
            Some((addr, prefix)) => (addr, Some(parse_prefix(prefix)?)),
            None => (entry, None),
        };
        match addr.parse::<IpAddr>().ok()? {
            IpAddr::V4(v4) => {
                let prefix = prefix.unwrap_or(32);
                (prefix <= 32).then(|| IpNet::v4(u32::from(v4), prefix))
            }
            IpAddr::V6(v6) => {
                let prefix = prefix.unwrap_or(128);
                (prefix <= 128).then(|| IpNet::v6(u128::from(v6), prefix))
            }
        }
    }

    /// An IPv4 block with host bits masked; `const` so generated code can embed blocks.
    /// A prefix above 32 is clamped to 32.
    pub const fn v4(addr: u32, prefix: u8) -> IpNet {
        let prefix = if prefix > 32 { 32 } else { prefix };
        IpNet::V4(addr & mask_v4(prefix), prefix)
    }

    /// An IPv6 block with host bits masked; a block inside `::ffff:0:0/96` with a prefix of
    /// 96 or more becomes the IPv4 block of prefix − 96. A prefix above 128 is clamped.
    pub const fn v6(addr: u128, prefix: u8) -> IpNet {
        let prefix = if prefix > 128 { 128 } else { prefix };
        let masked = addr & mask_v6(prefix);
        if prefix >= 96 && masked >> 32 == MAPPED_HIGH {
            // The low 32 bits are the IPv4 address; truncation is the point.
            IpNet::v4(masked as u32, prefix - 96)
        } else {
            IpNet::V6(masked, prefix)
        }
    }

    /// Whether `ip` (IPv4-mapped counted as IPv4) is inside.
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (*self, canonical(ip)) {
            (IpNet::V4(net, prefix), IpAddr::V4(v4)) => u32::from(v4) & mask_v4(prefix) == net,
            (IpNet::V6(net, prefix), IpAddr::V6(v6)) => u128::from(v6) & mask_v6(prefix) == net,
            _ => false,
        }
    }
}

/// A prefix length: one to three ASCII digits (no sign, no spaces).
fn parse_prefix(text: &str) -> Option<u8> {
    let digits_only =
        !text.is_empty() && text.len() <= 3 && text.bytes().all(|b| b.is_ascii_digit());
    if digits_only {
        text.parse().ok()
    } else {
        None
    }
}

const fn mask_v4(prefix: u8) -> u32 {
    if prefix == 0 {
        0
    } else {
        u32::MAX << (32 - prefix as u32)
    }
}

const fn mask_v6(prefix: u8) -> u128 {
    if prefix == 0 {
        0
    } else {
        u128::MAX << (128 - prefix as u32)
    }
}

/// Parses a `;`-separated allowlist; returns the bad entries (trimmed) on error.
///
/// White space around entries and empty entries (`;;`, a trailing `;`) are ignored (§5,
/// §13 rule 29); every bad entry is returned so one build reports them all.
pub fn parse_allowlist(list: &str) -> Result<Vec<IpNet>, Vec<String>> {
    let mut nets = Vec::new();
    let mut bad = Vec::new();
    for entry in list.split(';').map(str::trim).filter(|e| !e.is_empty()) {
        match IpNet::parse(entry) {
            Some(net) => nets.push(net),
            None => bad.push(entry.to_owned()),
        }
    }
    if bad.is_empty() {
        Ok(nets)
    } else {
        Err(bad)
    }
}

/// Whether `ip` is in any block.
pub fn allowed(nets: &[IpNet], ip: IpAddr) -> bool {
    nets.iter().any(|n| n.contains(ip))
}

/// An IPv4-mapped IPv6 address as IPv4; others unchanged.
pub fn canonical(ip: IpAddr) -> IpAddr {
    ip.to_canonical()
}

/// The caller's address (§6.3, §13 rule 34): the peer, unless the peer is a trusted proxy;
/// then walk the `X-Forwarded-For` entries (headers joined in order, comma-separated)
/// from the right.
pub fn client_ip(peer: IpAddr, forwarded_for: &[&str], trusted: &[IpNet]) -> IpAddr {
    let peer = canonical(peer);
    if !allowed(trusted, peer) {
        return peer;
    }
    let joined = forwarded_for.join(",");
    // `nearest` is the closest address to the right of the entry being looked at: a
    // malformed entry means everything left of it is unreliable, so that one is the caller.
    let mut nearest = peer;
    for entry in joined.split(',').rev().map(str::trim) {
        let Some(ip) = parse_forwarded_entry(entry) else {
            return nearest;
        };
        if !allowed(trusted, ip) {
            return ip;
        }
        nearest = ip;
    }
    nearest
}

/// One `X-Forwarded-For` entry: an address, `a.b.c.d:port`, `[v6]` or `[v6]:port`
/// (a bare IPv6 address has no port), canonicalised.
fn parse_forwarded_entry(entry: &str) -> Option<IpAddr> {
    if let Ok(ip) = entry.parse::<IpAddr>() {
        return Some(canonical(ip));
    }
    if let Some(inner) = entry.strip_prefix('[').and_then(|e| e.strip_suffix(']')) {
        return inner
            .parse::<Ipv6Addr>()
            .ok()
            .map(|v6| canonical(IpAddr::V6(v6)));
    }
    entry
        .parse::<SocketAddr>()
        .ok()
        .map(|sa| canonical(sa.ip()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn parse_entries() {
        let v4 = |a: &str, p| {
            Some(IpNet::V4(
                u32::from(a.parse::<std::net::Ipv4Addr>().unwrap()),
                p,
            ))
        };
        let v6 = |a: &str, p| Some(IpNet::V6(u128::from(a.parse::<Ipv6Addr>().unwrap()), p));
        let cases: &[(&str, Option<IpNet>)] = &[
            ("10.0.0.1", v4("10.0.0.1", 32)),
            ("10.0.0.0/8", v4("10.0.0.0", 8)),
            ("10.1.2.3/8", v4("10.0.0.0", 8)),
            ("127.0.2.200/25", v4("127.0.2.128", 25)),
            ("0.0.0.0/0", v4("0.0.0.0", 0)),
            ("1.2.3.4/0", v4("0.0.0.0", 0)),
            ("1.2.3.4/32", v4("1.2.3.4", 32)),
            ("::1", v6("::1", 128)),
            ("::/0", v6("::", 0)),
            ("2001:db8::1/32", v6("2001:db8::", 32)),
            ("2001:db8::/128", v6("2001:db8::", 128)),
            ("::ffff:10.0.0.1", v4("10.0.0.1", 32)),
            ("::ffff:10.0.0.0/104", v4("10.0.0.0", 8)),
            ("::ffff:10.1.2.3/104", v4("10.0.0.0", 8)),
            ("::ffff:0:0/96", v4("0.0.0.0", 0)),
            ("::ffff:0:0/95", v6("::fffe:0:0", 95)),
            ("::10.0.0.1", v6("::a00:1", 128)),
            ("10.0.0.1/33", None),
            ("::1/129", None),
            ("10.0.0.1/", None),
            ("10.0.0.1/+8", None),
            ("10.0.0.1/ 8", None),
            ("10.0.0.1/0008", None),
            ("10.0.0.1/8/8", None),
            ("10.0.0", None),
            ("10.0.0.256", None),
            (" 10.0.0.1", None),
            ("", None),
            ("localhost", None),
            ("fe80::1%eth0", None),
            ("/8", None),
        ];
        for (entry, want) in cases {
            assert_eq!(IpNet::parse(entry), *want, "{entry}");
        }
    }

    #[test]
    fn const_constructors_mask() {
        assert_eq!(IpNet::v4(0x0a01_0203, 8), IpNet::V4(0x0a00_0000, 8));
        assert_eq!(IpNet::v4(0x0a01_0203, 0), IpNet::V4(0, 0));
        assert_eq!(IpNet::v4(0x0a01_0203, 40), IpNet::V4(0x0a01_0203, 32));
        assert_eq!(IpNet::v6(1, 127), IpNet::V6(0, 127));
        assert_eq!(IpNet::v6(0xffff_0a01_0203, 120), IpNet::V4(0x0a01_0200, 24));
    }

    #[test]
    fn contains() {
        let cases: &[(&str, &str, bool)] = &[
            ("127.0.0.5", "127.0.0.5", true),
            ("127.0.0.5", "127.0.0.6", false),
            ("127.0.1.0/24", "127.0.1.200", true),
            ("127.0.2.128/25", "127.0.2.127", false),
            ("127.0.2.128/25", "127.0.2.128", true),
            ("127.0.2.128/25", "127.0.2.255", true),
            ("0.0.0.0/0", "127.0.0.9", true),
            ("0.0.0.0/0", "::1", false),
            ("0.0.0.0/0", "::ffff:1.2.3.4", true),
            ("::/0", "::1", true),
            ("::/0", "127.0.0.1", false),
            ("::/0", "::ffff:127.0.0.1", false),
            ("::1", "::1", true),
            ("::1", "127.0.0.1", false),
            ("10.0.0.0/8", "::ffff:10.9.9.9", true),
            ("::ffff:10.0.0.0/104", "10.9.9.9", true),
            ("::ffff:10.0.0.0/104", "::ffff:10.9.9.9", true),
            ("2001:db8::/32", "2001:db8:ffff::1", true),
            ("2001:db8::/32", "2001:db9::1", false),
        ];
        for (net, addr, want) in cases {
            let n = IpNet::parse(net).unwrap();
            assert_eq!(n.contains(ip(addr)), *want, "{net} contains {addr}");
        }
    }

    #[test]
    fn allowlists() {
        let cases: &[(&str, Result<usize, &[&str]>)] = &[
            (" 127.0.0.5 ; 127.0.1.0/24;127.0.2.128/25 ", Ok(3)),
            ("10.0.0.1;10.0.0.0/8;::1", Ok(3)),
            ("", Ok(0)),
            (" ; ;", Ok(0)),
            ("10.0.0.1;;::1;", Ok(2)),
            (
                "10.0.0.1; bogus ;10.0.0.0/33;::1",
                Err(&["bogus", "10.0.0.0/33"]),
            ),
        ];
        for (list, want) in cases {
            let got = parse_allowlist(list).map(|n| n.len());
            let want = want.map_err(|bad| bad.iter().map(|s| s.to_string()).collect::<Vec<_>>());
            assert_eq!(got, want, "{list:?}");
        }
    }

    #[test]
    fn canonical_addresses() {
        assert_eq!(canonical(ip("::ffff:10.0.0.1")), ip("10.0.0.1"));
        assert_eq!(canonical(ip("::1")), ip("::1"));
        assert_eq!(canonical(ip("10.0.0.1")), ip("10.0.0.1"));
        assert_eq!(canonical(ip("::10.0.0.1")), ip("::10.0.0.1"));
    }

    #[test]
    fn client_addresses() {
        // (trusted blocks, peer, X-Forwarded-For headers, caller)
        let cases: &[(&str, &str, &[&str], &str)] = &[
            // The shared conformance case routes/trusted-proxy-xff.
            ("127.0.0.1/32", "127.0.0.1", &["203.0.113.9"], "203.0.113.9"),
            ("127.0.0.1/32", "127.0.0.2", &["203.0.113.9"], "127.0.0.2"),
            (
                "127.0.0.1/32",
                "127.0.0.1",
                &["203.0.113.50, 198.51.100.1"],
                "198.51.100.1",
            ),
            (
                "127.0.0.1/32",
                "127.0.0.1",
                &["198.51.100.1, 203.0.113.77"],
                "203.0.113.77",
            ),
            (
                "127.0.0.1/32",
                "127.0.0.1",
                &["::ffff:10.1.2.3"],
                "10.1.2.3",
            ),
            ("127.0.0.1/32", "127.0.0.1", &[], "127.0.0.1"),
            // Trusted proxies on the right are skipped.
            (
                "127.0.0.1;10.0.0.0/8",
                "127.0.0.1",
                &["1.1.1.1, 10.0.0.2, 10.0.0.3"],
                "1.1.1.1",
            ),
            (
                "127.0.0.1;10.0.0.0/8",
                "::ffff:127.0.0.1",
                &["1.1.1.1"],
                "1.1.1.1",
            ),
            (
                "127.0.0.1;10.0.0.0/8",
                "::ffff:127.0.0.2",
                &["1.1.1.1"],
                "127.0.0.2",
            ),
            ("::ffff:127.0.0.1", "127.0.0.1", &["1.1.1.1"], "1.1.1.1"),
            ("::1", "::1", &["1.1.1.1"], "1.1.1.1"),
            // Several headers are joined in order.
            (
                "127.0.0.1;10.0.0.0/8",
                "127.0.0.1",
                &["9.9.9.9, 1.1.1.1", "10.0.0.2"],
                "1.1.1.1",
            ),
            (
                "127.0.0.1;10.0.0.0/8",
                "127.0.0.1",
                &["1.1.1.1", "2.2.2.2"],
                "2.2.2.2",
            ),
            // Every entry trusted: the left-most.
            (
                "127.0.0.1;10.0.0.0/8",
                "127.0.0.1",
                &["10.0.0.9, 10.0.0.2"],
                "10.0.0.9",
            ),
            (
                "127.0.0.1;10.0.0.0/8",
                "127.0.0.1",
                &["::ffff:10.1.2.3"],
                "10.1.2.3",
            ),
            // A bad or empty entry stops the walk: the nearest address to its right.
            (
                "127.0.0.1;10.0.0.0/8",
                "127.0.0.1",
                &["1.1.1.1, junk, 10.0.0.2"],
                "10.0.0.2",
            ),
            (
                "127.0.0.1;10.0.0.0/8",
                "127.0.0.1",
                &["1.1.1.1, junk"],
                "127.0.0.1",
            ),
            (
                "127.0.0.1;10.0.0.0/8",
                "127.0.0.1",
                &["1.1.1.1,,10.0.0.2"],
                "10.0.0.2",
            ),
            (
                "127.0.0.1;10.0.0.0/8",
                "127.0.0.1",
                &["1.1.1.1, "],
                "127.0.0.1",
            ),
            ("127.0.0.1;10.0.0.0/8", "127.0.0.1", &[""], "127.0.0.1"),
            // Ports are ignored; a bare IPv6 address has none.
            ("127.0.0.1/32", "127.0.0.1", &["1.2.3.4:5678"], "1.2.3.4"),
            (
                "127.0.0.1/32",
                "127.0.0.1",
                &["[2001:db8::1]:443"],
                "2001:db8::1",
            ),
            (
                "127.0.0.1/32",
                "127.0.0.1",
                &["[2001:db8::1]"],
                "2001:db8::1",
            ),
            ("127.0.0.1/32", "127.0.0.1", &["2001:db8::1"], "2001:db8::1"),
            (
                "127.0.0.1;10.0.0.0/8",
                "127.0.0.1",
                &["1.2.3.4, 10.0.0.1:80"],
                "1.2.3.4",
            ),
            ("127.0.0.1/32", "127.0.0.1", &["1.2.3.4:99999"], "127.0.0.1"),
            (
                "127.0.0.1/32",
                "127.0.0.1",
                &["[::ffff:1.2.3.4]:80"],
                "1.2.3.4",
            ),
            // No trusted proxies: the peer, X-Forwarded-For ignored.
            ("", "127.0.0.1", &["1.1.1.1"], "127.0.0.1"),
            ("", "::ffff:1.2.3.4", &[], "1.2.3.4"),
        ];
        for (trusted, peer, xff, want) in cases {
            let trusted = parse_allowlist(trusted).unwrap();
            assert_eq!(
                client_ip(ip(peer), xff, &trusted),
                ip(want),
                "peer {peer} xff {xff:?}"
            );
        }
    }
}
