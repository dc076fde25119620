import GRDB

extension SQLiteStore {
    /// The schema, as migrations. Times are integer milliseconds since 1970; money is integer rupiah.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE participants (
                        id TEXT PRIMARY KEY,
                        nik TEXT NOT NULL UNIQUE,
                        name TEXT NOT NULL,
                        card_number TEXT NOT NULL UNIQUE,
                        phone TEXT NOT NULL,
                        email TEXT NOT NULL,
                        wave INTEGER NOT NULL,
                        accepted_at INTEGER NOT NULL,
                        videos_watched INTEGER NOT NULL,
                        balance INTEGER NOT NULL CHECK (balance >= 0),
                        initial_balance INTEGER NOT NULL CHECK (initial_balance >= 0),
                        status TEXT NOT NULL CHECK (status IN ('active', 'revoked')),
                        revoked_at INTEGER,
                        revocation_reason TEXT,
                        first_purchase_at INTEGER,
                        open_voucher_code TEXT,
                        last_completed_at INTEGER,
                        completed_trainings INTEGER NOT NULL,
                        incentive_total INTEGER NOT NULL,
                        otp_day INTEGER NOT NULL,
                        otp_sent_today INTEGER NOT NULL
                    );
                    CREATE INDEX participants_overdue ON participants (status, first_purchase_at, accepted_at);
                    CREATE TABLE blacklist (nik TEXT PRIMARY KEY, at INTEGER NOT NULL);
                    CREATE TABLE charges (
                        id TEXT PRIMARY KEY,
                        participant_id TEXT NOT NULL REFERENCES participants (id),
                        card_number TEXT NOT NULL,
                        platform_id TEXT NOT NULL,
                        platform_order_id TEXT NOT NULL,
                        account_id TEXT NOT NULL,
                        course_id TEXT NOT NULL,
                        amount INTEGER NOT NULL CHECK (amount > 0),
                        status TEXT NOT NULL CHECK (status IN ('pending', 'paid', 'expired', 'locked', 'refunded')),
                        otp TEXT NOT NULL,
                        otp_expires_at INTEGER NOT NULL,
                        otp_attempts INTEGER NOT NULL,
                        otp_sends INTEGER NOT NULL,
                        otp_last_sent_at INTEGER NOT NULL,
                        created_at INTEGER NOT NULL,
                        expires_at INTEGER NOT NULL,
                        paid_at INTEGER,
                        voucher_code TEXT,
                        refunded_at INTEGER,
                        UNIQUE (platform_id, platform_order_id)
                    );
                    CREATE INDEX charges_participant ON charges (participant_id);
                    CREATE TABLE vouchers (
                        code TEXT PRIMARY KEY,
                        redeem_code TEXT NOT NULL UNIQUE,
                        invoice_code TEXT NOT NULL,
                        charge_id TEXT NOT NULL UNIQUE REFERENCES charges (id),
                        participant_id TEXT NOT NULL REFERENCES participants (id),
                        course_id TEXT NOT NULL,
                        provider_id TEXT NOT NULL,
                        platform_id TEXT NOT NULL,
                        amount INTEGER NOT NULL,
                        status TEXT NOT NULL CHECK (status IN ('active', 'cancelled', 'transaction_cancelled')),
                        issued_at INTEGER NOT NULL,
                        redeemed_at INTEGER,
                        attended TEXT NOT NULL,
                        completed_at INTEGER,
                        rating INTEGER
                    );
                    CREATE INDEX vouchers_participant ON vouchers (participant_id);
                    CREATE TABLE bindings (
                        platform_id TEXT NOT NULL,
                        account_id TEXT NOT NULL,
                        card_number TEXT NOT NULL,
                        bound_at INTEGER NOT NULL,
                        PRIMARY KEY (platform_id, account_id),
                        UNIQUE (platform_id, card_number)
                    );
                    CREATE TABLE ledger (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        participant_id TEXT NOT NULL REFERENCES participants (id),
                        charge_id TEXT,
                        kind TEXT NOT NULL CHECK (kind IN ('debit', 'refund', 'forfeit')),
                        amount INTEGER NOT NULL CHECK (amount >= 0),
                        balance_after INTEGER NOT NULL CHECK (balance_after >= 0),
                        at INTEGER NOT NULL
                    );
                    CREATE INDEX ledger_participant ON ledger (participant_id);
                    CREATE UNIQUE INDEX ledger_once_per_charge ON ledger (charge_id, kind) WHERE charge_id IS NOT NULL;
                    CREATE TABLE outbox (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        channel TEXT NOT NULL,
                        participant_id TEXT NOT NULL,
                        recipient TEXT NOT NULL,
                        subject TEXT NOT NULL,
                        body TEXT NOT NULL,
                        charge_id TEXT,
                        created_at INTEGER NOT NULL
                    );
                    CREATE INDEX outbox_recipient ON outbox (channel, recipient, id);
                    CREATE TABLE charge_events (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        charge_id TEXT NOT NULL,
                        kind TEXT NOT NULL,
                        detail TEXT NOT NULL,
                        at INTEGER NOT NULL
                    );
                    CREATE INDEX charge_events_charge ON charge_events (charge_id);
                    CREATE TABLE idempotency (
                        platform_id TEXT NOT NULL,
                        key TEXT NOT NULL,
                        fingerprint TEXT NOT NULL,
                        state TEXT NOT NULL CHECK (state IN ('pending', 'done')),
                        status INTEGER,
                        body BLOB,
                        created_at INTEGER NOT NULL,
                        PRIMARY KEY (platform_id, key)
                    );
                    CREATE TABLE sim_state (key TEXT PRIMARY KEY, value);
                    """
            )
        }
        // Restart-safe ids: charge ids are keyed by the participant's own charge counter, participants by a
        // persisted sequence (see `EntropySource`). Existing databases continue from what they hold.
        migrator.registerMigration("v2-entity-keys") { db in
            try db.execute(
                sql: """
                    ALTER TABLE participants ADD COLUMN charges_created INTEGER NOT NULL DEFAULT 0;
                    UPDATE participants SET charges_created = (SELECT COUNT(*) FROM charges WHERE charges.participant_id = participants.id);
                    INSERT OR REPLACE INTO sim_state (key, value)
                        SELECT 'participant_sequence', COUNT(*) FROM participants HAVING COUNT(*) > 0;
                    """
            )
        }
        // Delivery after payment: the transactional outbox, its attempts, and the platforms' webhook endpoints.
        migrator.registerMigration("v3-deliveries") { db in
            try db.execute(
                sql: """
                    CREATE TABLE deliveries (
                        id TEXT PRIMARY KEY,
                        event_id TEXT NOT NULL,
                        event_type TEXT NOT NULL,
                        charge_id TEXT NOT NULL,
                        platform_id TEXT NOT NULL,
                        participant_id TEXT NOT NULL,
                        channel TEXT NOT NULL CHECK (channel IN ('page', 'email', 'webhook', 'sms')),
                        status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'exhausted')),
                        attempts INTEGER NOT NULL CHECK (attempts >= 0),
                        next_attempt_at INTEGER,
                        payload TEXT NOT NULL,
                        created_at INTEGER NOT NULL,
                        delivered_at INTEGER,
                        last_outcome TEXT,
                        UNIQUE (event_id, channel),
                        CHECK ((status = 'pending') = (next_attempt_at IS NOT NULL))
                    );
                    CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status = 'pending';
                    ALTER TABLE charges ADD COLUMN voucher_visible_at INTEGER;
                    CREATE INDEX charges_without_voucher ON charges (paid_at) WHERE status = 'paid' AND voucher_code IS NULL;
                    CREATE INDEX deliveries_charge ON deliveries (charge_id);
                    CREATE INDEX deliveries_created ON deliveries (created_at);
                    CREATE TABLE delivery_attempts (
                        delivery_id TEXT NOT NULL REFERENCES deliveries (id),
                        number INTEGER NOT NULL,
                        at INTEGER NOT NULL,
                        result TEXT NOT NULL CHECK (result IN ('delivered', 'failed', 'disabled', 'delayed')),
                        http_status INTEGER,
                        detail TEXT NOT NULL,
                        latency_ms INTEGER,
                        next_attempt_at INTEGER,
                        PRIMARY KEY (delivery_id, number)
                    );
                    CREATE TABLE webhook_endpoints (
                        platform_id TEXT PRIMARY KEY,
                        url TEXT NOT NULL,
                        enabled INTEGER NOT NULL,
                        updated_at INTEGER NOT NULL
                    );
                    """
            )
        }
        // What the console shows of each attempt: the request it sent and the faults that fired on it.
        migrator.registerMigration("v4-attempt-details") { db in
            try db.execute(
                sql: """
                    ALTER TABLE delivery_attempts ADD COLUMN request_headers TEXT NOT NULL DEFAULT '[]';
                    ALTER TABLE delivery_attempts ADD COLUMN faults TEXT NOT NULL DEFAULT '[]';
                    """
            )
        }
        return migrator
    }
}
