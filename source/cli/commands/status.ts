import {THREAD_STATES} from '../../forum/types.js';
import {threadJson} from '../../service/json.js';
import {safeLine} from '../../text/safe-text.js';
import {ageSince} from '../../text/time.js';
import type {CommandSpec} from '../command.js';
import {stringFlag} from '../flags.js';

export const status: CommandSpec = {
	name: 'status',
	summary: 'counts by state, escalations, and what to do about them',
	usage: `metawsm forum status [--ticket T] [--run-id R] [--fail-on-escalation]

Prints the Forum: block, up to 5 escalated threads, and a Guidance: line per escalated
thread with the command that answers it. --fail-on-escalation exits 1 when any exists.

Example:
  metawsm forum status --ticket OPS-7`,
	flags: {
		ticket: {type: 'string', description: 'only this ticket'},
		runId: {type: 'string', description: 'only this run'},
		failOnEscalation: {type: 'boolean', description: 'exit 1 when any thread is escalated'},
	},
	async run(context) {
		const filter = {ticket: stringFlag(context.flags, 'ticket'), runId: stringFlag(context.flags, 'runId')};
		const forum = await context.openForum();
		const report = await forum.status(filter);
		const now = forum.now();
		const code = context.flags['failOnEscalation'] === true && report.escalations > 0 ? 1 : 0;
		if (context.json) {
			context.printJson({
				forum: {total: report.total, ...report.counts, escalations: report.escalations},
				last_sequence: report.lastSequence,
				escalated: report.escalated.map((thread) => threadJson(thread, now, forum.sla)),
			});
			return code;
		}
		const counts = THREAD_STATES.map((state) => `${state}=${report.counts[state]}`).join(' ');
		const lines = [`Forum: total=${report.total} ${counts} escalations=${report.escalations}`];
		for (const thread of report.escalated.slice(0, 5)) {
			lines.push(
				`  ! ${thread.id} ${thread.priority} ${thread.state} ${safeLine(thread.ticket)} ${safeLine(thread.agentName)} waiting ${ageSince(thread.updatedAt, now)}: ${safeLine(thread.title)}`,
			);
		}
		if (report.escalated.length > 5) lines.push(`  … and ${report.escalated.length - 5} more (metawsm forum list --state new,waiting_human)`);
		if (report.escalated.length > 0) {
			lines.push('Guidance:');
			for (const thread of report.escalated) {
				lines.push(`- forum thread=${thread.id} state=${thread.state} priority=${thread.priority} title=${safeLine(thread.title)}`);
				lines.push(`  metawsm forum answer --thread-id ${thread.id} --body "..."`);
			}
		}
		context.print(lines.join('\n'));
		return code;
	},
};
