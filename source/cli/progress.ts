/**
 * A progress bar on stderr for long work (rebuild, verify, import): drawn only on a terminal,
 * at most every 100 ms, and cleared when done. Nothing at all when stderr is not a TTY.
 */
export interface Progress {
	update(done: number, total: number): void;
	/** Clear the bar (the caller prints its result after). */
	end(): void;
}

const WIDTH = 30;

export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
	if (!stream.isTTY) return {update: () => undefined, end: () => undefined};
	let drawnAt = 0;
	let drawn = false;
	return {
		update(done, total) {
			const now = Date.now();
			if (now - drawnAt < 100 && done < total) return;
			drawnAt = now;
			const share = total > 0 ? Math.min(1, done / total) : 0;
			const filled = Math.round(share * WIDTH);
			stream.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${Math.floor(share * 100)}% ${done}/${total} events\u001B[K`);
			drawn = true;
		},
		end() {
			if (drawn) stream.write('\r\u001B[K');
			drawn = false;
		},
	};
}
