/** The import command's work, loaded lazily by commands/import.ts. */
import fs from 'node:fs';
import path from 'node:path';
import {ForumError} from '../forum/errors.js';
import {DEFAULT_IMPORT_BATCH, type ImportSummary} from '../service/import.js';
import {ORIGINAL_DATABASE} from '../store/database.js';
import {OriginalDatabase} from '../store/original.js';
import {safeLine} from '../text/safe-text.js';
import type {Context} from './context.js';
import {defaultDbPath, FORUM_DB_PATH} from './database-path.js';
import {integerFlag, requiredFlag, usage} from './flags.js';
import {progressBar} from './progress.js';

function samePath(a: string, b: string): boolean {
	const real = (file: string) => {
		try {
			return fs.realpathSync(file);
		} catch {
			return path.resolve(file);
		}
	};
	return real(a) === real(b);
}

/** `metawsm forum import` (see commands/import.ts for its flags). */
export async function runImport(context: Context): Promise<number> {
	const from = path.resolve(requiredFlag(context.flags, 'from', 'name the metawsm (Go) database, e.g. --from .metawsm/metawsm.db'));
	const batchSize = integerFlag(context.flags, 'batch', {min: 1, max: 100_000}) ?? DEFAULT_IMPORT_BATCH;
	const target = context.dbPath(FORUM_DB_PATH);
	if (samePath(from, target)) {
		throw usage('same_database', `--from and the database written are the same file (${target}); this forum keeps its own: pass --db ${FORUM_DB_PATH} (or unset METAWSM_DB)`);
	}
	// Check the source before the target is created: a wrong --from leaves nothing behind.
	const source = new OriginalDatabase(from);
	try {
		let service;
		try {
			service = context.openService(target);
		} catch (error) {
			if (error instanceof ForumError && error.code === ORIGINAL_DATABASE) {
				throw new ForumError('runtime', error.code, `${error.message}; import into another file: --db ${FORUM_DB_PATH}`);
			}
			throw error;
		}
		try {
			const bar = progressBar('import');
			let summary: ImportSummary;
			try {
				summary = await service.importOriginal(source, {batchSize, onBatch: (progress) => bar.update(progress.read, Math.max(progress.read, progress.last))});
			} finally {
				bar.end();
			}
			if (context.json) context.printJson({...summary, has_forum: source.hasForum});
			else context.print(describe(summary, source.hasForum));
			return 0;
		} finally {
			service.close();
		}
	} finally {
		source.close();
	}
}

function describe(summary: ImportSummary, hasForum: boolean): string {
	const skipped = Object.entries(summary.skipped);
	const lines = [
		hasForum
			? `imported ${summary.imported} events (${summary.threads} new threads) from ${safeLine(summary.source)} into ${safeLine(summary.target)}; read ${summary.read} original events up to sequence ${summary.checkpoint}`
			: `${safeLine(summary.source)} has no forum tables yet: nothing to import; ${safeLine(summary.target)} is ready (run the import again once the original has a forum)`,
	];
	if (summary.restarted) lines.push('note: the original\'s log was shorter than the last import\'s checkpoint (a replaced file?); read it again from the start');
	if (skipped.length > 0) lines.push(`skipped: ${skipped.map(([reason, n]) => `${reason} ${n}`).join(', ')}`);
	const isDefault = path.resolve(defaultDbPath()) === summary.target;
	lines.push(isDefault ? 'next: metawsm forum list' : `next: metawsm forum list --db ${safeLine(summary.target)}   (or export METAWSM_DB=${safeLine(summary.target)})`);
	return lines.join('\n');
}
