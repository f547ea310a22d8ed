/** How events, commands and replies look as Redis stream fields. */
import type {FailureKind} from '../forum/errors.js';
import {eventShapeProblem} from '../forum/event-shape.js';
import {checkId} from '../forum/validate.js';
import {commandShapeProblem} from '../forum/command-shape.js';
import {ACTOR_TYPES, type RejectionCode, type StoredEvent, type Thread} from '../forum/types.js';
import type {CommandInput, DispatchResult} from '../service/forum-service.js';
import type {ProjectionSnapshot} from '../store/snapshot.js';

/** Entry id of an event: its SQLite sequence, so a re-publish is rejected by Redis. */
export function eventEntryId(sequence: number): string {
	return `${sequence}-1`;
}

/** Who published an entry: the forum (its id from SQLite) and the relay's epoch on this stream. */
export interface Stamp {
	forum: string;
	epoch: number;
}

/**
 * Fields of an event entry: its forum and epoch, `prev` (the sequence published before it, so
 * a reader tells a trimmed stream from events SQLite skipped as unreadable), the whole event as
 * JSON, and a few fields for people reading with redis-cli.
 */
export function eventFields(event: StoredEvent, stamp: Stamp, prev: number): string[] {
	return ['forum', stamp.forum, 'epoch', String(stamp.epoch), 'prev', String(prev), 'event_type', event.event_type, 'thread_id', event.thread_id, 'command_id', event.command_id, 'event', JSON.stringify(event)];
}

/** The forum and epoch an entry claims; undefined when it claims none. */
export function stampOf(fields: Record<string, string>): Stamp | undefined {
	const forum = fields['forum'];
	const epoch = Number(fields['epoch']);
	return forum && Number.isInteger(epoch) && epoch > 0 ? {forum, epoch} : undefined;
}

export function decodeEvent(id: string, fields: Record<string, string>): StoredEvent {
	const text = fields['event'];
	if (text === undefined) throw new Error(`events entry ${id} has no event field`);
	let event: StoredEvent;
	try {
		event = JSON.parse(text) as StoredEvent;
	} catch {
		throw new Error(`events entry ${id}: the event field is not JSON`);
	}
	if (typeof event !== 'object' || event === null || typeof event.sequence !== 'number' || typeof event.event_type !== 'string') {
		throw new Error(`events entry ${id} does not hold a forum event`);
	}
	if (id !== eventEntryId(event.sequence)) throw new Error(`events entry ${id} holds event #${event.sequence}; an entry's id is its sequence`);
	const problem = eventShapeProblem(event.event_type, event.payload);
	if (problem) throw new Error(`events entry ${id} (${event.event_type}): ${problem}`);
	return event;
}

/** `<stream>:head`: which forum publishes on these keys, since when, and its snapshot. */
export interface StreamHead extends Stamp {
	/** The sequence the snapshot in `<stream>:snapshot` was taken at. */
	snapshotSequence: number;
	/** When the epoch started (ISO) and why, for people reading with redis-cli. */
	startedAt: string;
	reason: string;
	/** When serve last said it is alive (ms since the epoch). */
	aliveAt: number;
	/** The sequence the relay published from when the epoch started (events after it are in the stream). */
	refillFrom: number;
}

export function headFields(head: StreamHead): string[] {
	return ['forum', head.forum, 'epoch', String(head.epoch), 'snapshot_sequence', String(head.snapshotSequence), 'started_at', head.startedAt, 'reason', head.reason, 'alive_at', String(head.aliveAt), 'refill_from', String(head.refillFrom)];
}

/** A head from HGETALL (a flat list or an object); undefined when missing or malformed. */
export function decodeHead(raw: unknown): StreamHead | undefined {
	const fields: Record<string, string> = {};
	if (Array.isArray(raw)) for (let index = 0; index + 1 < raw.length; index += 2) fields[String(raw[index])] = String(raw[index + 1]);
	else if (raw && typeof raw === 'object') Object.assign(fields, raw);
	const stamp = stampOf(fields);
	const snapshotSequence = Number(fields['snapshot_sequence']);
	const aliveAt = Number(fields['alive_at']);
	if (!stamp || !Number.isInteger(snapshotSequence) || snapshotSequence < 0 || !Number.isFinite(aliveAt)) return undefined;
	const refillFrom = Number(fields['refill_from'] ?? 0);
	return {...stamp, snapshotSequence, aliveAt, startedAt: fields['started_at'] ?? '', reason: fields['reason'] ?? '', refillFrom: Number.isInteger(refillFrom) ? refillFrom : 0};
}

/** The snapshot value: the head's stamp with the projections, so a reader can tell it belongs to the head. */
export interface SnapshotEnvelope extends Stamp {
	snapshot: ProjectionSnapshot;
}

/** A command on the commands stream: the full command (with its id) and where to reply. */
export type RemoteCommand = CommandInput & {commandId: string};

/** Largest command JSON serve parses (a 64 KiB body, JSON-escaped, fits). */
export const MAX_COMMAND_BYTES = 512 * 1024;

/** How a remote client signs: see transport/signing.ts. */
export interface CommandSigner {
	publicKey: string;
	sign(stream: string, signedAt: string, commandText: string): string;
}

/** Fields of a command entry; signed when a signer is given (serve refuses unsigned ones). */
export function commandFields(command: RemoteCommand, replyTo: string, signing?: {signer: CommandSigner; stream: string; signedAt: string}): string[] {
	const text = JSON.stringify(command);
	const signature = signing ? ['key', signing.signer.publicKey, 'signed_at', signing.signedAt, 'signature', signing.signer.sign(signing.stream, signing.signedAt, text)] : [];
	return ['command_id', command.commandId, 'type', command.type, 'reply_to', replyTo, ...signature, 'command', text];
}

/** A commands entry, parsed but not yet authorized. */
export interface DecodedCommand {
	command: RemoteCommand;
	/** The command's exact JSON text (what was signed). */
	text: string;
	replyTo: string | undefined;
	key: string | undefined;
	signedAt: string | undefined;
	signature: string | undefined;
}

/** Parse a commands entry; throws a one-line reason when it cannot be a forum command. */
export function decodeCommand(fields: Record<string, string>): DecodedCommand {
	const replyTo = fields['reply_to'];
	const validReplyTo = replyTo !== undefined && checkId('reply_to', replyTo) === undefined ? replyTo : undefined;
	const text = fields['command'];
	if (text === undefined) throw new Error('the entry has no command field');
	if (text.length > MAX_COMMAND_BYTES) throw new Error(`the command is ${text.length} bytes, over the ${MAX_COMMAND_BYTES}-byte limit`);
	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch {
		throw new Error('the command field is not JSON');
	}
	const problem = commandShapeProblem(parsed);
	if (problem) throw new Error(problem);
	const command = parsed as RemoteCommand;
	if (checkId('commandId', command.commandId)) throw new Error('the command has no valid commandId');
	if (!(ACTOR_TYPES as readonly unknown[]).includes(command.actor.type)) throw new Error('the command has no valid actor {type, name}');
	return {command, text, replyTo: validReplyTo, key: fields['key'], signedAt: fields['signed_at'], signature: fields['signature']};
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
