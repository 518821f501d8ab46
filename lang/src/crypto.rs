//! `encrypt` (§4.6, §13 rule 24): AES-256-GCM, SHA-256 and HMAC-SHA256 with RustCrypto's
//! reviewed implementations; nothing here is a hand-written cipher.
//!
//! Keys never stand in a flow: a node names an environment variable (`env:CARD_KEY`), which
//! the server reads once at start with [`Key::from_env`] (or [`Key::from_env_value`]); a
//! missing or malformed key is a startup error naming the variable.

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use std::fmt;

#[cfg(test)]
mod tests;

/// AES-GCM's nonce: 96 bits, random for every encryption.
const NONCE_LEN: usize = 12;
/// AES-GCM's authentication tag.
const TAG_LEN: usize = 16;
/// AES-256's key.
const AES_KEY_LEN: usize = 32;

/// An `algorithm` of the `encrypt` node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Algorithm {
    /// `aes-256-gcm`: output nonce ‖ ciphertext ‖ tag.
    Aes256Gcm,
    /// `sha256`: a digest; takes no key.
    Sha256,
    /// `hmac-sha256`: a keyed digest.
    HmacSha256,
}

/// An `encoding` of the `encrypt` node's output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Encoding {
    /// Standard alphabet with padding (the default).
    #[default]
    Base64,
    /// Lower-case hexadecimal.
    Hex,
}

/// Key material read from an environment variable. `Debug` shows its length, never bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct Key(Vec<u8>);

impl Algorithm {
    /// Every algorithm, for diagnostics ("expected one of …").
    pub const ALL: [Algorithm; 3] = [
        Algorithm::Aes256Gcm,
        Algorithm::Sha256,
        Algorithm::HmacSha256,
    ];

    /// The algorithm with this name (`aes-256-gcm`, `sha256`, `hmac-sha256`).
    pub fn parse(name: &str) -> Option<Algorithm> {
        Algorithm::ALL.into_iter().find(|a| a.name() == name)
    }

    /// The name used in flows.
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Aes256Gcm => "aes-256-gcm",
            Algorithm::Sha256 => "sha256",
            Algorithm::HmacSha256 => "hmac-sha256",
        }
    }

    /// Whether a `key` is required (and, for `sha256`, forbidden).
    pub fn needs_key(self) -> bool {
        self != Algorithm::Sha256
    }
}

impl Encoding {
    /// The encoding with this name (`base64`, `hex`).
    pub fn parse(name: &str) -> Option<Encoding> {
        match name {
            "base64" => Some(Encoding::Base64),
            "hex" => Some(Encoding::Hex),
            _ => None,
        }
    }

    /// The name used in flows.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Base64 => "base64",
            Encoding::Hex => "hex",
        }
    }

    /// `bytes` in this encoding.
    pub fn encode(self, bytes: &[u8]) -> String {
        match self {
            Encoding::Base64 => base64::engine::general_purpose::STANDARD.encode(bytes),
            Encoding::Hex => hex_lower(bytes),
        }
    }
}

/// The variable name of a `key` field: `env:CARD_KEY` gives `CARD_KEY`; anything else (a
/// key written in the flow, a bad name) is `None`.
pub fn env_key_name(key: &str) -> Option<&str> {
    let name = key.strip_prefix("env:")?;
    let mut chars = name.chars();
    let valid = matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    valid.then_some(name)
}

impl Key {
    /// Reads the key for `alg` from the environment variable `name`; the error names the
    /// variable and says what is wrong, never what it holds.
    pub fn from_env(alg: Algorithm, name: &str) -> Result<Key, String> {
        match std::env::var(name) {
            Ok(raw) => Key::from_env_value(alg, name, &raw),
            Err(std::env::VarError::NotPresent) => Err(format!(
                "environment variable {name} (the {} key) is not set",
                alg.name()
            )),
            Err(std::env::VarError::NotUnicode(_)) => Err(format!(
                "environment variable {name} (the {} key) is not valid UTF-8",
                alg.name()
            )),
        }
    }

