/** The agent's pane tail, read with `tmux capture-pane` while it is shown, again every second. */
import {useEffect, useState} from 'react';
import type {AgentPane} from '../forum/types.js';
import {capturePaneTail} from '../tmux/pane.js';
import type {PaneView} from './agent-pane.js';

export interface AgentPaneOptions {
	/** The pane recorded with the question; null when it was not asked from tmux. */
	pane: AgentPane | null | undefined;
	/** Read only while the pane is on screen. */
	isActive: boolean;
	/** How often to read it again, in ms. Default 1000. */
	everyMs?: number;
	/** The clock for `capturedAt`. */
	now?: () => string;
}

const CAPTURE_LINES = 500;

export function useAgentPane({pane, isActive, everyMs = 1000, now = () => new Date().toISOString()}: AgentPaneOptions): PaneView {
	const [view, setView] = useState<PaneView>({state: 'none'});
	const key = pane ? `${pane.host}|${pane.socket}|${pane.pane_id}` : '';
	useEffect(() => {
		if (!isActive || !pane) {
			setView({state: 'none'});
			return;
		}
		setView({state: 'loading', pane});
		let stopped = false;
		let timer: NodeJS.Timeout | undefined;
		const read = async () => {
			const result = await capturePaneTail(pane, CAPTURE_LINES);
			if (stopped) return;
			// Unchanged text keeps its object: no redraw, and captured_at stays when it was first shown.
			setView((previous) => {
				if (result.ok) return previous.state === 'shown' && previous.text === result.value ? previous : {state: 'shown', pane, text: result.value, capturedAt: now()};
				return previous.state === 'unavailable' && previous.reason === result.reason ? previous : {state: 'unavailable', pane, reason: result.reason};
			});
			timer = setTimeout(read, everyMs);
		};
		void read();
		return () => {
			stopped = true;
			if (timer) clearTimeout(timer);
		};
		// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [key, isActive, everyMs]);
	return view;
}
