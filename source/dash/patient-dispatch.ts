/**
 * The dashboard's writes under a held lock: short attempts (the connection's busy timeout is
 * ~100 ms) with pauses in between, so the event loop is free and the frame keeps drawing.
 * Every attempt carries the same command id, so a retry never applies a command twice.
 */
import {ForumError} from '../forum/errors.js';
import type {ForumClient} from '../service/client.js';
import type {CommandInput, DispatchResult} from '../service/forum-service.js';

/** The connection's busy timeout for the dashboard: one attempt blocks the frame at most this long. */
export const DASH_BUSY_TIMEOUT_MS = 100;

export interface PatientOptions {
	/** Pause between attempts, ms. */
	retryMs: number;
	/** Stop trying after this long, ms. */
	limitMs: number;
	/** Aborting stops between attempts (Esc). */
	signal: AbortSignal;
	/** Called after each locked attempt, with the time since the first. */
	onWait(elapsedMs: number): void;
}

export type PatientOutcome =
	| {kind: 'done'; result: DispatchResult}
	/** Still locked when it gave up (`cancelled`: the operator stopped it). Nothing was written. */
	| {kind: 'locked'; elapsedMs: number; cancelled: boolean}
	| {kind: 'failed'; error: unknown};

/** SQLITE_BUSY, raw or as the store explains it. */
export function isDatabaseLocked(error: unknown): boolean {
	if (error instanceof ForumError) return error.code === 'database_locked';
	const code = (error as {code?: unknown} | undefined)?.code;
	return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

/** One line for an error the dashboard shows; a locked database says it is waited for. */
export function describeError(error: unknown): string {
	if (isDatabaseLocked(error)) return 'the database is locked by another process (will retry)';
	return error instanceof Error ? error.message : String(error);
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
	return new Promise((resolve) => {
		if (signal.aborted) return resolve();
		const done = () => {
			clearTimeout(timer);
			signal.removeEventListener('abort', done);
			resolve();
		};
		const timer = setTimeout(done, ms);
		signal.addEventListener('abort', done, {once: true});
	});
}

/** Dispatch, retrying while the database is locked, until it lands, is refused, fails or times out. */
export async function dispatchPatiently(client: Pick<ForumClient, 'dispatch'>, input: CommandInput & {commandId: string}, options: PatientOptions): Promise<PatientOutcome> {
	const started = Date.now();
	for (;;) {
		try {
			return {kind: 'done', result: await client.dispatch(input)};
		} catch (error) {
			if (!isDatabaseLocked(error)) return {kind: 'failed', error};
		}
		const elapsedMs = Date.now() - started;
		if (options.signal.aborted || elapsedMs >= options.limitMs) return {kind: 'locked', elapsedMs, cancelled: options.signal.aborted};
		options.onWait(elapsedMs);
		await pause(options.retryMs, options.signal);
		if (options.signal.aborted) return {kind: 'locked', elapsedMs: Date.now() - started, cancelled: true};
	}
}
