/** The detail of one thread (posts, assignments, history), loaded again whenever its version changes. */
import {useEffect, useState} from 'react';
import type {ForumClient} from '../service/client.js';
import type {ThreadDetail} from '../service/forum-service.js';
import {describeError} from './patient-dispatch.js';

export interface ThreadDetailOptions {
	client: ForumClient;
	/** The thread to load; undefined loads nothing. */
	threadId: string | undefined;
	/** Its last sequence as the feed knows it: a new event loads it again. */
	version: number | undefined;
	/** Called with each loaded detail (the thread view marks it seen). */
	onLoaded?: (detail: ThreadDetail) => void;
	onError?: (message: string) => void;
}

export interface LoadedDetail {
	detail: ThreadDetail | undefined;
	/** The thread does not exist (it was loaded and came back empty). */
	missing: boolean;
}

export function useThreadDetail({client, threadId, version, onLoaded, onError}: ThreadDetailOptions): LoadedDetail {
	const [loaded, setLoaded] = useState<{id: string; detail: ThreadDetail | undefined} | undefined>(undefined);
	useEffect(() => {
		if (!threadId) return;
		let live = true;
		client.getThread(threadId).then(
			(detail) => {
				if (!live) return;
				setLoaded({id: threadId, detail});
				if (detail) onLoaded?.(detail);
			},
			(error: unknown) => live && onError?.(`could not load the thread: ${describeError(error)}`),
		);
		return () => {
			live = false;
		};
		// The callbacks change every render; the thread and its version decide a reload.
		// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [client, threadId, version]);
	const current = loaded && loaded.id === threadId ? loaded : undefined;
	return {detail: current?.detail, missing: current !== undefined && current.detail === undefined};
}
