/** The time, ticking once a second on the second (the only redraw when nothing else happens). */
import {useEffect, useState} from 'react';

export function useClock(now: () => string, options: {isActive?: boolean} = {}): string {
	const [time, setTime] = useState(now);
	useEffect(() => {
		if (options.isActive === false) return;
		let timer: NodeJS.Timeout;
		const schedule = () => {
			timer = setTimeout(() => {
				setTime(now());
				schedule();
			}, 1000 - (Date.now() % 1000) + 5);
		};
		schedule();
		return () => clearTimeout(timer);
	}, [now, options.isActive]);
	return time;
}
