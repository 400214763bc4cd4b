//! The SDK-permission ledger.
