import type {CommandSpec} from '../command.js';
import {requiredFlag} from '../flags.js';

export const backup: CommandSpec = {
	name: 'backup',
	summary: 'take an online backup of the database into FILE (restore: see RELIABILITY.md)',
	usage: `metawsm forum backup FILE [--force]

Copies the database with SQLite's online backup while agents, serve and dashboards keep
running, checks the copy (integrity_check), and writes it 0600 under a temporary name that is
renamed to FILE at the end. Refuses to replace FILE unless --force. The backup carries a fresh
mark, so if it is ever copied over a live database, every process using it notices.

Example:
  metawsm forum backup /var/backups/metawsm-$(date +%F).db`,
	flags: {file: {type: 'string', description: 'where to write the backup (or give it as the argument)'}, force: {type: 'boolean', description: 'replace FILE if it exists'}},
	positional: 'file',
	async run(context) {
		const target = requiredFlag(context.flags, 'file', 'give the backup file: metawsm forum backup FILE');
		const service = context.openService();
		try {
			const result = await service.backup(target, {force: context.flags['force'] === true});
			if (context.json) context.printJson({file: result.file, bytes: result.bytes, events: result.events, last_sequence: result.lastSequence, forum_id: result.forumId});
			else context.print(`backed up ${service.file} (${result.events} events, up to #${result.lastSequence}, forum ${result.forumId}) to ${result.file}`);
			return 0;
		} finally {
			service.close();
		}
	},
};
