import type Database from 'better-sqlite3'

// Each entry moves the schema one version on; PRAGMA user_version records how far a file has come.
// Never edit a shipped entry: append a new one.
const MIGRATIONS: string[] = [
  `
  CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT UNIQUE,
    password_hash TEXT,
    role TEXT NOT NULL CHECK (role IN ('admin', 'customer')),
    display_name TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE TABLE livestreams (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    quality TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('scheduled', 'live', 'ended')),
    scheduled_at TEXT,
    start_time TEXT,
    end_time TEXT,
    duration_seconds REAL,
    likes INTEGER NOT NULL DEFAULT 0,
    view_count INTEGER NOT NULL DEFAULT 0,
    current_viewers INTEGER NOT NULL DEFAULT 0,
    max_viewers INTEGER NOT NULL DEFAULT 0,
    video_url TEXT,
    thumbnail_url TEXT,
    created_at TEXT NOT NULL
  );
  CREATE INDEX livestreams_by_created ON livestreams (created_at DESC, id DESC);
  CREATE INDEX livestreams_by_status ON livestreams (status, created_at DESC, id DESC);
  CREATE TABLE livestream_views (
    livestream_id TEXT NOT NULL,
    session_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (livestream_id, session_id)
  ) WITHOUT ROWID;
  CREATE TABLE products (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    price_cents INTEGER NOT NULL,
    currency TEXT NOT NULL,
    image_url TEXT,
    stock INTEGER NOT NULL CHECK (stock >= 0),
    sku TEXT,
    created_at TEXT NOT NULL,
    deleted_at TEXT
  );
  CREATE TABLE pins (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    livestream_id TEXT NOT NULL,
    product_id TEXT NOT NULL,
    pinned_at TEXT NOT NULL,
    unpinned_at TEXT
  );
  CREATE INDEX pins_by_stream ON pins (livestream_id, seq);
  CREATE UNIQUE INDEX pins_one_open ON pins (livestream_id, product_id) WHERE unpinned_at IS NULL;
  CREATE TABLE chat_messages (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    livestream_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    message TEXT NOT NULL,
    client_id TEXT,
    created_at TEXT NOT NULL
  );
  CREATE INDEX chat_by_stream ON chat_messages (livestream_id, seq);
  CREATE TABLE orders (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    livestream_id TEXT,
    items TEXT NOT NULL,
    total_cents INTEGER NOT NULL,
    currency TEXT NOT NULL,
    shipping TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE INDEX orders_by_stream ON orders (livestream_id, created_at);
  CREATE TABLE analytics_samples (
    livestream_id TEXT NOT NULL,
    at TEXT NOT NULL,
    current_viewers INTEGER NOT NULL,
    likes INTEGER NOT NULL,
    view_count INTEGER NOT NULL
  );
  CREATE INDEX samples_by_stream ON analytics_samples (livestream_id, at);
  `,
  // The recorder runs of a saved replay (JSON), for its chapters after a studio tab came back.
  `ALTER TABLE livestreams ADD COLUMN replay_runs TEXT;`,
  // Replay views counted apart from live ones; when the counters last changed (a sample lost to a
  // kill is rebuilt from it); running totals with a ceiling (units per buyer per show); sessions.
  `
  ALTER TABLE livestreams ADD COLUMN replay_views INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE livestreams ADD COLUMN counters_at TEXT;
  CREATE TABLE livestream_replay_views (
    livestream_id TEXT NOT NULL,
    session_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (livestream_id, session_id)
  ) WITHOUT ROWID;
  CREATE TABLE capped_counters (
    key TEXT PRIMARY KEY,
    livestream_id TEXT,
    used INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX capped_counters_by_stream ON capped_counters (livestream_id);
  CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT
  );
  CREATE INDEX sessions_by_user ON sessions (user_id);
  `,
  // The hash of a show's stream key (for OBS and other WHIP encoders); the key itself is shown once.
  `ALTER TABLE livestreams ADD COLUMN stream_key_hash TEXT;`,
  // Moderation: the moderator role (SQLite cannot change a CHECK, so the users table is rebuilt),
  // where an account was made (bans reach new guests from there), a message's status, each show's
  // chat settings, and the record of every action.
  `
  CREATE TABLE users_v5 (
    id TEXT PRIMARY KEY,
    email TEXT UNIQUE,
    password_hash TEXT,
    role TEXT NOT NULL CHECK (role IN ('admin', 'moderator', 'customer')),
    display_name TEXT NOT NULL,
    device_id TEXT,
    signup_address TEXT,
    created_at TEXT NOT NULL
  );
  INSERT INTO users_v5 (id, email, password_hash, role, display_name, created_at)
    SELECT id, email, password_hash, role, display_name, created_at FROM users;
  DROP TABLE users;
  ALTER TABLE users_v5 RENAME TO users;
  CREATE INDEX users_by_role ON users (role, created_at);
  ALTER TABLE chat_messages ADD COLUMN status TEXT CHECK (status IN ('held', 'deleted'));
  CREATE INDEX chat_by_author ON chat_messages (livestream_id, user_id, seq);
  ALTER TABLE livestreams ADD COLUMN chat_settings TEXT;
  CREATE TABLE moderation_actions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    livestream_id TEXT NOT NULL,
    moderator_id TEXT NOT NULL,
    moderator_name TEXT NOT NULL,
    action TEXT NOT NULL,
    target_user_id TEXT,
    target_name TEXT,
    message_id TEXT,
    until TEXT,
    device_id TEXT,
    address TEXT,
    details TEXT,
    created_at TEXT NOT NULL
  );
  CREATE INDEX moderation_by_stream ON moderation_actions (livestream_id, seq);
  `,
  // Flash deals (what is left of one is its capped counter, taken with the stock).
  `
  CREATE TABLE deals (
    id TEXT PRIMARY KEY,
    livestream_id TEXT NOT NULL,
    product_id TEXT NOT NULL,
    price_cents INTEGER NOT NULL,
    currency TEXT NOT NULL,
    quantity INTEGER NOT NULL,
    per_customer INTEGER,
    starts_at TEXT NOT NULL,
    ends_at TEXT NOT NULL,
    ended_at TEXT,
    end_reason TEXT
  );
  CREATE INDEX deals_by_stream ON deals (livestream_id, starts_at);
  CREATE INDEX deals_open ON deals (ended_at) WHERE ended_at IS NULL;
  `,
  // The webhook outbox: one row per event and receiver, until answered or given up.
  `
  CREATE TABLE webhook_deliveries (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    event_id TEXT NOT NULL,
    type TEXT NOT NULL,
    url TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_status INTEGER,
    last_error TEXT,
    last_attempt_at TEXT,
    delivered_at TEXT
  );
  CREATE INDEX deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
  `,
  // The shopping funnel: a session's first time at each step of each product.
  `
  CREATE TABLE funnel_events (
    livestream_id TEXT NOT NULL,
    session_id TEXT NOT NULL,
    product_id TEXT NOT NULL,
    type TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (livestream_id, session_id, product_id, type)
  ) WITHOUT ROWID;
  `,
  // Reminders by mail (double opt-in), and the mail outbox: a mail's key is unique, so one is never queued twice.
  `
  CREATE TABLE reminders (
    id TEXT PRIMARY KEY,
    livestream_id TEXT NOT NULL,
    email TEXT NOT NULL,
    locale TEXT NOT NULL,
    origin TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'confirmed')),
    created_at TEXT NOT NULL,
    confirmed_at TEXT,
    UNIQUE (livestream_id, email)
  );
  CREATE TABLE mails (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    key TEXT NOT NULL UNIQUE,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    text TEXT NOT NULL,
    html TEXT NOT NULL,
    headers TEXT NOT NULL,
    livestream_id TEXT,
    reminder_id TEXT,
    created_at TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error TEXT,
    sent_at TEXT
  );
  CREATE INDEX mails_due ON mails (next_attempt_at) WHERE status = 'pending';
  CREATE INDEX mails_by_reminder ON mails (reminder_id);
  CREATE INDEX mails_by_stream ON mails (livestream_id);
  `,
  // A customer's data on request: their orders and chat found by account, their reminders by
  // address; and the record of who exported or erased whom.
  `
  ALTER TABLE funnel_events ADD COLUMN user_id TEXT;
  CREATE INDEX funnel_by_user ON funnel_events (user_id) WHERE user_id IS NOT NULL;
  CREATE INDEX orders_by_user ON orders (user_id, created_at);
  CREATE INDEX chat_by_user ON chat_messages (user_id);
  CREATE INDEX reminders_by_email ON reminders (email);
  CREATE INDEX mails_by_recipient ON mails (recipient) WHERE status = 'pending';
  CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    actor_id TEXT NOT NULL,
    actor_name TEXT NOT NULL,
    action TEXT NOT NULL,
    target_user_id TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  `,
  // Purchases made on the brand's own site after watching a show: one per order id.
  `
  CREATE TABLE attributions (
    order_id TEXT PRIMARY KEY,
    livestream_id TEXT NOT NULL,
    total_cents INTEGER NOT NULL,
    currency TEXT NOT NULL,
    items TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE INDEX attributions_by_stream ON attributions (livestream_id, created_at);
  `,
  // Shades: a product's variants as a JSON list (their stock taken inside the order's IMMEDIATE
  // transaction), and a deal on one shade.
  `
  ALTER TABLE products ADD COLUMN variants TEXT;
  ALTER TABLE deals ADD COLUMN variant_id TEXT;
  `,
  // On air: polls, questions and giveaways, and the audience's votes and entries (one per account;
  // an entry also one per browser, so guests made in one browser enter once).
  `
  CREATE TABLE on_air (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    livestream_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('poll', 'question', 'giveaway')),
    status TEXT NOT NULL,
    user_id TEXT NOT NULL,
    data TEXT NOT NULL,
    created_at TEXT NOT NULL,
    ends_at TEXT,
    ended_at TEXT
  );
  CREATE INDEX on_air_by_stream ON on_air (livestream_id, kind, seq);
  CREATE INDEX on_air_by_user ON on_air (user_id);
  CREATE TABLE on_air_responses (
    item_id TEXT NOT NULL,
    livestream_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    display_name TEXT NOT NULL,
    device_id TEXT,
    value INTEGER NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (item_id, user_id)
  );
  CREATE UNIQUE INDEX on_air_responses_one_per_device ON on_air_responses (item_id, device_id) WHERE device_id IS NOT NULL;
  CREATE INDEX on_air_responses_by_stream ON on_air_responses (livestream_id, user_id);
  `,
  // Where a show is restreamed (RTMP), with the stream keys sealed.
  `
  CREATE TABLE destinations (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    livestream_id TEXT NOT NULL,
    name TEXT NOT NULL,
    url TEXT NOT NULL,
    key_cipher TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE INDEX destinations_by_stream ON destinations (livestream_id, seq);
  `,
  // Clips cut from replays, each with its share page.
  `
  CREATE TABLE clips (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    livestream_id TEXT NOT NULL,
    title TEXT NOT NULL,
    video_url TEXT NOT NULL,
    thumbnail_url TEXT,
    product_id TEXT,
    start_seconds REAL NOT NULL,
    end_seconds REAL NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE INDEX clips_by_stream ON clips (livestream_id, seq);
  `,
]

/** Brings the database file up to the newest schema (or, for tests of a step, to `target`), one transaction per step. */
export function migrate(db: Database.Database, target = MIGRATIONS.length): void {
  const current = db.pragma('user_version', { simple: true }) as number
  if (current > MIGRATIONS.length) {
    throw new Error(`database schema v${current} is newer than this app (v${MIGRATIONS.length}); refusing to run`)
  }
  for (let version = current; version < Math.min(target, MIGRATIONS.length); version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version]!)
      db.pragma(`user_version = ${version + 1}`)
    }).immediate()
  }
}
