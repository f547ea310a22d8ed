/** Builders for pure-rule tests. */
import {evolve} from '../../source/forum/rules.js';
import type {Actor, Command, CommandBody, EventDraft, StoredEvent, Thread, ThreadState} from '../../source/forum/types.js';

export const T0 = '2026-11-25T12:00:00.000Z';

export const agent: Actor = {type: 'agent', name: 'builder'};
export const operator: Actor = {type: 'operator', name: 'ops'};

export function makeThread(overrides: Partial<Thread> = {}): Thread {
	const opened = evolve(undefined, {
		event_type: 'forum.thread.opened',
		payload: {title: 'May I drop legacy_users?', body: 'No reads for 90 days.', priority: 'normal'},
		event_id: 'e-1',
		event_version: 1,
		occurred_at: T0,
		thread_id: 't-1',
		run_id: null,
		ticket: 'OPS-7',
		agent_name: 'builder',
		actor_type: 'agent',
		actor_name: 'builder',
		correlation_id: 'c-1',
		causation_id: 'c-1',
		command_id: 'c-1',
		sequence: 1,
	} as StoredEvent)!;
	return {...opened, ...overrides};
}

export function inState(state: ThreadState): Thread {
	return makeThread({state});
}

/** A decided event draft stamped the way dispatch does: envelope from the command, the next sequence. */
export function stamp(
	draft: EventDraft,
	command: Pick<Command, 'actor' | 'commandId'>,
	at: {sequence: number; now: string; threadId: string; ticket: string; agentName: string},
): StoredEvent {
	return {
		...draft,
		event_id: `e-${at.sequence}`,
		event_version: 1,
		occurred_at: at.now,
		thread_id: at.threadId,
		run_id: null,
		ticket: at.ticket,
		agent_name: at.agentName,
		actor_type: command.actor.type,
		actor_name: command.actor.name,
		correlation_id: command.commandId,
		causation_id: command.commandId,
		command_id: command.commandId,
		sequence: at.sequence,
	} as StoredEvent;
}

export function command(body: CommandBody, actor: Actor = operator): Command {
	return {...body, commandId: 'c-test', actor} as Command;
}