    /// The key for `alg` from the text of the variable `name`: for AES, base64 of exactly
    /// 32 bytes (white space around it ignored); for HMAC, the text's UTF-8 bytes.
    pub fn from_env_value(alg: Algorithm, name: &str, raw: &str) -> Result<Key, String> {
        match alg {
            Algorithm::Sha256 => Err(format!("sha256 takes no key, but {name} was given")),
            Algorithm::HmacSha256 if raw.is_empty() => Err(format!(
                "environment variable {name} (the hmac-sha256 key) is empty"
            )),
            Algorithm::HmacSha256 => Ok(Key(raw.as_bytes().to_vec())),
            Algorithm::Aes256Gcm => aes_key(name, raw.trim()),
        }
    }

    /// The key's length in bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the key has no bytes (never, for a key built by this module).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Key({} bytes)", self.0.len())
    }
}

fn aes_key(name: &str, text: &str) -> Result<Key, String> {
    // The decoder's own message would quote the offending character: a piece of the key.
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text)
        .map_err(|_| {
            format!(
                "environment variable {name} (the aes-256-gcm key) is not base64 \
                 (standard alphabet with padding)"
            )
        })?;
    if bytes.len() != AES_KEY_LEN {
        return Err(format!(
            "environment variable {name} (the aes-256-gcm key) holds {} bytes; \
             it needs exactly {AES_KEY_LEN}, as base64",
            bytes.len()
        ));
    }
    Ok(Key(bytes))
}

/// Runs `alg` on the UTF-8 bytes of `input` (already rendered per §3) and encodes the
/// output. `key` must be given exactly when [`Algorithm::needs_key`].
pub fn encrypt(
    alg: Algorithm,
    key: Option<&Key>,
    input: &str,
    encoding: Encoding,
) -> Result<String, String> {
    let bytes = match (alg, key) {
        (Algorithm::Sha256, None) => Sha256::digest(input.as_bytes()).to_vec(),
        (Algorithm::Sha256, Some(_)) => return Err("sha256 takes no key".to_owned()),
        (Algorithm::HmacSha256, Some(key)) => hmac_sha256(key, input.as_bytes())?,
        (Algorithm::Aes256Gcm, Some(key)) => aes_gcm_seal(key, input.as_bytes())?,
        (_, None) => return Err(format!("{} needs a key", alg.name())),
    };
    Ok(encoding.encode(&bytes))
}

/// Opens nonce ‖ ciphertext ‖ tag as [`encrypt`] writes it (after decoding); fails when
/// the data was altered or the key differs.
pub fn decrypt_aes_gcm(key: &Key, data: &[u8]) -> Result<Vec<u8>, String> {
    if data.len() < NONCE_LEN + TAG_LEN {
        return Err(format!(
            "{} bytes is too short for nonce, ciphertext and tag",
            data.len()
        ));
    }
    let (nonce, sealed) = data.split_at(NONCE_LEN);
    aes_cipher(key)?
        .decrypt(Nonce::from_slice(nonce), sealed)
        .map_err(|_| "the data does not authenticate under this key".to_owned())
}

fn hmac_sha256(key: &Key, input: &[u8]) -> Result<Vec<u8>, String> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&key.0)
        .map_err(|_| "the hmac-sha256 key is not usable".to_owned())?;
    mac.update(input);
    Ok(mac.finalize().into_bytes().to_vec())
}

/// A fresh random nonce, then the cipher's ciphertext ‖ tag.
fn aes_gcm_seal(key: &Key, input: &[u8]) -> Result<Vec<u8>, String> {
    let cipher = aes_cipher(key)?;
    let mut nonce = [0u8; NONCE_LEN];
    getrandom::fill(&mut nonce)
        .map_err(|e| format!("no randomness for the aes-256-gcm nonce: {e}"))?;
    let sealed = cipher
        .encrypt(Nonce::from_slice(&nonce), input)
        .map_err(|_| "aes-256-gcm encryption failed".to_owned())?;
    let mut out = Vec::with_capacity(NONCE_LEN + sealed.len());
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&sealed);
    Ok(out)
}

fn aes_cipher(key: &Key) -> Result<Aes256Gcm, String> {
    Aes256Gcm::new_from_slice(&key.0).map_err(|_| {
        format!(
            "an aes-256-gcm key has {AES_KEY_LEN} bytes, not {}",
            key.0.len()
        )
    })
}

fn hex_lower(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}
