import {safeJson} from '../../text/safe-text.js';
import type {CommandSpec} from '../command.js';

export const rebuild: CommandSpec = {
	name: 'rebuild',
	summary: 'replay all events into the projections; --verify only compares',
	usage: `metawsm forum rebuild [--verify]

--verify replays every event into a fresh in-memory database and reports each
projection row that differs from the stored one (exit 1 if any); it writes nothing.

Example:
  metawsm forum rebuild --verify`,
	flags: {verify: {type: 'boolean', description: 'compare instead of rebuilding'}},
	async run(context) {
		const service = context.openService();
		try {
			if (context.flags['verify'] !== true) {
				const {events} = service.rebuild();
				if (context.json) context.printJson({rebuilt: true, events});
				else context.print(`rebuilt projections from ${events} events`);
				return 0;
			}
			const {events, differences} = service.verify();
			if (context.json) {
				context.printJson({events, clean: differences.length === 0, differences});
			} else if (differences.length === 0) {
				context.print(`verified ${events} events: projections match a replay`);
			} else {
				const lines = [`verified ${events} events: ${differences.length} projection rows differ from a replay`];
				for (const d of differences.slice(0, 20)) {
					lines.push(`  ${d.table} ${d.key}: stored ${d.actual ? safeJson(d.actual) : 'missing'}; replay ${d.expected ? safeJson(d.expected) : 'missing'}`);
				}
				lines.push('run `metawsm forum rebuild` to replace the projections with the replay');
				context.print(lines.join('\n'));
			}
			return differences.length === 0 ? 0 : 1;
		} finally {
			service.close();
		}
	},
};
