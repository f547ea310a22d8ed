/**
 * The agent's pane beside its question, as data: what the preview or detail shows of it (the
 * last lines that fit, sanitised like all agent text) and the decision context an answer given
 * while it was shown records. Pure.
 */
import {createHash} from 'node:crypto';
import type {AgentPane, DecisionContext} from '../forum/types.js';
import {LIMITS} from '../forum/validate.js';
import {safeLine, safeText} from '../text/safe-text.js';
import type {Line} from './frame.js';
import {truncate} from './text-fit.js';

/** What the dashboard has of the pane: nothing recorded, being read, its text, or why not. */
export type PaneView =
	| {state: 'none'}
	| {state: 'loading'; pane: AgentPane}
	| {state: 'shown'; pane: AgentPane; text: string; capturedAt: string}
	| {state: 'unavailable'; pane: AgentPane; reason: string};

/** The pane's last lines that fit in `height` rows, each made safe (controls visible). */
export function shownPaneLines(text: string, height: number): string[] {
	const lines = safeText(text, {multiline: true}).split('\n');
	return height <= 0 ? [] : lines.slice(-height);
}

/** The rows the preview or detail draws for the pane: a rule naming it, then its tail. */
export function agentPaneLines(view: PaneView, width: number, height: number): Line[] {
	if (height <= 0) return [];
	const rule = (text: string): Line => [{text: truncate(text, width), style: 'border'}];
	if (view.state === 'none') return [[{text: '│ no agent pane: this question was not asked from inside tmux · t hides', style: 'dim'}]];
	const where = `${safeLine(view.pane.pane_id)}${view.pane.target ? ` ${safeLine(view.pane.target)}` : ''}`;
	const head = rule(`┌ agent pane ${where} · t hides · T jumps there ${'─'.repeat(Math.max(0, width))}`);
	if (view.state === 'loading') return [head, [{text: '│ reading the pane…', style: 'dim'}]];
	if (view.state === 'unavailable') return [head, [{text: '│ ', style: 'border'}, {text: safeLine(view.reason), style: 'error'}]];
	const body = shownPaneLines(view.text, height - 1).map((text): Line => [{text: '│ ', style: 'border'}, {text}]);
	return [head, ...body];
}

/** The last at most `max` bytes of `text`, cut at a line start when one is near, never inside a character. */
function tailBytes(text: string, max: number): string {
	const bytes = Buffer.from(text, 'utf8');
	if (bytes.length <= max) return text;
	let start = bytes.length - max;
	while (start < bytes.length && (bytes[start]! & 0xc0) === 0x80) start++;
	const tail = bytes.subarray(start).toString('utf8');
	const newline = tail.indexOf('\n');
	return newline >= 0 && newline < tail.length - 1 ? tail.slice(newline + 1) : tail;
}

/** What an answer records of a shown pane: the shown lines' last ≤ 2 KB and the hash of all of them. */
export function decisionContextOf(view: PaneView, height: number): DecisionContext | undefined {
	if (view.state !== 'shown') return undefined;
	const shown = shownPaneLines(view.text, height).join('\n');
	return {
		kind: 'agent_pane',
		pane_id: view.pane.pane_id,
		excerpt: tailBytes(shown, LIMITS.contextExcerptBytes),
		sha256: createHash('sha256').update(shown, 'utf8').digest('hex'),
		bytes: Buffer.byteLength(shown, 'utf8'),
		captured_at: view.capturedAt,
	};
}
