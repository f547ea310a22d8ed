/** Redis URLs without their secrets: for logs, errors and the status bar. */

/** The URL with its password replaced by `***` (the user name stays: it helps and is not secret). */
export function redactUrl(url: string): string {
	try {
		const parsed = new URL(url);
		if (parsed.password) parsed.password = '***';
		return parsed.toString().replace(/\/$/, '');
	} catch {
		// Not parseable: drop everything between the scheme and the last '@'.
		return url.replace(/\/\/[^/]*@/, '//***@');
	}
}

/** The password of a Redis URL, raw and decoded; empty when there is none. */
function secretsOf(url: string): string[] {
	try {
		const raw = new URL(url).password;
		if (!raw) return [];
		const decoded = decodeURIComponent(raw);
		return [...new Set([raw, decoded])].filter((secret) => secret.length > 0);
	} catch {
		return [];
	}
}

/** `text` with the URL and its password removed wherever they occur (ioredis messages included). */
export function redactText(text: string, url: string): string {
	let out = text.split(url).join(redactUrl(url));
	for (const secret of secretsOf(url)) out = out.split(secret).join('***');
	return out;
}

/** ioredis's wording for "not connected right now", in the forum's words. */
const PLAIN_REASONS: [RegExp, string][] = [
	[/Stream isn't writeable and enableOfflineQueue/i, 'not connected'],
	[/Reached the max retries per request limit/i, 'connection lost'],
	[/Connection is closed/i, 'connection closed'],
];

/** One line describing `error` with secrets removed. */
export function describeRedisError(error: unknown, url: string): string {
	const message = error instanceof Error ? error.message : String(error);
	const plain = PLAIN_REASONS.find(([pattern]) => pattern.test(message))?.[1];
	return redactText((plain ?? message).replace(/\s*\n\s*/g, ' '), url);
}
