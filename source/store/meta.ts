/** The forum's own facts in SQLite: its id (made once by the schema), transport state, signed command ids. */
import type {Db} from './database.js';

export interface SignedCommandRecord {
	commandId: string;
	publicKey: string;
	signature: string;
	/** sha256 of the command's exact JSON text: a re-send by the same key with the same text is a retry. */
	commandHash: string;
	entryId: string;
	seenAt: string;
}

export interface ForumMeta {
	/** This forum's id (`f-` and 16 hex digits), made once when the database was created. */
	forumId(): string;
	get(key: string): string | undefined;
	/** Set a value; call inside a write when it must commit with other changes. */
	set(key: string, value: string): void;
	signedCommand(commandId: string): SignedCommandRecord | undefined;
	/** Remember the signature a command id first arrived with; a second record for the id is ignored. */
	recordSignedCommand(record: SignedCommandRecord): void;
}

export function createMeta(db: Db): ForumMeta {
	const get = db.prepare<[string], {value: string}>('SELECT value FROM forum_meta WHERE key = ?');
	const set = db.prepare('INSERT INTO forum_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
	const getSigned = db.prepare<[string], {command_id: string; public_key: string; signature: string; command_hash: string; entry_id: string; seen_at: string}>(
		'SELECT command_id, public_key, signature, command_hash, entry_id, seen_at FROM forum_signed_commands WHERE command_id = ?',
	);
	const putSigned = db.prepare(
		'INSERT INTO forum_signed_commands (command_id, public_key, signature, command_hash, entry_id, seen_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (command_id) DO NOTHING',
	);
	let forumId: string | undefined;
	return {
		forumId() {
			forumId ??= get.get('forum_id')?.value;
			if (!forumId) throw new Error('forum_meta has no forum_id; the database was not migrated');
			return forumId;
		},
		get: (key) => get.get(key)?.value,
		set: (key, value) => void set.run(key, value),
		signedCommand(commandId) {
			const row = getSigned.get(commandId);
			return row && {commandId: row.command_id, publicKey: row.public_key, signature: row.signature, commandHash: row.command_hash, entryId: row.entry_id, seenAt: row.seen_at};
		},
		recordSignedCommand: (record) => void putSigned.run(record.commandId, record.publicKey, record.signature, record.commandHash, record.entryId, record.seenAt),
	};
}
