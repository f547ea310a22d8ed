/** The status pane: the header and tabs above, the status line below. */
import {safeLine} from '../../text/safe-text.js';
import {SECTIONS} from '../queue-model.js';
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
	const left: Line = [
		{text: ' metawsm forum  ', style: 'title'},
		{text: `needs human ${c.new + c.waiting_human}`, style: c.new + c.waiting_human > 0 ? 'bold' : 'plain'},
		{text: ' · '},
		{text: `escalated ${input.queue.escalations}`, style: input.queue.escalations > 0 ? 'escalated' : 'plain'},
		{text: ` · waiting op ${c.waiting_operator} · answered ${c.answered} · closed ${c.closed}`},
	];
	const right = `${safeLine(input.operator)}  ${localClock(input.now)} `;
	const room = input.columns - textWidth(right);
	return [...pad(clip(left, room - 1), room), {text: right, style: 'dim'}];
}

/** The section tabs, and the filter when one is kept. */
export function tabs(input: FrameInput): Line {
	const line: Line = [{text: ' '}];
	SECTIONS.forEach((section, index) => {
		// Closed holds a page of the history: unfiltered, its tab counts them all (stats projection).
		const count = section.id === 'closed' && input.filter === '' ? Math.max(input.queue.stateCounts.closed, input.queue.sections.closed.length) : input.queue.sections[section.id].length;
		const label = `${index + 1} ${section.label} ${count}`;
		if (index === input.sectionIndex) line.push({text: `[${label}]`, style: 'activeTab'});
		else line.push({text: ` ${label} `, style: 'tab'});
		line.push({text: ' '});
	});
	if (input.filter !== '' && !(input.prompt?.kind === 'text' && input.prompt.purpose === 'filter')) {
		line.push({text: ` /${safeLine(input.filter)}`, style: 'bold'}, {text: ' (Esc clears)', style: 'dim'});
	}
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
	if (input.waiting) {
		line.push({text: ` ⏳ waiting for the database… ${Math.floor(input.waiting.elapsedMs / 1000)}s (${safeLine(input.waiting.what)}; Esc stops, text kept) ·`, style: 'bold'});
	}
	if (input.feedError) line.push({text: ` ⚠ ${safeLine(input.feedError)} ·`, style: 'error'});
	if (input.notice && input.prompt) line.push({text: ' '}, ...noticeSegments(input.notice), {text: ' ·', style: 'dim'});
	line.push({text: ` ${where} · seq ${input.lastSequence} · ${redis}`, style: 'dim'});
	return line;
}

/** `✓ answered OPS-7`, `✗ why not`. */
export function noticeSegments(notice: Notice): Line {
	const mark = notice.tone === 'ok' ? '✓ ' : notice.tone === 'error' ? '✗ ' : '';
	return [{text: `${mark}${safeLine(notice.text)}`, style: notice.tone === 'ok' ? 'ok' : notice.tone === 'error' ? 'error' : 'plain'}];
}
