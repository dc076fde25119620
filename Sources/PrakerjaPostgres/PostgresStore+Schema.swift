import Logging
import PostgresNIO

extension PostgresStore {
    /// The schema, as numbered migrations applied once each, under a transaction-scoped advisory lock so
    /// that processes starting together migrate one at a time. Times are integer milliseconds since 1970;
    /// money is integer rupiah; every integer is a BIGINT. `seq` columns give rows the insertion order
    /// SQLite's `rowid` gives them there.
    static let migrations: [(name: String, sql: [String])] = [
        (
            "v1",
            [
                """
                CREATE TABLE participants (
                    seq BIGSERIAL UNIQUE,
                    id TEXT PRIMARY KEY,
                    nik TEXT NOT NULL UNIQUE,
                    name TEXT NOT NULL,
                    card_number TEXT NOT NULL UNIQUE,
                    phone TEXT NOT NULL,
                    email TEXT NOT NULL,
                    wave BIGINT NOT NULL,
                    accepted_at BIGINT NOT NULL,
                    videos_watched BIGINT NOT NULL,
                    balance BIGINT NOT NULL CHECK (balance >= 0),
                    initial_balance BIGINT NOT NULL CHECK (initial_balance >= 0),
                    status TEXT NOT NULL CHECK (status IN ('active', 'revoked')),
                    revoked_at BIGINT,
                    revocation_reason TEXT,
                    first_purchase_at BIGINT,
                    open_voucher_code TEXT,
                    last_completed_at BIGINT,
                    completed_trainings BIGINT NOT NULL,
                    incentive_total BIGINT NOT NULL,
                    otp_day BIGINT NOT NULL,
                    otp_sent_today BIGINT NOT NULL,
                    charges_created BIGINT NOT NULL DEFAULT 0
                )
                """,
                "CREATE INDEX participants_overdue ON participants (status, first_purchase_at, accepted_at)",
                "CREATE TABLE blacklist (nik TEXT PRIMARY KEY, at BIGINT NOT NULL)",
                """
                CREATE TABLE charges (
                    seq BIGSERIAL UNIQUE,
                    id TEXT PRIMARY KEY,
                    participant_id TEXT NOT NULL REFERENCES participants (id),
                    card_number TEXT NOT NULL,
                    platform_id TEXT NOT NULL,
                    platform_order_id TEXT NOT NULL,
                    account_id TEXT NOT NULL,
                    course_id TEXT NOT NULL,
                    amount BIGINT NOT NULL CHECK (amount > 0),
                    status TEXT NOT NULL CHECK (status IN ('pending', 'paid', 'expired', 'locked', 'refunded')),
                    otp TEXT NOT NULL,
                    otp_expires_at BIGINT NOT NULL,
                    otp_attempts BIGINT NOT NULL,
                    otp_sends BIGINT NOT NULL,
                    otp_last_sent_at BIGINT NOT NULL,
                    created_at BIGINT NOT NULL,
                    expires_at BIGINT NOT NULL,
                    paid_at BIGINT,
                    voucher_code TEXT,
                    refunded_at BIGINT,
                    voucher_visible_at BIGINT,
                    UNIQUE (platform_id, platform_order_id)
                )
                """,
                "CREATE INDEX charges_participant ON charges (participant_id)",
                "CREATE INDEX charges_without_voucher ON charges (paid_at) WHERE status = 'paid' AND voucher_code IS NULL",
                "CREATE INDEX charges_voucher ON charges (voucher_code)",
                """
                CREATE TABLE vouchers (
                    code TEXT PRIMARY KEY,
                    redeem_code TEXT NOT NULL UNIQUE,
                    invoice_code TEXT NOT NULL,
                    charge_id TEXT NOT NULL UNIQUE REFERENCES charges (id),
                    participant_id TEXT NOT NULL REFERENCES participants (id),
                    course_id TEXT NOT NULL,
                    provider_id TEXT NOT NULL,
                    platform_id TEXT NOT NULL,
                    amount BIGINT NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('active', 'cancelled', 'transaction_cancelled')),
                    issued_at BIGINT NOT NULL,
                    redeemed_at BIGINT,
                    attended TEXT NOT NULL,
                    completed_at BIGINT,
                    rating BIGINT
                )
                """,
                "CREATE INDEX vouchers_participant ON vouchers (participant_id)",
                """
                CREATE TABLE bindings (
                    platform_id TEXT NOT NULL,
                    account_id TEXT NOT NULL,
                    card_number TEXT NOT NULL,
                    bound_at BIGINT NOT NULL,
                    PRIMARY KEY (platform_id, account_id),
                    UNIQUE (platform_id, card_number)
                )
                """,
                """
                CREATE TABLE ledger (
                    id BIGSERIAL PRIMARY KEY,
                    participant_id TEXT NOT NULL REFERENCES participants (id),
                    charge_id TEXT,
                    kind TEXT NOT NULL CHECK (kind IN ('debit', 'refund', 'forfeit')),
                    amount BIGINT NOT NULL CHECK (amount >= 0),
                    balance_after BIGINT NOT NULL CHECK (balance_after >= 0),
                    at BIGINT NOT NULL
                )
                """,
                "CREATE INDEX ledger_participant ON ledger (participant_id)",
                "CREATE UNIQUE INDEX ledger_once_per_charge ON ledger (charge_id, kind) WHERE charge_id IS NOT NULL",
                """
                CREATE TABLE outbox (
                    id BIGSERIAL PRIMARY KEY,
                    channel TEXT NOT NULL,
                    participant_id TEXT NOT NULL,
                    recipient TEXT NOT NULL,
                    subject TEXT NOT NULL,
                    body TEXT NOT NULL,
                    charge_id TEXT,
                    created_at BIGINT NOT NULL
                )
                """,
                "CREATE INDEX outbox_recipient ON outbox (channel, recipient, id)",
                """
                CREATE TABLE charge_events (
                    id BIGSERIAL PRIMARY KEY,
                    charge_id TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    detail TEXT NOT NULL,
                    at BIGINT NOT NULL
                )
                """,
                "CREATE INDEX charge_events_charge ON charge_events (charge_id)",
                "CREATE INDEX charge_events_kind ON charge_events (kind, id)",
                """
                CREATE TABLE idempotency (
                    platform_id TEXT NOT NULL,
                    key TEXT NOT NULL,
                    fingerprint TEXT NOT NULL,
                    status BIGINT NOT NULL,
                    body BYTEA NOT NULL,
                    created_at BIGINT NOT NULL,
                    PRIMARY KEY (platform_id, key)
                )
                """,
                "CREATE TABLE sim_state (key TEXT PRIMARY KEY, value DOUBLE PRECISION NOT NULL)",
                """
                CREATE TABLE deliveries (
                    seq BIGSERIAL UNIQUE,
                    id TEXT PRIMARY KEY,
                    event_id TEXT NOT NULL,
                    event_type TEXT NOT NULL,
                    charge_id TEXT NOT NULL,
                    platform_id TEXT NOT NULL,
                    participant_id TEXT NOT NULL,
                    channel TEXT NOT NULL CHECK (channel IN ('page', 'email', 'webhook', 'sms')),
                    status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'exhausted')),
                    attempts BIGINT NOT NULL CHECK (attempts >= 0),
                    next_attempt_at BIGINT,
                    payload TEXT NOT NULL,
                    created_at BIGINT NOT NULL,
                    delivered_at BIGINT,
                    last_outcome TEXT,
                    UNIQUE (event_id, channel),
                    CHECK ((status = 'pending') = (next_attempt_at IS NOT NULL))
                )
                """,
                "CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status = 'pending'",
                "CREATE INDEX deliveries_charge ON deliveries (charge_id)",
                "CREATE INDEX deliveries_created ON deliveries (created_at)",
                """
                CREATE TABLE delivery_attempts (
                    seq BIGSERIAL UNIQUE,
                    delivery_id TEXT NOT NULL REFERENCES deliveries (id),
                    number BIGINT NOT NULL,
                    at BIGINT NOT NULL,
                    result TEXT NOT NULL CHECK (result IN ('delivered', 'failed', 'disabled', 'delayed')),
                    http_status BIGINT,
                    detail TEXT NOT NULL,
                    latency_ms BIGINT,
                    next_attempt_at BIGINT,
                    request_headers TEXT NOT NULL DEFAULT '[]',
                    faults TEXT NOT NULL DEFAULT '[]',
                    PRIMARY KEY (delivery_id, number)
                )
                """,
                """
                CREATE TABLE webhook_endpoints (
                    platform_id TEXT PRIMARY KEY,
                    url TEXT NOT NULL,
                    enabled BIGINT NOT NULL,
                    updated_at BIGINT NOT NULL
                )
                """,
            ]
        ),
        (
            "v2-request-nonces",
            ["CREATE TABLE request_nonces (key TEXT PRIMARY KEY, seen_at BIGINT NOT NULL)", "CREATE INDEX request_nonces_seen ON request_nonces (seen_at)"]
        ),
        ("v3-attempt-claims", ["ALTER TABLE deliveries ADD COLUMN claimed_until BIGINT"]),
    ]
}
