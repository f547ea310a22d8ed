/**
 * A second connection to a test's database file, for what the service deliberately does not
 * offer: reading raw rows, tampering with a projection, planting a trigger. Never a way to make
 * the forum write what a test means it to write through dispatch.
 */
import Database from 'better-sqlite3';

export function withRawDb<T>(file: string, use: (db: Database.Database) => T): T {
	const db = new Database(file);
	try {
		db.pragma('busy_timeout = 5000');
		return use(db);
	} finally {
		db.close();
	}
}
