//! Ledger rows: the SQL side of the SDK-permission ledger.
