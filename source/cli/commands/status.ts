import fs from 'node:fs';
import {msPastSla, waitedMinutes, type SlaRule} from '../../forum/rules.js';
import {THREAD_STATES, type Thread} from '../../forum/types.js';
import {STATUS_ESCALATED_LIMIT, type ForumStatus} from '../../service/forum-service.js';
import {threadJson} from '../../service/json.js';
import {safeLine} from '../../text/safe-text.js';
import {formatAge} from '../../text/time.js';
import type {CommandSpec} from '../command.js';
import type {Context} from '../context.js';
import {stringFlag, usage} from '../flags.js';
import {PLAIN, type Paint} from '../color.js';

/** Escalated threads listed under Forum: (the original's limit); Guidance lists them all. */
export const STATUS_THREAD_LINES = 5;

export const status: CommandSpec = {
	name: 'status',
	summary: 'counts by state, escalations, and what to do about them',
	usage: `metawsm forum status [--ticket T] [--run-id R] [--json | --format tmux] [--fail-on-escalation]

Prints the Forum: block (counts by state and escalations), up to ${STATUS_THREAD_LINES} escalated
threads, and a Guidance: line per escalated thread (the first ${STATUS_ESCALATED_LIMIT} in queue order)
followed by the command that answers it.
A thread is escalated while it is new or waiting_human and either high/urgent or past its SLA
(forum.sla.escalation_minutes, per priority: forum.sla.escalation_minutes_by_priority).
Exits 0; with --fail-on-escalation, exits 1 when any thread is escalated.

--format tmux prints one short segment for tmux's status-right: ⚑N threads that need a human,
!N of them escalated, with #[fg=...] styles; nothing when nothing waits, and nothing when the
database does not exist yet (it is never created); ⚑? when the forum cannot be read.

Example:
  metawsm forum status --ticket OPS-7
  watch -n 30 metawsm forum status --fail-on-escalation
  tmux set -g status-right '#(metawsm forum status --format tmux --db ~/work/.metawsm/metawsm.db) %H:%M'`,
	flags: {
		ticket: {type: 'string', description: 'only this ticket'},
		runId: {type: 'string', description: 'only this run'},
		failOnEscalation: {type: 'boolean', description: 'exit 1 when any thread is escalated'},
		format: {type: 'string', description: 'text (default) or tmux: a status-right segment such as ⚑3 !1'},
	},
	async run(context) {
		const filter = {ticket: stringFlag(context.flags, 'ticket'), runId: stringFlag(context.flags, 'runId')};
		const format = stringFlag(context.flags, 'format')?.trim().toLowerCase() ?? 'text';
		if (format !== 'text' && format !== 'tmux') throw usage('invalid_flag', `unknown --format "${format.slice(0, 20)}"; use text or tmux (or --json)`);
		if (format === 'tmux') {
			if (context.json) throw usage('conflicting_flags', 'give either --json or --format tmux, not both');
			return tmuxStatus(context, filter);
		}
		const forum = await context.openForum();
		const report = await forum.status(filter);
		const now = forum.now();
		// An incomplete view cannot promise "no escalations".
		const code = context.flags['failOnEscalation'] === true && (report.escalations > 0 || report.partial) ? 1 : 0;
		const source = forum.source();
		const where = source.kind === 'sqlite' ? {db: source.location} : {redis: source.location};
		if (context.json) context.printJson({...statusJson(report, now, forum.sla, filter), ...where, ...(report.partial ? {partial: report.partial} : {})});
		else context.print(formatStatus(report, now, forum.sla, await context.paint(), where));
		if (report.partial) context.fail(new Error(`partial view: ${report.partial}`));
		return code;
	},
};

/**
 * `⚑3 !1`: threads that need a human, and how many of them are escalated, styled for tmux.
 * Empty when nothing waits. tmux shows whatever is on stdout, so a failure is a visible `⚑?`.
 */
export function tmuxSegment(report: Pick<ForumStatus, 'counts' | 'escalations'>): string {
	const waiting = report.counts.new + report.counts.waiting_human;
	if (waiting === 0) return '';
	const flag = `#[fg=yellow,bold]⚑${waiting}#[default]`;
	return report.escalations > 0 ? `${flag} #[fg=white,bg=red,bold]!${report.escalations}#[default]` : flag;
}

