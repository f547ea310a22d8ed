/**
 * Remote commands: a consumer group on `<stream>:commands`. Entries are read through a Lua
 * script that drops oversize ones inside Redis (bounded-read.ts), type-checked, and authorized
 * (a signature by a key in forum.redis.actors, the key's actor, no replay: authorize.ts). Each
 * is then applied with `dispatch` (idempotent by command id), answered on the sender's reply
 * stream, and acknowledged after the commit. Entries left pending by a dead consumer are
 * reclaimed (XAUTOCLAIM); an entry that fails `max_deliveries` times, and every entry refused
 * before dispatch, goes to `<stream>:dead` with the reason.
 */
import type {Redis} from 'ioredis';
import {ForumError} from '../forum/errors.js';
import type {Policy} from '../policy/policy.js';
import type {ForumService} from '../service/forum-service.js';
import {createAuthorizer} from './authorize.js';
import {claimIdle, readGroup, type BoundedReadOptions} from './bounded-read.js';
import {decodeCommand, replyFields, replyOf, type RemoteCommand, type Reply} from './codec.js';
import {sleep, streamKeys, type StreamEntry} from './connection.js';
import {describeRedisError} from './redis-url.js';

export interface CommandConsumerOptions {
	/** Non-blocking connection: acks, replies, claims. */
	redis: Redis;
	/** Connection for XREADGROUP BLOCK; its command timeout must exceed `blockMs`. */
	blocking: Redis;
	url: string;
	policy: Policy;
	log: (line: string) => void;
	/** Consumer name in the group. Default policy forum.redis.consumer. */
	consumer?: string;
	/** An entry pending this long is taken over (its consumer died, or it failed here). Default 30 s. */
	claimIdleMs?: number;
	/** How long to wait before looking for new entries again when there were none. Default 10 ms (1 ms within a second of the last command). */
	pollMs?: number;
	/** Seconds a reply stream lives after its last reply. Default 3600. */
	replyTtlSeconds?: number;
}

export interface CommandConsumer {
	stop(): Promise<void>;
}

const DEAD_MAXLEN = 10_000;

