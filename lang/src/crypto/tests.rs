use super::*;

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn b64(s: &str) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD.decode(s).unwrap()
}

/// The conformance case's AES key: bytes 0, 1, …, 31.
const AES_KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

fn aes_key() -> Key {
    Key::from_env_value(Algorithm::Aes256Gcm, "AES_KEY", AES_KEY).unwrap()
}

#[test]
fn sha256_fips_180_vectors() {
    let long = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    for (input, encoding, expected) in [
        (
            "abc",
            Encoding::Hex,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        ),
        (
            "",
            Encoding::Hex,
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        ),
        (
            long,
            Encoding::Hex,
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
        ),
        // The shared conformance case `encrypt/sha256-hmac-aes`.
        (
            "hello",
            Encoding::Hex,
            "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
        ),
        (
            "abc",
            Encoding::Base64,
            "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=",
        ),
    ] {
        let got = encrypt(Algorithm::Sha256, None, input, encoding);
        assert_eq!(got.as_deref(), Ok(expected), "sha256({input:?})");
    }
}

/// RFC 4231 §4: keys and data are bytes, some not UTF-8, so the keyed digest is checked
/// below the text interface.
#[test]
fn hmac_sha256_rfc_4231_vectors() {
    let aa131 = vec![0xaa; 131];
    let case7 = "This is a test using a larger than block-size key and a larger than \
                 block-size data. The key needs to be hashed before being used by the HMAC \
                 algorithm.";
    let cases: Vec<(Vec<u8>, Vec<u8>, &str)> = vec![
        (
            vec![0x0b; 20],
            b"Hi There".to_vec(),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
        ),
        (
            b"Jefe".to_vec(),
            b"what do ya want for nothing?".to_vec(),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
        ),
        (
            vec![0xaa; 20],
            vec![0xdd; 50],
            "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
        ),
        (
            (1u8..=25).collect(),
            vec![0xcd; 50],
            "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
        ),
        (
            aa131.clone(),
            b"Test Using Larger Than Block-Size Key - Hash Key First".to_vec(),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
        ),
        (
            aa131,
            case7.as_bytes().to_vec(),
            "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
        ),
    ];
    for (key, data, expected) in cases {
        let got = hmac_sha256(&Key(key), &data).map(|mac| hex_lower(&mac));
        assert_eq!(got.as_deref(), Ok(expected));
    }
    // Test case 5 checks only the first 128 bits of the output.
    let mac = hmac_sha256(&Key(vec![0x0c; 20]), b"Test With Truncation").unwrap();
    assert_eq!(hex_lower(&mac[..16]), "a3b6167473100ee06e0c796c2955552b");
}

#[test]
fn hmac_through_the_node_interface() {
    for (key, input, encoding, expected) in [
        (
            "Jefe",
            "what do ya want for nothing?",
            Encoding::Hex,
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
        ),
        (
            "key",
            "The quick brown fox jumps over the lazy dog",
            Encoding::Hex,
            "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8",
        ),
        (
            "key",
            "The quick brown fox jumps over the lazy dog",
            Encoding::Base64,
            "97yD9DBThCSxMpjmqm+xQ+9NWaFJRhdZl0edvC0aPNg=",
        ),
    ] {
        let key = Key::from_env_value(Algorithm::HmacSha256, "HMAC_KEY", key).unwrap();
        let got = encrypt(Algorithm::HmacSha256, Some(&key), input, encoding);
        assert_eq!(got.as_deref(), Ok(expected), "hmac({input:?})");
    }
}

#[test]
fn aes_gcm_round_trip_with_fresh_nonces() {
    let key = aes_key();
    for input in [
        "hello",
        "",
        "ümlaut and a longer text spanning several AES blocks…",
    ] {
        let a = encrypt(Algorithm::Aes256Gcm, Some(&key), input, Encoding::Base64).unwrap();
        let b = encrypt(Algorithm::Aes256Gcm, Some(&key), input, Encoding::Base64).unwrap();
        assert_ne!(a, b, "every encryption draws a new nonce");
        let data = b64(&a);
        assert_eq!(data.len(), NONCE_LEN + input.len() + TAG_LEN);
        assert_eq!(decrypt_aes_gcm(&key, &data).unwrap(), input.as_bytes());
        let hex = encrypt(Algorithm::Aes256Gcm, Some(&key), input, Encoding::Hex).unwrap();
        assert_eq!(
            decrypt_aes_gcm(&key, &unhex(&hex)).unwrap(),
            input.as_bytes()
        );
    }
    // The conformance case's shape: 33 bytes of "hello" are 44 base64 characters.
    let out = encrypt(Algorithm::Aes256Gcm, Some(&key), "hello", Encoding::Base64).unwrap();
    assert_eq!(out.len(), 44);
}

#[test]
fn aes_gcm_rejects_tampering_and_other_keys() {
    let key = aes_key();
    let sealed = b64(&encrypt(
        Algorithm::Aes256Gcm,
        Some(&key),
        "pay 100",
        Encoding::Base64,
    )
    .unwrap());
    // Flip a bit in the nonce, the ciphertext and the tag in turn.
    for at in [0, NONCE_LEN + 2, sealed.len() - 1] {
        let mut bad = sealed.clone();
        bad[at] ^= 0x01;
        assert!(decrypt_aes_gcm(&key, &bad).is_err(), "byte {at} flipped");
    }
    assert!(decrypt_aes_gcm(&key, &sealed[..sealed.len() - 1]).is_err());
    assert!(decrypt_aes_gcm(&key, &sealed[..NONCE_LEN + TAG_LEN - 1]).is_err());
    let other = Key(vec![7; 32]);
    assert!(decrypt_aes_gcm(&other, &sealed).is_err());
}

