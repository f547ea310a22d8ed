/** The bell: once per new escalation episode, never for those already there at start. */
import {useEffect, useRef} from 'react';

export function useBell(escalationKeys: ReadonlySet<string>, bell: (() => void) | undefined): void {
	const rung = useRef<Set<string> | undefined>(undefined);
	useEffect(() => {
		if (rung.current === undefined) {
			rung.current = new Set(escalationKeys);
			return;
		}
		let fresh = false;
		for (const key of escalationKeys) {
			if (!rung.current.has(key)) {
				rung.current.add(key);
				fresh = true;
			}
		}
		if (fresh) bell?.();
	}, [escalationKeys, bell]);
}
