/**
 * "I'm on it": tells the presence channel which thread's answer prompt or editor this dashboard
 * has open, and returns what the other dashboards have open (`alice is answering` by thread).
 */
import {useEffect, useMemo, useState} from 'react';
import {presenceByThread, presenceText, type PresenceActivity, type PresenceEntry} from '../forum/presence.js';
import type {PresenceChannel} from '../service/presence.js';

export interface PresenceOptions {
	channel: PresenceChannel | undefined;
	/** Where this dashboard is: the thread of its open answer prompt or editor. */
	threadId: string | undefined;
	activity: PresenceActivity | undefined;
}

export function usePresence({channel, threadId, activity}: PresenceOptions): ReadonlyMap<string, string> {
	const [entries, setEntries] = useState<PresenceEntry[]>([]);
	useEffect(() => channel?.subscribe(setEntries), [channel]);
	useEffect(() => {
		channel?.set(threadId && activity ? {threadId, activity} : undefined);
	}, [channel, threadId, activity]);
	// Leaving (quit, unmount): withdraw at once; close() on exit does it too.
	useEffect(() => () => channel?.set(undefined), [channel]);
	return useMemo(() => {
		const texts = new Map<string, string>();
		for (const [id, list] of presenceByThread(entries, {exceptSession: channel?.session, nowMs: Date.now()})) texts.set(id, presenceText(list));
		return texts;
	}, [entries, channel]);
}