/// The GCM specification's test cases 13 and 14 (zero key, zero nonce), read back in our
/// nonce ‖ ciphertext ‖ tag layout.
#[test]
fn aes_gcm_known_answers() {
    let zero = Key(vec![0; 32]);
    let case13 = unhex(&format!(
        "{}530f8afbc74536b9a963b4f1c4cb738b",
        "00".repeat(12)
    ));
    assert_eq!(decrypt_aes_gcm(&zero, &case13).unwrap(), Vec::<u8>::new());
    let case14 = unhex(&format!(
        "{}cea7403d4d606b6e074ec5d3baf39d18d0d1c8a799996bf0265b98b5d48ab919",
        "00".repeat(12)
    ));
    assert_eq!(decrypt_aes_gcm(&zero, &case14).unwrap(), vec![0u8; 16]);
}

#[test]
fn keys_from_environment_values() {
    for (alg, raw, expected) in [
        (Algorithm::Aes256Gcm, AES_KEY, Ok(32)),
        (
            Algorithm::Aes256Gcm,
            " AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n",
            Ok(32),
        ),
        (
            Algorithm::Aes256Gcm,
            "AAECAwQFBgcICQoLDA0ODw==",
            Err("CARD_KEY (the aes-256-gcm key) holds 16 bytes; it needs exactly 32"),
        ),
        (
            Algorithm::Aes256Gcm,
            "",
            Err("CARD_KEY (the aes-256-gcm key) holds 0 bytes"),
        ),
        (
            Algorithm::Aes256Gcm,
            "s3cr3t-passphrase!",
            Err("CARD_KEY (the aes-256-gcm key) is not base64"),
        ),
        // Unpadded or URL-safe base64 is not the standard alphabet with padding.
        (
            Algorithm::Aes256Gcm,
            "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8",
            Err("is not base64"),
        ),
        (Algorithm::HmacSha256, "key", Ok(3)),
        (Algorithm::HmacSha256, " ü ", Ok(4)),
        (
            Algorithm::HmacSha256,
            "",
            Err("CARD_KEY (the hmac-sha256 key) is empty"),
        ),
        (
            Algorithm::Sha256,
            "x",
            Err("sha256 takes no key, but CARD_KEY was given"),
        ),
    ] {
        let got = Key::from_env_value(alg, "CARD_KEY", raw);
        match (got, expected) {
            (Ok(key), Ok(len)) => assert_eq!(key.len(), len, "{raw:?}"),
            (Err(e), Err(fragment)) => {
                assert!(e.contains(fragment), "{raw:?}: {e}");
                assert!(
                    raw.trim().is_empty() || !e.contains(raw.trim()),
                    "{e} leaks the key"
                );
            }
            (got, expected) => panic!("{alg:?} {raw:?}: {got:?}, expected {expected:?}"),
        }
    }
}

#[test]
fn a_missing_variable_is_named() {
    let name = "FLOWC_TEST_SURELY_UNSET_KEY_3f1c";
    let e = Key::from_env(Algorithm::Aes256Gcm, name).unwrap_err();
    assert_eq!(
        e,
        format!("environment variable {name} (the aes-256-gcm key) is not set")
    );
}

#[test]
fn keys_go_with_their_algorithm() {
    let hmac = Key(b"k".to_vec());
    for (alg, key, fragment) in [
        (Algorithm::Sha256, Some(&hmac), "sha256 takes no key"),
        (Algorithm::HmacSha256, None, "hmac-sha256 needs a key"),
        (Algorithm::Aes256Gcm, None, "aes-256-gcm needs a key"),
        (Algorithm::Aes256Gcm, Some(&hmac), "32 bytes, not 1"),
    ] {
        let e = encrypt(alg, key, "x", Encoding::Hex).unwrap_err();
        assert!(e.contains(fragment), "{alg:?}: {e}");
    }
    assert_eq!(format!("{:?}", aes_key()), "Key(32 bytes)");
}

#[test]
fn names() {
    for alg in Algorithm::ALL {
        assert_eq!(Algorithm::parse(alg.name()), Some(alg));
    }
    assert_eq!(Algorithm::parse("AES-256-GCM"), None);
    assert_eq!(Algorithm::parse("md5"), None);
    assert_eq!(Encoding::parse("hex"), Some(Encoding::Hex));
    assert_eq!(Encoding::parse("base64"), Some(Encoding::Base64));
    assert_eq!(Encoding::parse("base64url"), None);
    assert_eq!(Encoding::default(), Encoding::Base64);
    assert!(!Algorithm::Sha256.needs_key() && Algorithm::HmacSha256.needs_key());
    for (key, expected) in [
        ("env:CARD_KEY", Some("CARD_KEY")),
        ("env:_k1", Some("_k1")),
        ("env:", None),
        ("env:1KEY", None),
        ("env:A-B", None),
        ("CARD_KEY", None),
        ("ENV:CARD_KEY", None),
        ("c2VjcmV0", None),
    ] {
        assert_eq!(env_key_name(key), expected, "{key:?}");
    }
    assert_eq!(Encoding::Hex.encode(&[0x00, 0xab, 0xff]), "00abff");
}
