/** The pane's size: fixed when given (tests), else the terminal's, following resizes. */
import {useStdout} from 'ink';
import {useEffect, useState} from 'react';

export interface Size {
	columns: number;
	rows: number;
}

export function useSize(fixed: Partial<Size> = {}): Size {
	const {stdout} = useStdout();
	const read = (): Size => ({columns: fixed.columns ?? stdout.columns ?? 80, rows: fixed.rows ?? stdout.rows ?? 24});
	const [size, setSize] = useState(read);
	useEffect(() => {
		const onResize = () => setSize(read());
		stdout.on('resize', onResize);
		return () => {
			stdout.off('resize', onResize);
		};
		// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [stdout, fixed.columns, fixed.rows]);
	return fixed.columns !== undefined && fixed.rows !== undefined ? {columns: fixed.columns, rows: fixed.rows} : size;
}
