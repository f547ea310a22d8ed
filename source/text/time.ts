/** Short human durations and times, shared by the CLI and the dashboard. */

/** `45s`, `12m`, `3h`, `2d` — the largest whole unit. */
export function formatAge(ms: number): string {
	const seconds = Math.max(0, Math.floor(ms / 1000));
	if (seconds < 60) return `${seconds}s`;
	const minutes = Math.floor(seconds / 60);
	if (minutes < 60) return `${minutes}m`;
	const hours = Math.floor(minutes / 60);
	if (hours < 48) return `${hours}h`;
	return `${Math.floor(hours / 24)}d`;
}

/** Age of an ISO time relative to `now`. */
export function ageSince(iso: string, now: string): string {
	return formatAge(Date.parse(now) - Date.parse(iso));
}

/** `2026-11-25 13:50` in UTC: stable in logs and tests. */
export function formatTime(iso: string): string {
	return iso.slice(0, 16).replace('T', ' ');
}
