/**
 * The SLA pass, run by the dashboard only while its queue shows escalations with no event
 * recorded yet (nothing at idle), at most every `everyMs`, retried while some remain.
 */
import {useEffect, useRef} from 'react';
import {describeError, isDatabaseLocked} from './patient-dispatch.js';

export interface EscalationOptions {
	/** One pass; undefined where the dashboard does not run it (a remote view). */
	escalate: (() => Promise<unknown>) | undefined;
	/** Escalated threads without an event: the work. */
	due: number;
	/** Least time between passes, ms (default 5000). */
	everyMs?: number;
	onError(message: string): void;
}

export function useEscalation({escalate, due, everyMs = 5000, onError}: EscalationOptions): void {
	const running = useRef({busy: false, last: Number.NEGATIVE_INFINITY});
	const report = useRef(onError);
	report.current = onError;
	useEffect(() => {
		if (!escalate || due === 0) return;
		const run = () => {
			const state = running.current;
			if (state.busy || Date.now() - state.last < everyMs) return;
			state.busy = true;
			state.last = Date.now();
			escalate().then(
				() => (state.busy = false),
				(error: unknown) => {
					state.busy = false;
					// A held lock is retried on the next pass; the status line already says why.
					if (!isDatabaseLocked(error)) report.current(`SLA escalation failed: ${describeError(error)}`);
				},
			);
		};
		run();
		// Retry what did not get recorded (a locked database, a refusal).
		const timer = setInterval(run, Math.min(everyMs, 1000));
		return () => clearInterval(timer);
	}, [escalate, due, everyMs]);
}
