/**
 * The answered thread like the one in view (for `R` and the preview's `similar, answered …`):
 * looked up when the thread in view or its version changes, never per frame or per row.
 */
import {useEffect, useState} from 'react';
import type {ForumClient} from '../service/client.js';
import type {SimilarAnswer} from '../service/forum-service.js';

export interface SimilarOptions {
	client: ForumClient;
	/** The thread in view (preview or thread view); undefined looks nothing up. */
	threadId: string | undefined;
	/** Its version: a new event may answer it (and then there is nothing to reuse). */
	version: number | undefined;
	/** The version of the thread found last time: an amendment there changes what `R` would send. */
	foundVersion?: number | undefined;
}

export function useSimilar({client, threadId, version, foundVersion}: SimilarOptions): SimilarAnswer | undefined {
	const [found, setFound] = useState<{id: string; similar: SimilarAnswer | undefined} | undefined>(undefined);
	useEffect(() => {
		if (!threadId) return;
		let live = true;
		client.similarAnswer(threadId).then(
			(similar) => live && setFound({id: threadId, similar}),
			// Not worth a notice: the preview shows no suggestion.
			() => live && setFound({id: threadId, similar: undefined}),
		);
		return () => {
			live = false;
		};
	}, [client, threadId, version, foundVersion]);
	return found && found.id === threadId ? found.similar : undefined;
}
