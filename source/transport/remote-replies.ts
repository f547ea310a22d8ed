/** serve's answers to one remote client: a tail of `<stream>:replies:<client>`, matched to waiting commands by id. */
import type {Redis} from 'ioredis';
import {decodeReply, type Reply} from './codec.js';
import {startTail, type Tail} from './remote-tail.js';

export interface Replies {
	/** A promise of the reply to `commandId`; call before sending the command. */
	expect(commandId: string): Promise<Reply>;
	forget(commandId: string): void;
	/** Resolve every waiting command with `reply(commandId)` (the client is closing). */
	abandon(reply: (commandId: string) => Reply): void;
	tail: Tail;
}

export function startReplies(reader: Redis, key: string, onError: (error: unknown, first: boolean) => void, isClosed: () => boolean): Replies {
	const waiters = new Map<string, (reply: Reply) => void>();
	let after = '0-0';
	const tail = startTail(
		reader,
		() => [{key, id: after}],
		(read) => {
			for (const entry of read.get(key) ?? []) {
				after = entry.id;
				const reply = decodeReply(entry.fields);
				if (reply) waiters.get(reply.commandId)?.(reply);
			}
		},
		onError,
		isClosed,
	);
	return {
		expect: (commandId) => new Promise<Reply>((resolve) => waiters.set(commandId, resolve)),
		forget: (commandId) => void waiters.delete(commandId),
		abandon(reply) {
			for (const [commandId, resolve] of waiters) resolve(reply(commandId));
			waiters.clear();
		},
		tail,
	};
}
