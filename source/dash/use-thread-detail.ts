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
	/** Already loaded (the first frame's preview): shown at once, no second render right after the first. */
	initial?: ThreadDetail;
}

export interface LoadedDetail {
	detail: ThreadDetail | undefined;
	/** The thread does not exist (it was loaded and came back empty). */
	missing: boolean;
}

export function useThreadDetail({client, threadId, version, onLoaded, onError, initial}: ThreadDetailOptions): LoadedDetail {
	const [loaded, setLoaded] = useState<{id: string; detail: ThreadDetail | undefined; version?: number} | undefined>(initial ? {id: initial.thread.id, detail: initial, version: initial.thread.lastSequence} : undefined);
	useEffect(() => {
		if (!threadId) return;
		// The given first detail is current: no load for it.
		if (loaded?.version !== undefined && loaded.id === threadId && loaded.version === version) return;
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
