/** Timers of any length: Node's setTimeout fires at once past 2^31-1 ms (about 24.8 days). */

export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Call `fn` after `ms` milliseconds, however large; returns a cancel function. */
export function setLongTimeout(fn: () => void, ms: number): () => void {
	const deadline = Date.now() + ms;
	let timer: NodeJS.Timeout | undefined;
	const arm = () => {
		const left = deadline - Date.now();
		if (left <= 0) {
			fn();
			return;
		}
		timer = setTimeout(arm, Math.min(left, MAX_TIMER_MS));
	};
	arm();
	return () => clearTimeout(timer);
}
