//! The opt-out nodes (§4.10, §13 rules 10 and 28) on the store, for both backends.

use crate::app::Services;
use crate::session::{ErrorCode, SessionError};
use crate::store::Channel;

/// What an opt-out node does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// `opt_out`: records the number (yes, also when it was already there).
    Record,
    /// `verify_opt_out`: yes when the number is opted out for the channel.
    Verify,
    /// `delete_opt_out`: removes it; yes when it was there.
    Delete,
}

/// Runs the node on the rendered `number`: an unparseable number goes `no` (`Ok(false)`);
/// a store failure ends the session with CT21.
pub async fn run(
    services: &Services,
    action: Action,
    channel: Channel,
    number: &str,
) -> Result<bool, SessionError> {
    let Some(number) = flowc_lang::nodes::normalize_msisdn(number) else {
        return Ok(false);
    };
    let Some(store) = &services.store else {
        return Err(SessionError::new(
            ErrorCode::Ct21,
            "the opt-out list needs the store, which is not open",
        ));
    };
    let result = match action {
        Action::Record => store.opt_out(&number, channel).await.map(|()| true),
        Action::Verify => store.is_opted_out(&number, channel).await,
        Action::Delete => store.delete_opt_out(&number, channel).await,
    };
    result.map_err(|e| SessionError::new(ErrorCode::Ct21, format!("the store failed: {e}")))
}
