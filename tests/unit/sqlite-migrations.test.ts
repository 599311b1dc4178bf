// A database made by the previous release moves on to moderation's schema with its data intact:
// the users table is rebuilt (SQLite cannot widen a CHECK), everything else gains columns.
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { migrate } from '../../server/db/sqlite/migrations'

describe('the SQLite migrations', () => {
  it('bring a v4 file to the moderator role, message status and the action record without losing a row', () => {
    const db = new Database(':memory:')
    migrate(db, 4)
    db.prepare(`INSERT INTO users (id, email, password_hash, role, display_name, created_at) VALUES ('u1', 'boss@example.com', 'h', 'admin', 'Boss', '2026-11-01T00:00:00.000Z'), ('u2', NULL, NULL, 'customer', 'Guest', '2026-11-02T00:00:00.000Z')`).run()
    db.prepare(`INSERT INTO chat_messages (id, livestream_id, user_id, display_name, role, message, created_at) VALUES ('m1', 's1', 'u2', 'Guest', 'customer', 'hi', '2026-11-02T00:00:01.000Z')`).run()
    expect(() => db.prepare(`INSERT INTO users (id, role, display_name, created_at) VALUES ('u3', 'moderator', 'Mo', '2026-11-03T00:00:00.000Z')`).run()).toThrow(/CHECK/)

    migrate(db)
    expect(db.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(5)
    expect(db.prepare('SELECT id, email, password_hash, role, display_name, created_at FROM users ORDER BY id').all()).toEqual([
      { id: 'u1', email: 'boss@example.com', password_hash: 'h', role: 'admin', display_name: 'Boss', created_at: '2026-11-01T00:00:00.000Z' },
      { id: 'u2', email: null, password_hash: null, role: 'customer', display_name: 'Guest', created_at: '2026-11-02T00:00:00.000Z' },
    ])
    db.prepare(`INSERT INTO users (id, role, display_name, device_id, created_at) VALUES ('u3', 'moderator', 'Mo', 'd1', '2026-11-03T00:00:00.000Z')`).run()
    expect(() => db.prepare(`INSERT INTO users (id, email, role, display_name, created_at) VALUES ('u4', 'boss@example.com', 'customer', 'Copy', 'x')`).run()).toThrow(/UNIQUE/)
    expect(() => db.prepare(`INSERT INTO users (id, role, display_name, created_at) VALUES ('u5', 'owner', 'No', 'x')`).run()).toThrow(/CHECK/)
    expect(db.prepare(`SELECT message, status FROM chat_messages`).all()).toEqual([{ message: 'hi', status: null }])
    expect(() => db.prepare(`UPDATE chat_messages SET status = 'gone'`).run()).toThrow(/CHECK/)
    expect(db.prepare(`SELECT count(*) AS n FROM moderation_actions`).get()).toEqual({ n: 0 })
  })
})
