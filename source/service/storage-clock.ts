/**
 * The database host's clock, as its file system stamps files: a probe file is created beside
 * the database and its mtime read, once a minute at most. Between probes, this process's own
 * clock advances the estimate. A writer whose clock disagrees with it by more than the
 * tolerance (forum/event-time.ts) records the storage's time instead.
 */
import fs from 'node:fs';
import path from 'node:path';

export type StorageClock = () => number | undefined;

const PROBE_EVERY_MS = 60_000;

export function storageClock(databaseFile: string): StorageClock {
	let offset: number | undefined;
	let probedAt = -Infinity;
	return () => {
		const now = Date.now();
		if (now - probedAt >= PROBE_EVERY_MS || now < probedAt) {
			probedAt = now;
			const probe = path.join(path.dirname(databaseFile), `.metawsm-clock-${process.pid}`);
			try {
				const fd = fs.openSync(probe, 'w', 0o600);
				try {
					fs.writeSync(fd, '.');
					offset = fs.fstatSync(fd).mtimeMs - Date.now();
				} finally {
					fs.closeSync(fd);
					fs.rmSync(probe, {force: true});
				}
			} catch {
				offset = undefined;
			}
		}
		return offset === undefined ? undefined : Date.now() + offset;
	};
}
