/** The status pane: the header and tabs above, the status line below. */
import {safeLine} from '../../text/safe-text.js';
import {keyOf} from '../keymap.js';
import {orderLabel, SECTIONS, tabCount} from '../queue-model.js';
import type {Notice} from '../state.js';
import {textWidth} from '../text-fit.js';
import type {FrameInput} from '../frame.js';
import {clip, pad, type Line} from './line.js';

/** `14:02`: minutes only, so an idle frame changes once a minute, not every second. */
export function localClock(iso: string): string {
	const date = new Date(iso);
	return [date.getHours(), date.getMinutes()].map((n) => String(n).padStart(2, '0')).join(':');
}

/** `13:50` today, `11-24 13:50` on another day (local time). */
export function shortTime(iso: string, now: string): string {
	const date = new Date(iso);
	const hm = localClock(iso);
	if (new Date(now).toDateString() === date.toDateString()) return hm;
	return `${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')} ${hm}`;
}

/** The top line: counts, who, the time. */
export function header(input: FrameInput): Line {
	const c = input.queue.stateCounts;
	const hidden = input.queue.snoozedHidden;
	const needing = c.new + c.waiting_human - hidden;
	const left: Line = [
		{text: ' metawsm forum  ', style: 'title'},
		{text: `needs human ${needing}`, style: needing > 0 ? 'bold' : 'plain'},
		...(hidden > 0 ? [{text: ` (+${hidden} snoozed)`, style: 'dim' as const}] : []),
		{text: ' · '},
		{text: `escalated ${input.queue.escalations}`, style: input.queue.escalations > 0 ? 'escalated' : 'plain'},
		{text: ` · waiting op ${c.waiting_operator} · answered ${c.answered} · closed ${c.closed}`},
	];
	const right = `${safeLine(input.operator)}  ${localClock(input.now)} `;
	const room = input.columns - textWidth(right);
	return [...pad(clip(left, room - 1), room), {text: right, style: 'dim'}];
}

/** The section tabs. */
export function tabs(input: FrameInput): Line {
	const build = (padded: boolean): Line => {
		const line: Line = [{text: ' '}];
		SECTIONS.forEach((section, index) => {
			const count = input.tabCounts?.[section.id] ?? tabCount(input.queue, section.id, input.filter);
			const label = `${index + 1} ${section.label} ${count}`;
			if (index === input.sectionIndex) line.push({text: `[${label}]`, style: 'activeTab'});
			else line.push({text: padded ? ` ${label} ` : label, style: 'tab'});
			line.push({text: ' '});
		});
		return line;
	};
	// Seven tabs: a narrow pane drops the space inside the others so the active one is never cut.
	const padded = build(true);
	const line = padded.reduce((sum, segment) => sum + textWidth(segment.text), 0) <= input.columns ? padded : build(false);
	return line;
}

/** The bottom line: a waiting write and problems first, then where the data comes from. */
export function statusLine(input: FrameInput): Line {
	const source = input.source;
	const where = source.kind === 'sqlite' ? safeLine(source.location) : safeLine(source.redis?.url ?? source.location);
	const redis = source.redis
		? `${source.kind === 'sqlite' ? `${safeLine(source.redis.url)} ` : ''}redis ${source.redis.state}${source.redis.lagEvents !== undefined ? ` lag ${source.redis.lagEvents}` : ''}`
		: 'redis off';
	const line: Line = [];
	// Problems first: a long path must never push them off the line.
	if (input.running) {
		// A bulk action: how far it is, and whether it waits for the lock (Esc stops the rest).
		const waits = input.waiting ? `: waiting for the database… ${Math.floor(input.waiting.elapsedMs / 1000)}s (Esc stops the rest)` : '';
		line.push({text: ` ⏳ ${safeLine(input.running.what)} ${input.running.done}/${input.running.total}${waits} ·`, style: 'bold'});
	} else if (input.waiting) {
		line.push({text: ` ⏳ waiting for the database… ${Math.floor(input.waiting.elapsedMs / 1000)}s (${safeLine(input.waiting.what)}; Esc stops, text kept) ·`, style: 'bold'});
	}
	if (input.feedError) line.push({text: ` ⚠ ${safeLine(input.feedError)} ·`, style: 'error'});
	if (input.notice && input.prompt) line.push({text: ' '}, ...noticeSegments(input.notice), {text: ' ·', style: 'dim'});
	// The section's kept filter (not while it is being typed: the prompt shows it), and the order
	// when it is not the default (the default needs no room on a narrow pane).
	if (input.filter !== '' && !(input.prompt?.kind === 'text' && input.prompt.purpose === 'filter')) {
		line.push({text: ` /${safeLine(input.filter)}`, style: 'bold'}, {text: ` (${keyOf('back', 'queue', input.keymap) ?? 'Esc'} clears) ·`, style: 'dim'});
	}
	if (input.order && input.order !== 'default') line.push({text: ` order ${orderLabel(input.order)}`, style: 'bold'}, {text: ' ·', style: 'dim'});
	line.push({text: ` ${where} · seq ${input.lastSequence} · ${redis}`, style: 'dim'});
	return line;
}

/** `✓ answered OPS-7`, `✗ why not`. */
export function noticeSegments(notice: Notice): Line {
	const mark = notice.tone === 'ok' ? '✓ ' : notice.tone === 'error' ? '✗ ' : '';
	return [{text: `${mark}${safeLine(notice.text)}`, style: notice.tone === 'ok' ? 'ok' : notice.tone === 'error' ? 'error' : 'plain'}];
}
