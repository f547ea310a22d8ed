/** How events, commands and replies look as Redis stream fields. */
import type {FailureKind} from '../forum/errors.js';
import {eventShapeProblem} from '../forum/event-shape.js';
import {checkId} from '../forum/validate.js';
import {ACTOR_TYPES, type RejectionCode, type StoredEvent, type Thread} from '../forum/types.js';
import type {CommandInput, DispatchResult} from '../service/forum-service.js';

/** Entry id of an event: its SQLite sequence, so a re-publish is rejected by Redis. */
export function eventEntryId(sequence: number): string {
	return `${sequence}-1`;
}

/** Fields of an event entry: the whole event as JSON, plus a few fields for people reading with redis-cli. */
export function eventFields(event: StoredEvent): string[] {
	return ['event_type', event.event_type, 'thread_id', event.thread_id, 'command_id', event.command_id, 'event', JSON.stringify(event)];
}

export function decodeEvent(id: string, fields: Record<string, string>): StoredEvent {
	const text = fields['event'];
	if (text === undefined) throw new Error(`events entry ${id} has no event field`);
	const event = JSON.parse(text) as StoredEvent;
	if (typeof event !== 'object' || event === null || typeof event.sequence !== 'number' || typeof event.event_type !== 'string') {
		throw new Error(`events entry ${id} does not hold a forum event`);
	}
	const problem = eventShapeProblem(event.event_type, event.payload);
	if (problem) throw new Error(`events entry ${id} (${event.event_type}): ${problem}`);
	return event;
}

/** A command on the commands stream: the full command (with its id) and where to reply. */
export type RemoteCommand = CommandInput & {commandId: string};

const COMMAND_TYPES = new Set(['ask', 'post', 'answer', 'assign', 'change_state', 'change_priority', 'close', 'request_escalation']);

export function commandFields(command: RemoteCommand, replyTo: string): string[] {
	return ['command_id', command.commandId, 'type', command.type, 'reply_to', replyTo, 'command', JSON.stringify(command)];
}

/** Parse a commands entry; throws a one-line reason when it cannot be a forum command. */
export function decodeCommand(fields: Record<string, string>): {command: RemoteCommand; replyTo: string | undefined} {
	const replyTo = fields['reply_to'];
	const validReplyTo = replyTo !== undefined && checkId('reply_to', replyTo) === undefined ? replyTo : undefined;
	let parsed: unknown;
	try {
		parsed = JSON.parse(fields['command'] ?? '');
	} catch {
		throw new Error('the command field is not JSON');
	}
	if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('the command is not a JSON object');
	const command = parsed as Record<string, unknown>;
	if (typeof command['type'] !== 'string' || !COMMAND_TYPES.has(command['type'])) throw new Error(`unknown command type ${JSON.stringify(command['type'])}`);
	if (typeof command['commandId'] !== 'string' || checkId('commandId', command['commandId'])) throw new Error('the command has no valid commandId');
	const actor = command['actor'] as Record<string, unknown> | undefined;
	if (
		typeof actor !== 'object' ||
		actor === null ||
		typeof actor['name'] !== 'string' ||
		!(ACTOR_TYPES as readonly unknown[]).includes(actor['type'])
	) {
		throw new Error('the command has no valid actor {type, name}');
	}
	return {command: parsed as RemoteCommand, replyTo: validReplyTo};
}

/** What serve tells the sender of a command. */
export type Reply =
	| {
			status: 'ok';
			commandId: string;
			threadId: string;
			duplicate: boolean;
			/** The command's events (none for a no-op) and the thread after them: a write needs no replica. */
			events: StoredEvent[];
			thread: Thread | null;
	  }
	| {status: 'refused'; commandId: string; code: RejectionCode; message: string}
	| {status: 'error'; commandId: string; kind: FailureKind; code: string; message: string};

export function replyOf(result: DispatchResult): Reply {
	if (!result.ok) return {status: 'refused', commandId: result.commandId, code: result.rejection.code, message: result.rejection.message};
	return {
		status: 'ok',
		commandId: result.commandId,
		threadId: result.threadId,
		duplicate: result.duplicate,
		events: result.events,
		thread: result.thread ?? null,
	};
}

export function replyFields(reply: Reply): string[] {
	return ['command_id', reply.commandId, 'reply', JSON.stringify(reply)];
}

export function decodeReply(fields: Record<string, string>): Reply | undefined {
	try {
		const reply = JSON.parse(fields['reply'] ?? '') as Reply;
		return typeof reply === 'object' && reply !== null && typeof reply.commandId === 'string' ? reply : undefined;
	} catch {
		return undefined;
	}
}