export function startCommandConsumer(service: ForumService, options: CommandConsumerOptions): CommandConsumer {
	const {redis, blocking, url, policy, log} = options;
	const keys = streamKeys(policy);
	const group = policy.forum.redis.group;
	const consumer = options.consumer ?? policy.forum.redis.consumer;
	const claimIdleMs = options.claimIdleMs ?? 30_000;
	const pollMs = options.pollMs ?? 10;
	let lastEntryAt = 0;
	const read: BoundedReadOptions = {key: keys.commands, group, consumer, count: 100};
	const authorizer = createAuthorizer(policy, (commandId) => service.signedCommand(commandId));
	const replyTtl = options.replyTtlSeconds ?? 3600;
	const maxDeliveries = policy.forum.redis.max_deliveries;
	const controller = new AbortController();
	/** Last failure per entry id, for the dead-letter record. */
	const failures = new Map<string, string>();

	async function ensureGroup(): Promise<void> {
		try {
			await redis.call('XGROUP', ['CREATE', keys.commands, group, '0', 'MKSTREAM']);
			log(`commands: created consumer group ${group} on ${keys.commands}`);
		} catch (error) {
			if (!/BUSYGROUP/.test((error as Error).message)) throw error;
		}
	}

	async function deliveriesOf(id: string): Promise<number> {
		const raw = (await redis.call('XPENDING', [keys.commands, group, id, id, 1])) as unknown[];
		const row = Array.isArray(raw) && Array.isArray(raw[0]) ? (raw[0] as unknown[]) : undefined;
		return row ? Number(row[3]) : 1;
	}

	async function reply(replyTo: string | undefined, answer: Reply): Promise<void> {
		if (!replyTo) return;
		const key = keys.replies(replyTo);
		await redis.pipeline().call('XADD', [key, 'MAXLEN', '~', 1000, '*', ...replyFields(answer)]).call('EXPIRE', [key, replyTtl]).exec().then(checkPipeline);
	}

	async function ack(id: string): Promise<void> {
		failures.delete(id);
		await redis.call('XACK', [keys.commands, group, id]);
	}

	async function deadLetter(entry: StreamEntry, deliveries: number, error: string, command: RemoteCommand | undefined, replyTo: string | undefined, code = 'dead_lettered'): Promise<void> {
		await redis.call('XADD', [
			keys.dead,
			'MAXLEN',
			'~',
			DEAD_MAXLEN,
			'*',
			'entry_id',
			entry.id,
			'error',
			error,
			'deliveries',
			deliveries,
			'consumer',
			consumer,
			'failed_at',
			service.now(),
			...Object.entries(entry.fields).flat(),
		]);
		if (command) {
			await reply(replyTo, {
				status: 'error',
				commandId: command.commandId,
				// Refused before dispatch (signature, actor): final, like a rule's refusal.
				kind: code === 'dead_lettered' ? 'runtime' : 'refused',
				code,
				message:
					code === 'dead_lettered'
						? `command ${command.commandId} failed ${deliveries} times on the forum server and was moved to ${keys.dead}: ${error}`
						: `the forum server refused command ${command.commandId} (${error}); it was moved to ${keys.dead}`,
			});
		}
		await ack(entry.id);
		log(`commands: moved ${entry.id}${command ? ` (${command.type} ${command.commandId})` : ''} to ${keys.dead} after ${deliveries} deliveries: ${error}`);
	}

	/** Apply one entry. `deliveries` is known for fresh entries (1); otherwise asked of Redis. */
	async function handle(entry: StreamEntry, fresh: boolean): Promise<void> {
		const deliveries = fresh ? 1 : await deliveriesOf(entry.id);
		if (entry.fields['oversize'] !== undefined) {
			// Never read: copy only its size to the dead-letter stream, and free Redis of it.
			const size = `${entry.fields['oversize']} bytes in ${entry.fields['field_count']} fields`;
			await deadLetter({id: entry.id, fields: {}}, deliveries, `oversize entry: ${size}, over the limit; not read`, undefined, undefined);
			await redis.call('XDEL', [keys.commands, entry.id]);
			return;
		}
		let decoded: ReturnType<typeof decodeCommand>;
		try {
			decoded = decodeCommand(entry.fields);
		} catch (error) {
			// Retrying cannot fix a malformed entry.
			await deadLetter(entry, deliveries, `malformed command: ${(error as Error).message}`, undefined, undefined);
			return;
		}
		const {command, replyTo} = decoded;
		const authorization = authorizer.authorize(decoded, entry.id, new Date());
		if (!authorization.ok) {
			await deadLetter(entry, deliveries, `refused: ${authorization.reason}`, command, replyTo, 'unauthorized');
			return;
		}
		service.recordSignedCommand(authorization.record);
		if (deliveries > maxDeliveries) {
			await deadLetter(entry, deliveries, failures.get(entry.id) ?? `delivered ${deliveries} times without being acknowledged`, command, replyTo);
			return;
		}
		let answer: Reply;
		try {
			answer = replyOf(service.dispatch(command));
		} catch (error) {
			if (error instanceof ForumError && error.kind !== 'runtime') {
				// A refusal raised outside the rules (e.g. forum disabled): final, like locally.
				answer = {status: 'error', commandId: command.commandId, kind: error.kind, code: error.code, message: error.message};
			} else {
				const message = error instanceof Error ? error.message : String(error);
				failures.set(entry.id, message);
				if (deliveries >= maxDeliveries) {
					await deadLetter(entry, deliveries, message, command, replyTo);
				} else {
					log(`commands: ${command.type} ${command.commandId} failed (delivery ${deliveries} of ${maxDeliveries}), retrying in ${Math.round(claimIdleMs / 1000)} s: ${message}`);
				}
				return;
			}
		}
		await reply(replyTo, answer);
		await ack(entry.id);
		log(`commands: ${describeAnswer(command, answer)}`);
	}

	/** Take over entries pending longer than claimIdleMs (dead consumers, or failures here). */
	async function reclaim(): Promise<void> {
		let start = '0-0';
		let claimed = 0;
		do {
			const claim = await claimIdle(redis, read, claimIdleMs, start);
			start = claim.cursor;
			const {entries} = claim;
			claimed += entries.length;
			for (const entry of entries) {
				if (controller.signal.aborted) return;
				await handle(entry, false);
			}
		} while (start !== '0-0' && !controller.signal.aborted);
		if (claimed > 0) log(`commands: reclaimed ${claimed} entries pending over ${claimIdleMs} ms`);
	}

	async function loop(): Promise<void> {
		let setUp = false;
		let backlog = '0';
		let lastClaim = 0;
		let down = false;
		while (!controller.signal.aborted) {
			try {
				if (!setUp) {
					await ensureGroup();
					setUp = true;
				}
				if (Date.now() - lastClaim >= Math.min(claimIdleMs / 2, 5000)) {
					lastClaim = Date.now();
					await reclaim();
				}
				// First this consumer's own pending entries (a previous run died), then new ones.
				const reading = backlog !== '>';
				const {entries} = await readGroup(redis, read, backlog);
				if (down) {
					log(`commands: reading ${keys.commands} again as ${consumer} in group ${group}`);
					down = false;
				}
				if (reading && entries.length === 0) backlog = '>';
				for (const entry of entries) {
					if (controller.signal.aborted) break;
					await handle(entry, !reading);
					if (reading) backlog = entry.id;
				}
				// Polled, not blocked: a blocking read would hand over entries of any size. A client's
				// next command usually follows soon: poll faster for a second after one.
				if (entries.length > 0) lastEntryAt = Date.now();
				if (!reading && entries.length === 0) await sleep(Date.now() - lastEntryAt < 1000 ? Math.min(1, pollMs) : pollMs, controller.signal);
			} catch (error) {
				if (controller.signal.aborted) break;
				const message = describeRedisError(error, url);
				if (/NOGROUP/.test(message)) {
					// Redis lost the group (restarted empty): create it again.
					setUp = false;
				} else if (!down) {
					log(`commands: cannot read ${keys.commands} (${message}); retrying`);
					down = true;
				}
				backlog = '0';
				await sleep(down ? 500 : 50, controller.signal);
			}
		}
	}

	log(`commands: consuming ${keys.commands} as ${consumer} in group ${group}`);
	const running = loop();
	return {
		async stop() {
			controller.abort();
			await running;
			blocking.disconnect();
		},
	};
}

function checkPipeline(results: [Error | null, unknown][] | null): void {
	for (const [error] of results ?? []) if (error) throw error;
}

function describeAnswer(command: RemoteCommand, answer: Reply): string {
	switch (answer.status) {
		case 'ok':
			if (answer.duplicate) return `${command.type} ${command.commandId} was already applied; replied with the first result`;
			if (answer.events.length === 0) return `${command.type} ${command.commandId} on ${answer.threadId}: no change`;
			return `applied ${command.type} ${command.commandId} on ${answer.threadId} as #${answer.events[0]!.sequence}..#${answer.events.at(-1)!.sequence}`;
		case 'refused':
			return `refused ${command.type} ${command.commandId}: ${answer.code}: ${answer.message}`;
		case 'error':
			return `failed ${command.type} ${command.commandId}: ${answer.code}: ${answer.message}`;
	}
}
