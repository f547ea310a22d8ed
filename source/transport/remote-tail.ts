/** A tail of one or more streams on its own blocking connection; restarts after errors. */
import type {Redis} from 'ioredis';
import {parseRead, sleep, type StreamEntry} from './connection.js';

export const READ_COUNT = 1000;
export const BLOCK_MS = 1000;

export interface Tail {
	running: Promise<void>;
	healthy: () => boolean;
}

export function startTail(
	reader: Redis,
	keys: () => {key: string; id: string}[],
	onEntries: (read: Map<string, StreamEntry[]>) => void,
	onError: (error: unknown, first: boolean) => void,
	isClosed: () => boolean,
): Tail {
	let down = false;
	const running = (async () => {
		while (!isClosed()) {
			try {
				const streams = keys();
				const raw = await reader.call('XREAD', ['COUNT', READ_COUNT, 'BLOCK', BLOCK_MS, 'STREAMS', ...streams.map((s) => s.key), ...streams.map((s) => s.id)]);
				down = false;
				onEntries(parseRead(raw));
			} catch (error) {
				if (isClosed()) return;
				onError(error, !down);
				down = true;
				await sleep(500);
			}
		}
	})();
	return {running, healthy: () => !down};
}
