import type {CommandSpec} from '../command.js';
import {DEFAULT_SNOOZE, parseSnoozeTime, SNOOZE_FORMS} from '../../forum/snooze.js';
import {WRITE_FLAGS, stringFlag, threadIdFlag, usage} from '../flags.js';
import {runWrite} from '../write.js';

export const snooze: CommandSpec = {
	name: 'snooze',
	summary: 'set an open question aside until a time (out of Needs human); --clear ends it',
	usage: `metawsm forum snooze --thread-id ID (--for DURATION | --until TIME | --clear) [--note TEXT]

A snoozed thread leaves the dashboard's Needs human and Needs me until the time passes, the
agent posts, or someone answers or closes it. Its wait and SLA clocks keep running (no
escalation while snoozed; one at once after, if it is past the SLA). Agents see
snoozed_until in \`wait --json\`, \`thread --json\` and the MCP tools.

--for takes a duration (30m, 2h, 1d, 1h30m); --until a time today (14:30, tomorrow if past)
or an ISO time (2026-03-01T09:00, 2026-03-01T09:00Z). The dashboard's z defaults to ${DEFAULT_SNOOZE}.
Only new, triaged, waiting_operator and waiting_human threads can be snoozed (exit 3 otherwise).

Examples:
  metawsm forum snooze --thread-id t-8k2m4q9x1z --for 2h --note "after the deploy"
  metawsm forum snooze --thread-id t-8k2m4q9x1z --until 14:30
  metawsm forum snooze --thread-id t-8k2m4q9x1z --clear`,
	flags: {
		threadId: {type: 'string', description: 'thread (required)'},
		for: {type: 'string', description: 'how long: 30m, 2h, 1d, 1h30m'},
		until: {type: 'string', description: 'until when: 14:30 (local, today or tomorrow) or an ISO time'},
		clear: {type: 'boolean', description: 'end the snooze now'},
		note: {type: 'string', description: 'why (kept with the event)'},
		...WRITE_FLAGS,
	},
	async run(context) {
		const threadId = threadIdFlag(context.flags);
		const duration = stringFlag(context.flags, 'for');
		const time = stringFlag(context.flags, 'until');
		const clear = context.flags['clear'] === true;
		const given = [duration !== undefined, time !== undefined, clear].filter(Boolean).length;
		if (given !== 1) {
			throw usage('invalid_flag', `give exactly one of --for DURATION, --until TIME or --clear (${given === 0 ? 'none given' : 'several given'}); --for/--until take ${SNOOZE_FORMS}`);
		}
		let until: string | null = null;
		if (!clear) {
			const parsed = parseSnoozeTime((duration ?? time)!, new Date().toISOString(), {offsetMinutes: -new Date().getTimezoneOffset()});
			if (!parsed.ok) throw usage('invalid_flag', `${duration !== undefined ? '--for' : '--until'}: ${parsed.message}`);
			until = parsed.until;
		}
		const note = stringFlag(context.flags, 'note') ?? '';
		const actor = context.actor('operator');
		await runWrite(context, {type: 'snooze', threadId, until, note, actor}, ({threadId, events}) =>
			until === null ? (events.length === 0 ? `${threadId} was not snoozed` : `${threadId} is no longer snoozed`) : `${threadId} snoozed until ${until}`,
		);
		return 0;
	},
};
