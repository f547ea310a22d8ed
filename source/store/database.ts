/** Open the forum's SQLite file: directory and file modes, pragmas, migrations, clear errors. */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import {ForumError} from '../forum/errors.js';
import {foreignSchema, type ForeignSchema} from './foreign-schema.js';
import {MIGRATIONS, replayProjections, SCHEMA_VERSION} from './migrations.js';

export type Db = Database.Database;

export const BUSY_TIMEOUT_MS = 5000;
export const WAL_AUTOCHECKPOINT_PAGES = 10_000;

export interface OpenOptions {
	/** Create the file (and a 0700 directory) when missing. Default true; read commands pass false. */
	create?: boolean;
}

/** Code of the error for a file that holds the Go original's tables; the CLI adds the import command. */
export const ORIGINAL_DATABASE = 'original_database';

function refuseForeign(kind: ForeignSchema, file: string): ForumError {
	const where = path.resolve(file);
	if (kind === 'unknown_forum') {
		return new ForumError('runtime', 'foreign_database', `${where} has forum tables that metawsm forum did not create; it leaves them alone: point --db or METAWSM_DB at another file`);
	}
	const what = kind === 'original_forum' ? "metawsm (Go)'s own forum tables (its forum_threads has opened_at)" : "metawsm (Go)'s own tables (runs, steps, schema_migrations)";
	return new ForumError('runtime', ORIGINAL_DATABASE, `${where} holds ${what}; this forum never changes that file`);
}

/** Turn a SQLite or file-system error into a one-line ForumError that says what to do. */
export function explainStorageError(error: unknown, file: string): ForumError {
	if (error instanceof ForumError) return error;
	const code = (error as {code?: string}).code ?? '';
	const message = error instanceof Error ? error.message : String(error);
	if (code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY')) {
		return new ForumError('runtime', 'database_locked', `database ${file} is locked by another process for more than ${BUSY_TIMEOUT_MS / 1000} s; retry when it finishes`);
	}
	if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
		return new ForumError('runtime', 'not_a_database', `${file} is not a metawsm forum database (${message}); point --db or METAWSM_DB at another file`);
	}
	if (code.startsWith('SQLITE_READONLY') || code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || code.startsWith('SQLITE_CANTOPEN')) {
		return new ForumError('runtime', 'database_unwritable', `cannot write database ${file} (${message}); check its permissions or pass --db with a writable path`);
	}
	if (code === 'ENOTDIR' || code === 'EISDIR') {
		return new ForumError('runtime', 'database_unwritable', `cannot use ${file} as the database (${message}); pass --db with a file path`);
	}
	if (code === 'ENOENT') {
		return new ForumError('runtime', 'database_unwritable', `cannot create database ${file} (${message}); pass --db with a path in a writable directory`);
	}
	return new ForumError('runtime', 'storage_error', `database ${file}: ${message}`);
}

/** mkdir -p, each new directory 0700. Node's own recursive mkdir spins forever where mkdir says ENOENT under an existing parent (/proc). */
function makeDirectory(dir: string): void {
	const missing: string[] = [];
	for (let current = path.resolve(dir); !fs.existsSync(current); current = path.dirname(current)) {
		missing.unshift(current);
		if (path.dirname(current) === current) break;
	}
	for (const part of missing) fs.mkdirSync(part, {mode: 0o700});
}

function prepareFile(file: string): void {
	makeDirectory(path.dirname(file));
	if (!fs.existsSync(file)) fs.closeSync(fs.openSync(file, 'a', 0o600));
	else if (fs.statSync(file).isDirectory()) throw new ForumError('runtime', 'database_unwritable', `${file} is a directory; pass --db with a file path`);
}

/** Open (and migrate) the database at `file`; `:memory:` gives a private in-memory forum. */
export function openDatabase(file: string, options: OpenOptions = {}): Db {
	const memory = file === ':memory:';
	let db: Db | undefined;
	try {
		if (!memory) {
			// An empty file is what earlier versions left on a mistyped --db: no database either.
			if (options.create === false && (!fs.existsSync(file) || (fs.statSync(file).isFile() && fs.statSync(file).size === 0))) {
				throw new ForumError('runtime', 'database_missing', `no forum database at ${path.resolve(file)} (metawsm forum ask creates one; or pass --db)`);
			}
			prepareFile(file);
		}
		db = new Database(file, {fileMustExist: !memory});
		db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
		// Before any write (WAL switch, migrations): never touch a file holding tables we did not create.
		if ((db.pragma('user_version', {simple: true}) as number) === 0) {
			const foreign = foreignSchema(db);
			if (foreign) throw refuseForeign(foreign, file);
		}
		if (!memory) db.pragma('journal_mode = WAL');
		db.pragma('synchronous = NORMAL');
		// Checkpoints run off the command path (ForumService.scheduleWalCheckpoint); this is
		// only the backstop that bounds the WAL (~40 MB) when no long-running process is up.
		db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
		db.pragma('foreign_keys = ON');
		migrate(db, file);
		return db;
	} catch (error) {
		db?.close();
		throw explainStorageError(error, file);
	}
}

function migrate(db: Db, file: string): void {
	const current = db.pragma('user_version', {simple: true}) as number;
	if (current > SCHEMA_VERSION) {
		throw new ForumError(
			'runtime',
			'schema_too_new',
			`database ${file} has schema version ${current}, newer than this metawsm knows (${SCHEMA_VERSION}); upgrade metawsm`,
		);
	}
	if (current === SCHEMA_VERSION) return;
	db.transaction(() => {
		// Re-read inside the write lock: another process may have migrated meanwhile.
		const version = db.pragma('user_version', {simple: true}) as number;
		let replay = false;
		for (let index = version; index < MIGRATIONS.length; index++) {
			const migration = MIGRATIONS[index]!;
			if (typeof migration === 'string') db.exec(migration);
			else if (migration(db) === 'replay') replay = true;
		}
		// The projector writes today's columns: replay only once they all exist.
		if (replay) replayProjections(db);
		db.pragma(`user_version = ${SCHEMA_VERSION}`);
	}).immediate();
}
