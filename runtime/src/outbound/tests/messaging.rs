//! `send_template` against a loopback gateway.

use super::{client, Reply, Upstream};
use crate::outbound::messaging::{
    recipient, send_template, store, Gateway, SendOutcome, TemplateMessage, DEFAULT_GATEWAY_URL,
};
use flowc_lang::{json, Value};

const ACCEPTED: &str = r#"{"messages": [{"apiMessageId": "m-001", "accepted": true,
    "to": "27821234567", "error": null}], "error": null}"#;

fn gateway(base: &str) -> Gateway {
    Gateway {
        base_url: format!("{base}/"),
        key: Some("mk-test-1".to_owned()),
    }
}

fn message(to: Option<&str>) -> TemplateMessage<'_> {
    TemplateMessage {
        to,
        template: "order_update",
        language: "en",
        parameters: vec![
            ("1".to_owned(), "Ada".to_owned()),
            ("2".to_owned(), "#77".to_owned()),
        ],
        client_message_id: "sess-1-3".to_owned(),
    }
}

#[tokio::test]
async fn an_accepted_message_is_yes_with_its_id() {
    let gw = Upstream::start(|_| Reply::json(202, ACCEPTED)).await;
    let outcome = send_template(
        &client(),
        &gateway(&gw.base),
        message(Some("+27 (82) 123-4567")),
        false,
    )
    .await;
    assert_eq!(
        outcome,
        SendOutcome {
            yes: true,
            message_id: Some("m-001".to_owned()),
            error: None
        }
    );
    let stored = store(outcome);
    assert_eq!(stored.message_id().cloned(), Some(Value::str("m-001")));
    assert_eq!(stored.error, None);

    let seen = gw.seen();
    assert_eq!(seen.len(), 1);
    let s = &seen[0];
    assert_eq!(
        (s.method.as_str(), s.path.as_str()),
        ("POST", "/v1/message")
    );
    assert_eq!(s.header("authorization"), Some("mk-test-1"));
    assert_eq!(s.header("content-type"), Some("application/json"));
    assert_eq!(s.header("accept"), Some("application/json"));
    let expected = json::parse(
        r##"{"messages": [{"channel": "whatsapp", "to": "27821234567", "clientMessageId": "sess-1-3",
            "template": {"templateName": "order_update", "language": "en",
                         "body": {"parameters": {"1": "Ada", "2": "#77"}}}}]}"##,
    )
    .unwrap();
    assert_eq!(s.body_text(), expected.to_json());
}

#[tokio::test]
async fn anything_but_an_accepted_2xx_is_no() {
    let rows: &[(u16, &str, &str)] = &[
        (
            200,
            r#"{"messages": [{"accepted": false, "error": {"code": 1, "description": "unknown template"}}]}"#,
            "unknown template",
        ),
        (
            400,
            r#"{"messages": [], "error": "bad request"}"#,
            "bad request",
        ),
        (500, ACCEPTED, "(500)"),
        (200, "not json", "did not accept"),
        (
            200,
            r#"{"messages": [{"accepted": "true"}]}"#,
            "did not accept",
        ),
    ];
    for (status, body, says) in rows {
        let (status, body) = (*status, body.to_string());
        let gw = Upstream::start(move |_| Reply::json(status, &body)).await;
        let outcome = send_template(
            &client(),
            &gateway(&gw.base),
            message(Some("+27821234567")),
            false,
        )
        .await;
        assert!(!outcome.yes, "{status}");
        assert_eq!(outcome.message_id, None);
        let error = outcome.error.clone().unwrap_or_default();
        assert!(error.contains(says), "{status}: {error}");
        assert_eq!(gw.seen().len(), 1);
        assert_eq!(store(outcome).error, Some(Value::str(error)));
    }
}

#[tokio::test]
async fn nothing_is_sent_when_the_number_cannot_be_used() {
    let gw = Upstream::start(|_| Reply::json(202, ACCEPTED)).await;
    let keyless = Gateway {
        key: None,
        ..gateway(&gw.base)
    };
    let rows: &[(Option<&str>, bool, &Gateway, &str)] = &[
        (Some("+27821234567"), true, &gateway(&gw.base), "opted out"),
        (
            Some("call me"),
            false,
            &gateway(&gw.base),
            "not a valid phone number",
        ),
        (
            Some("123"),
            false,
            &gateway(&gw.base),
            "not a valid phone number",
        ),
        (None, false, &gateway(&gw.base), "missing"),
        (Some("+27821234567"), false, &keyless, "FLOWC_MESSAGING_KEY"),
    ];
    for (to, opted_out, gateway, says) in rows {
        let outcome = send_template(&client(), gateway, message(*to), *opted_out).await;
        assert!(!outcome.yes, "{to:?}");
        let error = outcome.error.unwrap_or_default();
        assert!(error.contains(says), "{to:?}: {error}");
    }
    assert!(gw.seen().is_empty(), "{:?}", gw.seen());
}

#[tokio::test]
async fn a_gateway_that_does_not_answer_is_no() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let outcome = send_template(
        &client(),
        &gateway(&format!("http://{addr}")),
        message(Some("+27821234567")),
        false,
    )
    .await;
    assert!(!outcome.yes);
    assert!(outcome.error.unwrap_or_default().contains("did not answer"));
}

#[test]
fn gateway_from_the_environment() {
    let env = |url: Option<&'static str>, key: Option<&'static str>| {
        move |name: &str| match name {
            "FLOWC_MESSAGING_URL" => url.map(str::to_owned),
            "FLOWC_MESSAGING_KEY" => key.map(str::to_owned),
            _ => None,
        }
    };
    let gw = Gateway::from_lookup(&env(None, None));
    assert_eq!((gw.base_url.as_str(), gw.key), (DEFAULT_GATEWAY_URL, None));
    let gw = Gateway::from_lookup(&env(Some(""), Some("")));
    assert_eq!((gw.base_url.as_str(), gw.key), (DEFAULT_GATEWAY_URL, None));
    let gw = Gateway::from_lookup(&env(Some("http://127.0.0.1:9"), Some("k")));
    assert_eq!(gw.base_url, "http://127.0.0.1:9");
    assert!(!format!("{gw:?}").contains("\"k\""), "the key is redacted");
    assert_eq!(gw.key.as_deref(), Some("k"));
}

#[test]
fn recipients_are_normalised() {
    let rows = [
        (Some("+27 82 123 4567"), Some("+27821234567")),
        (Some("27821234567"), Some("+27821234567")),
        (Some("abc"), None),
        (None, None),
    ];
    for (to, expected) in rows {
        assert_eq!(recipient(to).as_deref(), expected, "{to:?}");
    }
}
