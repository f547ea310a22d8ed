import type {StoredEvent} from '../../forum/types.js';
import {feedOf} from '../../service/client.js';
import {safeLine} from '../../text/safe-text.js';
import type {CommandSpec} from '../command.js';
import {integerFlag, stringFlag} from '../flags.js';

export const watch: CommandSpec = {
	name: 'watch',
	summary: 'print events after a cursor; --follow keeps printing new ones',
	usage: `metawsm forum watch [--cursor N] [--limit N] [--follow] [--thread-id ID] [--ticket T] [--run-id R]

One line per event (NDJSON with --json). Without --follow, prints events after --cursor
(default 0, at most --limit, default 1000). With --follow, starts at --cursor (default:
now) and prints each new event as it commits, until interrupted.

Example:
  metawsm forum watch --follow --json | jq .event_type`,
	flags: {
		cursor: {type: 'string', description: 'print events with sequence > N'},
		limit: {type: 'string', description: 'without --follow: at most N events'},
		follow: {type: 'boolean', description: 'keep printing new events'},
		threadId: {type: 'string', description: 'only this thread'},
		ticket: {type: 'string', description: 'only this ticket'},
		runId: {type: 'string', description: 'only this run'},
	},
	async run(context) {
		const {flags} = context;
		const filter = {threadId: stringFlag(flags, 'threadId'), ticket: stringFlag(flags, 'ticket'), runId: stringFlag(flags, 'runId')};
		const cursor = integerFlag(flags, 'cursor');
		const forum = await context.openForum();
		const print = (event: StoredEvent) => (context.json ? context.printJson(event) : context.print(formatEvent(event)));
		if (flags['follow'] !== true) {
			const limit = integerFlag(flags, 'limit', {min: 1}) ?? 1000;
			for (const event of await forum.eventsAfter(cursor ?? 0, filter, limit)) print(event);
			return 0;
		}
		const after = cursor ?? (await forum.lastSequence());
		for await (const event of feedOf(forum, {after, filter, signal: context.signal})) print(event);
		return 0;
	},
};

/** A payload or envelope value as safe one-line text, whatever it turned out to be. */
function shown(value: unknown): string {
	if (typeof value === 'string') return safeLine(value);
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	return value === undefined ? '?' : safeLine(JSON.stringify(value) ?? '?');
}

/** One line describing an event; agent text is made safe, and unexpected values never throw. */
export function formatEvent(event: StoredEvent): string {
	const head = `#${event.sequence} ${shown(event.occurred_at)} ${shown(event.event_type)} ${shown(event.thread_id)} ${shown(event.ticket)} ${shown(event.actor_type)}:${shown(event.actor_name)}`;
	const raw: unknown = event.payload;
	const payload = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
	switch (event.event_type) {
		case 'forum.thread.opened':
			return `${head} [${shown(payload['priority'])}] ${shown(payload['title'])}`;
		case 'forum.post.added': {
			const body = payload['body'];
			if (typeof body !== 'string') return `${head} ${shown(body)}`;
			return `${head} ${safeLine(body.length > 120 ? `${body.slice(0, 119)}…` : body)}`;
		}
		case 'forum.assigned':
			return `${head} → ${shown(payload['to_assignee_type'])}:${shown(payload['to_assignee_name'])}`;
		case 'forum.state.changed':
			return `${head} ${shown(payload['from_state'])} → ${shown(payload['to_state'])}`;
		case 'forum.priority.changed':
			return `${head} ${shown(payload['from'])} → ${shown(payload['to'])}`;
		case 'forum.sla.escalation_requested':
			return `${head} ${shown(payload['state'])} ${shown(payload['priority'])} waited ${shown(payload['waited_minutes'])}m`;
		case 'forum.integration.docs_sync.requested':
			return `${head} trigger=${shown(payload['trigger'])}`;
		case 'forum.thread.snoozed': {
			const note = typeof payload['note'] === 'string' && payload['note'] !== '' ? ` “${safeLine(payload['note'].slice(0, 120))}”` : '';
			return `${head} ${payload['until'] === null ? 'snooze ended' : `until ${shown(payload['until'])}`}${note}`;
		}
		default:
			return head;
	}
}
