/** Docs-sync consumer: appends answered/closed threads to the ticket's markdown document. */
import type {Policy} from '../policy/policy.js';
import type {ForumService} from '../service/forum-service.js';

export interface DocsSyncOptions {
	policy: Policy;
	log: (line: string) => void;
	/** Keep consuming new events until stopped. */
	follow?: boolean;
}

/** Start the consumer inside `serve`; returns stop. */
export async function startDocsSync(_service: ForumService, _options: DocsSyncOptions): Promise<() => Promise<void>> {
	// Filled in by the docs-sync work (issue 5).
	return async () => undefined;
}
