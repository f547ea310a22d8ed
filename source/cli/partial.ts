/** A remote view that cannot be complete says so: on stderr (one line) and as `"partial"` in JSON. */
import type {ForumClient} from '../service/client.js';
import type {Context} from './context.js';

/** Why the client's view is incomplete, or undefined (always undefined for a local database). */
export function partialOf(forum: Pick<ForumClient, 'source'>): string | undefined {
	return forum.source().partial;
}

/** `{partial}` to spread into JSON output when the view is incomplete. */
export function partialJson(forum: Pick<ForumClient, 'source'>): {partial?: string} {
	const partial = partialOf(forum);
	return partial ? {partial} : {};
}

/** Say so on stderr; returns the exit code to use (1 when partial, else `code`). */
export function reportPartial(context: Context, forum: Pick<ForumClient, 'source'>, code: number): number {
	const partial = partialOf(forum);
	if (!partial) return code;
	context.fail(new Error(partial.startsWith('partial view') ? partial : `partial view: ${partial}`));
	return 1;
}
