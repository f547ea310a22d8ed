/** Small statistics for benchmarks: medians and percentiles over samples. */

export function percentile(samples: number[], p: number): number {
	if (samples.length === 0) return Number.NaN;
	const sorted = [...samples].sort((a, b) => a - b);
	const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
	return sorted[index]!;
}

export const median = (samples: number[]) => percentile(samples, 50);

export function spread(samples: number[]): {min: number; max: number} {
	return {min: Math.min(...samples), max: Math.max(...samples)};
}

export function round(value: number, digits = 2): number {
	const factor = 10 ** digits;
	return Math.round(value * factor) / factor;
}

/** Milliseconds taken by `fn`. */
export function timeMs(fn: () => void): number {
	const start = process.hrtime.bigint();
	fn();
	return Number(process.hrtime.bigint() - start) / 1e6;
}

export async function timeMsAsync(fn: () => Promise<unknown>): Promise<number> {
	const start = process.hrtime.bigint();
	await fn();
	return Number(process.hrtime.bigint() - start) / 1e6;
}

/** A bench row's last column: whether the figure meets its target. */
export const verdict = (ok: boolean): string => (ok ? 'ok' : 'MISS');
