/** A database made with the Go original's schema and rows (fixtures/original), and a byte-level view of its tables. */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import {ROOT} from './cli.js';

const SCHEMA = fs.readFileSync(path.join(ROOT, 'fixtures', 'original', 'schema.sql'), 'utf8');
const ROWS = fs.readFileSync(path.join(ROOT, 'fixtures', 'original', 'rows.sql'), 'utf8');

/** Create `file` as the original would (WAL), with the fixture's rows unless `rows` is false. */
export function makeOriginal(file: string, options: {rows?: boolean; forum?: boolean} = {}): void {
	fs.mkdirSync(path.dirname(file), {recursive: true, mode: 0o755});
	const db = new Database(file);
	let schema = SCHEMA;
	if (options.forum === false) schema = schema.slice(0, schema.indexOf('CREATE TABLE IF NOT EXISTS forum_threads'));
	db.exec(schema);
	if (options.rows !== false) db.exec(options.forum === false ? ROWS.slice(0, ROWS.indexOf('INSERT INTO forum_events')) : ROWS);
	db.close();
}

/** Every table's definition and rows, in rowid order, as text: equal strings mean byte-for-byte equal tables. */
export function dumpTables(file: string): string {
	const db = new Database(file, {readonly: true, fileMustExist: true});
	try {
		const tables = db.prepare<[], {name: string; sql: string}>(`SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name`).all();
		const parts: string[] = [];
		for (const table of tables) {
			// hex() of every column: text, numbers and blobs compared as stored bytes.
			const columns = db.prepare<[], {name: string}>(`SELECT name FROM pragma_table_info('${table.name}')`).all().map((c) => c.name);
			const select = columns.map((c) => `typeof("${c}") || ':' || hex("${c}")`).join(` || '|' || `);
			const rows = db.prepare<[], {row: string}>(`SELECT ${select} AS row FROM "${table.name}" ORDER BY rowid`).all();
			parts.push(`${table.sql}\n${rows.map((r) => r.row).join('\n')}`);
		}
		const others = db.prepare<[], {sql: string | null}>(`SELECT sql FROM sqlite_master WHERE type != 'table' ORDER BY name`).all();
		parts.push(others.map((o) => o.sql ?? '').join('\n'));
		return parts.join('\n\n');
	} finally {
		db.close();
	}
}

export function sha256(file: string): string {
	return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** Append one post the way the original does (event + its projection row), in its own transaction. */
export function originalPost(file: string, post: {eventId: string; threadId: string; body: string; at: string; authorType?: string; authorName?: string}): void {
	const db = new Database(file);
	try {
		db.pragma('busy_timeout = 5000');
		const type = post.authorType ?? 'operator';
		const name = post.authorName ?? 'ops';
		db.transaction(() => {
			const thread = db.prepare<[string], {ticket: string; run_id: string; agent_name: string}>(`SELECT ticket, run_id, agent_name FROM forum_threads WHERE thread_id = ?`).get(post.threadId)!;
			db.prepare(
				`INSERT INTO forum_events (event_id, event_type, event_version, occurred_at, thread_id, run_id, ticket, agent_name, actor_type, actor_name, correlation_id, causation_id, payload_json)
				 VALUES (?, 'forum.post.added', 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			).run(post.eventId, post.at, post.threadId, thread.run_id, thread.ticket, thread.agent_name, type, name, `c-${post.eventId}`, `c-${post.eventId}`, JSON.stringify({body: post.body}));
			db.prepare(`INSERT INTO forum_posts VALUES (?, ?, ?, ?, ?, ?, ?)`).run(`p-${post.eventId}`, post.threadId, post.eventId, type, name, post.body, post.at);
		}).immediate();
	} finally {
		db.close();
	}
}