async function tmuxStatus(context: Context, filter: {ticket?: string; runId?: string}): Promise<number> {
	// A status line runs this every few seconds from wherever: never create a database there.
	if (!context.isRemote() && !fs.existsSync(context.dbPath())) return 0;
	try {
		const forum = await context.openForum();
		context.print(tmuxSegment(await forum.status(filter)));
		return 0;
	} catch (error) {
		context.print('#[fg=red]⚑?#[default]');
		return context.fail(error);
	}
}

/** The command that answers an escalated thread. */
export function answerCommand(thread: Pick<Thread, 'id'>): string {
	return `metawsm forum answer --thread-id ${thread.id} --body "..."`;
}

/** `status --json`: the same numbers as the text, plus each escalated thread in full. */
export function statusJson(report: ForumStatus, now: string, sla: SlaRule, filter: {ticket?: string; runId?: string} = {}) {
	return {
		ticket: filter.ticket ?? null,
		run_id: filter.runId ?? null,
		forum: {total: report.total, ...report.counts, escalations: report.escalations},
		last_sequence: report.lastSequence,
		escalated: report.escalated.map((thread) => ({
			...threadJson(thread, now, sla),
			waited_minutes: waitedMinutes(thread, now),
			minutes_past_sla: Math.max(0, Math.floor(msPastSla(thread, now, sla) / 60_000)),
		})),
		guidance: report.escalated.map((thread) => ({
			thread_id: thread.id,
			state: thread.state,
			priority: thread.priority,
			title: thread.title,
			command: answerCommand(thread),
		})),
	};
}

/**
 * The original's layout: `Forum:` with a `- total= new= ... escalations=` line and up to five
 * `- thread=` lines, then `Guidance:` with a `- forum thread=` line per escalated thread.
 */
export function formatStatus(report: ForumStatus, now: string, sla: SlaRule, paint: Paint = PLAIN, where: {db?: string; redis?: string} = {}): string {
	const counts = THREAD_STATES.map((state) => `${report.counts[state] > 0 ? paint.state(state) : state}=${report.counts[state]}`).join(' ');
	const escalations = `escalations=${report.escalations}`;
	const lines = ['Forum:', `  - total=${report.total} ${counts} ${report.escalations > 0 ? paint.escalated(escalations) : escalations}${report.partial ? ' partial=yes' : ''}`];
	if (where.db !== undefined) lines.push(`  - db=${safeLine(where.db)}`);
	if (where.redis !== undefined) lines.push(`  - redis=${safeLine(where.redis)}`);
	for (const thread of report.escalated.slice(0, STATUS_THREAD_LINES)) {
		const past = msPastSla(thread, now, sla);
		const assignee = thread.assignee ? `${thread.assignee.type}/${safeLine(thread.assignee.name)}` : '-/-';
		lines.push(
			`  - thread=${thread.id} state=${paint.state(thread.state)} priority=${paint.priority(thread.priority)} ticket=${safeLine(thread.ticket)} assignee=${assignee} posts=${thread.postsCount} updated_at=${thread.updatedAt} waited=${formatAge(Date.parse(now) - Date.parse(thread.waitingSince))}${past >= 0 ? ` past_sla=${formatAge(past)}` : ''} title=${safeLine(thread.title)}`,
		);
	}
	const more = report.escalations - STATUS_THREAD_LINES;
	if (more > 0) lines.push(`  - ... and ${more} more escalated (metawsm forum list --state new,waiting_human)`);
	if (report.escalated.length > 0) {
		lines.push('Guidance:');
		for (const thread of report.escalated) {
			lines.push(`  - forum thread=${thread.id} state=${paint.state(thread.state)} priority=${paint.priority(thread.priority)} title=${safeLine(thread.title)}`);
			lines.push(`    ${answerCommand(thread)}`);
		}
		const unlisted = report.escalations - report.escalated.length;
		if (unlisted > 0) lines.push(`  - ... and ${unlisted} more escalated threads (metawsm forum list --state new,waiting_human --limit 0)`);
	}
	return lines.join('\n');
}
