//! What outbound calls need at server start, and what start makes of it (§4.7, §4.8).
//!
//! An integration's `${NAME}` texts are expanded here, once, from [`Config::env_var`]
//! (configuration overrides, then the process environment), never at build time: one build
//! serves sandbox and production. Every variable that is missing and has no default is named
//! in one startup problem. Each URL is checked again with its variables expanded, so a
//! variable cannot move a template into the scheme, host or port. The shared HTTP client
//! and the messaging gateway's address are made here too.

use super::client::Outbound;
use super::messaging::Gateway;
use super::url::{check_url, UrlPart};
use crate::app::Services;
use crate::config::Config;
use flowc_codegen::ir;
use flowc_lang::envsubst::{self, EnvPart};
use std::fmt;

/// What a bundle's outbound nodes need at start.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OutboundNeeds {
    /// Every integration, in the order of [`ir::Bundle::integrations`].
    pub integrations: Vec<IntegrationNeed>,
    /// Whether a `send_template` node uses the messaging gateway.
    pub messaging: bool,
}

/// One integration's `${…}` texts and the shape of its URL.
#[derive(Debug, Clone, PartialEq)]
pub struct IntegrationNeed {
    /// Its name, for messages.
    pub name: String,
    /// The texts to expand, by slot.
    pub env: Vec<Vec<EnvPart>>,
    /// The URL: literal text, slots and where references go.
    pub url: Vec<UrlShape>,
}

/// A piece of an integration URL, before any request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UrlShape {
    /// Literal text.
    Text(String),
    /// An expanded slot.
    Env(usize),
    /// A reference, rendered per request.
    Value,
}

/// What start made for outbound calls.
#[derive(Default)]
pub struct OutboundServices {
    /// The one client every call of the server shares (none when the bundle makes no
    /// outbound calls).
    pub client: Option<Outbound>,
    /// Every integration's expanded slots, in the order of [`OutboundNeeds::integrations`].
    pub integrations: Vec<Vec<String>>,
    /// The messaging gateway (`FLOWC_MESSAGING_URL`, `FLOWC_MESSAGING_KEY`).
    pub gateway: Option<Gateway>,
}

// By hand: expanded slots may hold credentials (`Bearer ${TOKEN}`).
impl fmt::Debug for OutboundServices {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OutboundServices")
            .field("client", &self.client.is_some())
            .field("integrations", &self.integrations.len())
            .field("gateway", &self.gateway)
            .finish()
    }
}

impl OutboundNeeds {
    /// The needs of a lowered bundle (the interpreter's; generated code writes the same
    /// value as a literal).
    pub fn from_ir(bundle: &ir::Bundle) -> OutboundNeeds {
        let integrations = bundle.integrations.iter().map(|i| IntegrationNeed {
            name: i.name.clone(),
            env: i.env.clone(),
            url: i.url.iter().map(url_shape).collect(),
        });
        let messaging = bundle
            .flows
            .iter()
            .flat_map(|f| &f.steps)
            .any(|s| matches!(s.kind, ir::StepKind::SendTemplate { .. }));
        OutboundNeeds {
            integrations: integrations.collect(),
            messaging,
        }
    }

    fn is_empty(&self) -> bool {
        self.integrations.is_empty() && !self.messaging
    }
}

fn url_shape(piece: &ir::Piece) -> UrlShape {
    match piece {
        ir::Piece::Text(s) => UrlShape::Text(s.clone()),
        ir::Piece::Env(k) => UrlShape::Env(*k),
        ir::Piece::Ref(_) => UrlShape::Value,
    }
}

/// Resolves every outbound need; problems are appended to `problems`.
pub fn resolve(
    needs: &OutboundNeeds,
    config: &Config,
    problems: &mut Vec<String>,
) -> OutboundServices {
    if needs.is_empty() {
        return OutboundServices::default();
    }
    let lookup = |name: &str| config.env_var(name);
    let mut missing: Vec<String> = Vec::new();
    let mut integrations = Vec::with_capacity(needs.integrations.len());
    for need in &needs.integrations {
        let slots = expand_slots(&need.env, &lookup, &mut missing);
        if slots.len() == need.env.len() {
            if let Err(e) = check_url(&url_parts(&need.url, &slots)) {
                problems.push(format!(
                    "the URL of integration `{}` is invalid: {e}",
                    need.name
                ));
            }
        }
        integrations.push(slots);
    }
    if !missing.is_empty() {
        problems.push(format!(
            "integrations.json needs environment variables that are not set: {}",
            missing.join(", ")
        ));
    }
    let client = match Outbound::new() {
        Ok(client) => Some(client),
        Err(e) => {
            problems.push(e);
            None
        }
    };
    let gateway = needs.messaging.then(|| Gateway::from_lookup(&lookup));
    OutboundServices {
        client,
        integrations,
        gateway,
    }
}

/// Expands every slot; the names of missing variables are added to `missing` once each.
/// A slot that cannot be expanded is left out, so the result is shorter than `env`.
fn expand_slots(
    env: &[Vec<EnvPart>],
    lookup: &dyn Fn(&str) -> Option<String>,
    missing: &mut Vec<String>,
) -> Vec<String> {
    let mut slots = Vec::with_capacity(env.len());
    for parts in env {
        match envsubst::expand(parts, lookup) {
            Ok(text) => slots.push(text),
            Err(names) => {
                for name in names {
                    if !missing.contains(&name) {
                        missing.push(name);
                    }
                }
            }
        }
    }
    slots
}

