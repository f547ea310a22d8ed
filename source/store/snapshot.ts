/**
 * A snapshot: the projection tables at one sequence, as plain rows. serve publishes one so a
 * remote view is complete even when the events stream was trimmed; the replica loads it.
 */
import {PROJECTION_TABLES} from './migrations.js';
import type {Db} from './database.js';

export const SNAPSHOT_FORMAT = 1 as const;

export interface ProjectionSnapshot {
	format: typeof SNAPSHOT_FORMAT;
	/** The log's last sequence the projections include. */
	sequence: number;
	/** Per table: column names and rows as arrays in that order. */
	tables: Record<string, {columns: string[]; rows: unknown[][]}>;
}

/** The projections at the log's current end, read in one transaction (a consistent view). */
export function takeSnapshot(db: Db): ProjectionSnapshot {
	return db.transaction(() => {
		const sequence = (db.prepare('SELECT MAX(sequence) AS s FROM forum_events').get() as {s: number | null}).s ?? 0;
		const tables: ProjectionSnapshot['tables'] = {};
		for (const table of PROJECTION_TABLES) {
			const statement = db.prepare(`SELECT * FROM ${table}`).raw(true);
			tables[table] = {columns: statement.columns().map((column) => column.name), rows: statement.all() as unknown[][]};
		}
		return {format: SNAPSHOT_FORMAT, sequence, tables};
	})();
}

/** Why `value` cannot be loaded as a snapshot, or undefined when it can. */
export function snapshotProblem(value: unknown): string | undefined {
	if (typeof value !== 'object' || value === null) return 'it is not a JSON object';
	const snapshot = value as Partial<ProjectionSnapshot>;
	if (snapshot.format !== SNAPSHOT_FORMAT) return `format ${String(snapshot.format).slice(0, 10)} is not ${SNAPSHOT_FORMAT}`;
	if (!Number.isInteger(snapshot.sequence) || snapshot.sequence! < 0) return 'it has no sequence';
	if (typeof snapshot.tables !== 'object' || snapshot.tables === null) return 'it has no tables';
	for (const table of PROJECTION_TABLES) {
		const entry = snapshot.tables[table];
		if (!entry || !Array.isArray(entry.columns) || !Array.isArray(entry.rows)) return `table ${table} is missing`;
		if (!entry.columns.every((column) => typeof column === 'string' && /^[a-z_]+$/.test(column))) return `table ${table} has a bad column name`;
		if (!entry.rows.every((row) => Array.isArray(row) && row.length === entry.columns.length)) return `table ${table} has a row of the wrong width`;
	}
	return undefined;
}

/** Replace every projection row (and the log) with the snapshot's; call inside a write. */
export function loadSnapshotRows(db: Db, snapshot: ProjectionSnapshot): void {
	for (const table of [...PROJECTION_TABLES].reverse()) db.exec(`DELETE FROM ${table}`);
	db.exec('DELETE FROM forum_events');
	for (const table of PROJECTION_TABLES) {
		const {columns, rows} = snapshot.tables[table]!;
		if (rows.length === 0) continue;
		const insert = db.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
		for (const row of rows) insert.run(...(row as (string | number | null)[]));
	}
}
