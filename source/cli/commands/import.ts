import type {CommandSpec} from '../command.js';
import {FORUM_DB_PATH} from '../database-path.js';

/** Original events per write transaction (service/import.ts DEFAULT_IMPORT_BATCH; repeated so help loads no importer). */
const DEFAULT_BATCH = 200;

export const importCommand: CommandSpec = {
	name: 'import',
	summary: "import the forum of a metawsm (Go) database (its threads, posts, assignments, states); re-run for what is new",
	usage: `metawsm forum import --from .metawsm/metawsm.db [--db FILE] [--batch N]

Reads the original's forum_events (opened read-only: the file is never changed) and appends
them to this forum's database with their event ids: threads, posts, assignments, state and
priority changes, closes; the original's answers (a post, then a change to answered sharing its
correlation id) become answers. Importing again adds only events the original wrote since, so
it can run while the original keeps writing (e.g. from cron).

The database written is --db / METAWSM_DB, else ${FORUM_DB_PATH}; every command uses
${FORUM_DB_PATH} by default once it exists.

Example:
  metawsm forum import --from .metawsm/metawsm.db
  metawsm forum list`,
	flags: {
		from: {type: 'string', description: "the metawsm (Go) database to read (required; never written)"},
		batch: {type: 'string', description: `original events per write transaction (default ${DEFAULT_BATCH})`},
	},
	async run(context) {
		// Loaded only here: agents' commands never parse the importer.
		const {runImport} = await import('../import-run.js');
		return runImport(context);
	},
};