/// The URL with its slots expanded, references as placeholders, for [`check_url`].
fn url_parts(shape: &[UrlShape], slots: &[String]) -> Vec<UrlPart> {
    shape
        .iter()
        .map(|s| match s {
            UrlShape::Text(t) => UrlPart::Literal(t.clone()),
            UrlShape::Env(k) => UrlPart::Literal(slots.get(*k).cloned().unwrap_or_default()),
            UrlShape::Value => UrlPart::Value(String::new()),
        })
        .collect()
}

/// Slot `slot` of integration `integration`, as expanded at start (empty if there is none,
/// which a bundle checked at build time never asks for).
pub fn env_text(services: &Services, integration: usize, slot: usize) -> &str {
    services
        .outbound
        .integrations
        .get(integration)
        .and_then(|slots| slots.get(slot))
        .map_or("", String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn var(name: &str, default: Option<&str>) -> EnvPart {
        EnvPart::Var {
            name: name.to_owned(),
            default: default.map(str::to_owned),
        }
    }

    fn text(s: &str) -> EnvPart {
        EnvPart::Text(s.to_owned())
    }

    fn need(name: &str, env: Vec<Vec<EnvPart>>, url: Vec<UrlShape>) -> IntegrationNeed {
        IntegrationNeed {
            name: name.to_owned(),
            env,
            url,
        }
    }

    fn config(env: &[(&str, &str)]) -> Config {
        let mut config = Config::default();
        for (k, v) in env {
            config.env.insert((*k).to_owned(), (*v).to_owned());
        }
        config
    }

    /// `(needs, environment, expected problems, expected slots)`.
    #[test]
    fn resolves_slots_and_names_every_missing_variable_once() {
        let crm = need(
            "crm",
            vec![
                vec![var("FLOWC_T_CRM_URL", None), text("/users/")],
                vec![text("Bearer "), var("FLOWC_T_CRM_TOKEN", None)],
            ],
            vec![UrlShape::Env(0), UrlShape::Value],
        );
        let shop = need(
            "shop",
            vec![
                vec![var("FLOWC_T_SHOP", Some("http://127.0.0.1:9"))],
                vec![var("FLOWC_T_CRM_TOKEN", None), var("FLOWC_T_OTHER", None)],
            ],
            vec![UrlShape::Env(0), UrlShape::Text("/x".to_owned())],
        );
        let needs = OutboundNeeds {
            integrations: vec![crm.clone(), shop],
            messaging: false,
        };
        let mut problems = Vec::new();
        let services = resolve(&needs, &config(&[]), &mut problems);
        assert_eq!(
            problems,
            ["integrations.json needs environment variables that are not set: FLOWC_T_CRM_URL, FLOWC_T_CRM_TOKEN, FLOWC_T_OTHER"]
        );
        assert_eq!(services.integrations[1], ["http://127.0.0.1:9"]);

        let mut problems = Vec::new();
        let env = [
            ("FLOWC_T_CRM_URL", "http://crm.test:8080"),
            ("FLOWC_T_CRM_TOKEN", "s3cr3t"),
        ];
        let needs = OutboundNeeds {
            integrations: vec![crm],
            messaging: true,
        };
        let services = resolve(&needs, &config(&env), &mut problems);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            services.integrations[0],
            ["http://crm.test:8080/users/", "Bearer s3cr3t"]
        );
        assert!(services.client.is_some());
        assert!(!format!("{services:?}").contains("s3cr3t"));
        let gateway = services.gateway.expect("a gateway");
        assert_eq!(
            gateway.base_url,
            super::super::messaging::DEFAULT_GATEWAY_URL
        );
    }

    #[test]
    fn checks_each_url_with_its_variables_expanded() {
        let rows: &[(&str, Option<&str>)] = &[
            ("http://crm.test", None),
            ("https://crm.test:8443/api/", None),
            ("http:", Some("the URL of integration `i` is invalid")),
            ("ftp://x", Some("the URL of integration `i` is invalid")),
            ("crm.test", Some("the URL of integration `i` is invalid")),
        ];
        for (value, expected) in rows {
            let needs = OutboundNeeds {
                integrations: vec![need(
                    "i",
                    vec![vec![var("FLOWC_T_URL", None)]],
                    vec![
                        UrlShape::Env(0),
                        UrlShape::Text("//".to_owned()),
                        UrlShape::Value,
                    ],
                )],
                messaging: false,
            };
            let mut problems = Vec::new();
            resolve(&needs, &config(&[("FLOWC_T_URL", value)]), &mut problems);
            match expected {
                None => assert!(problems.is_empty(), "{value}: {problems:?}"),
                Some(start) => assert!(
                    problems.len() == 1 && problems[0].starts_with(start),
                    "{value}: {problems:?}"
                ),
            }
        }
    }

    #[test]
    fn needs_nothing_makes_nothing() {
        let mut problems = Vec::new();
        let services = resolve(&OutboundNeeds::default(), &Config::default(), &mut problems);
        assert!(problems.is_empty() && services.client.is_none() && services.gateway.is_none());
    }
}
