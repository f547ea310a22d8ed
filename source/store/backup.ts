/**
 * An online backup (SQLite's backup API: a consistent copy while writers keep going), written
 * 0600 under a temporary name and renamed into place, checked with integrity_check, and marked
 * with a fresh application_id: a backup later copied over a live database is then noticed by
 * every process that has it open (service/file-identity.ts).
 */
import {randomInt} from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import {ForumError} from '../forum/errors.js';
import type {ForumStore} from './store.js';

export interface BackupResult {
	file: string;
	bytes: number;
	lastSequence: number;
	events: number;
	forumId: string;
	mark: number;
}

export async function backupDatabase(store: ForumStore, target: string, options: {force?: boolean} = {}): Promise<BackupResult> {
	if (store.file === ':memory:') throw new ForumError('usage', 'invalid_flag', 'an in-memory forum has nothing to back up');
	const resolved = path.resolve(target);
	if (resolved === path.resolve(store.file)) throw new ForumError('usage', 'invalid_flag', `the backup file ${target} is the database itself; give another path`);
	if (fs.existsSync(resolved) && !options.force) throw new ForumError('usage', 'backup_exists', `${target} exists; pass --force to replace it, or give a new path`);
	const dir = path.dirname(resolved);
	if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new ForumError('usage', 'invalid_flag', `cannot write the backup: directory ${path.dirname(target)} does not exist`);
	const temporary = path.join(dir, `.${path.basename(resolved)}.${process.pid}.tmp`);
	fs.closeSync(fs.openSync(temporary, 'w', 0o600));
	try {
		await store.db.backup(temporary);
		fs.chmodSync(temporary, 0o600);
		const copy = new Database(temporary);
		let result: Omit<BackupResult, 'file' | 'bytes'>;
		try {
			const integrity = copy.pragma('integrity_check', {simple: true});
			if (integrity !== 'ok') throw new ForumError('runtime', 'backup_failed', `the backup failed its integrity check (${String(integrity).slice(0, 200)}); the database may be damaged: run \`metawsm forum rebuild --verify\``);
			const mark = randomInt(1, 2 ** 31);
			copy.pragma(`application_id = ${mark}`);
			// One file, no -wal beside it: what a restore copies is all there is.
			copy.pragma('wal_checkpoint(TRUNCATE)');
			const stats = copy.prepare('SELECT COUNT(*) AS n, MAX(sequence) AS s FROM forum_events').get() as {n: number; s: number | null};
			const forumId = (copy.prepare("SELECT value FROM forum_meta WHERE key = 'forum_id'").get() as {value: string} | undefined)?.value ?? '';
			result = {events: stats.n, lastSequence: stats.s ?? 0, forumId, mark};
		} finally {
			copy.close();
		}
		fs.renameSync(temporary, resolved);
		return {file: target, bytes: fs.statSync(resolved).size, ...result};
	} catch (error) {
		fs.rmSync(temporary, {force: true});
		for (const suffix of ['-wal', '-shm']) fs.rmSync(`${temporary}${suffix}`, {force: true});
		if (error instanceof ForumError) throw error;
		throw new ForumError('runtime', 'backup_failed', `backup to ${target} failed: ${(error as Error).message}`);
	}
}
