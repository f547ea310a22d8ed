/**
 * The clock: once a second, ask whether the screen would change (waiting times, HH:MM, a thread
 * crossing its SLA) and draw again only then. Idle means no render at all most seconds.
 */
import {useEffect, useRef, useState} from 'react';

export interface ClockOptions {
	/** Off in tests that compare frames. */
	isActive: boolean;
	/** Whether the frame at this time differs from the one on screen. */
	changed(now: string): boolean;
	now(): string;
	everyMs?: number;
}

export function useClock({isActive, changed, now, everyMs = 1000}: ClockOptions): void {
	const [, setTick] = useState(0);
	const latest = useRef({changed, now});
	latest.current = {changed, now};
	useEffect(() => {
		if (!isActive) return;
		const timer = setInterval(() => {
			if (latest.current.changed(latest.current.now())) setTick((tick) => tick + 1);
		}, everyMs);
		return () => clearInterval(timer);
	}, [isActive, everyMs]);
}
