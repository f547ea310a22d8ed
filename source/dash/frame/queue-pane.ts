/** The queue pane: a header row naming the columns, then one row per thread (only the visible window). */
import {msPastSla} from '../../forum/rules.js';
import type {ThreadState} from '../../forum/types.js';
import {safeLine} from '../../text/safe-text.js';
import {formatAge, formatWait} from '../../text/time.js';
import {keyOf} from '../keymap.js';
import {SECTIONS, type QueueEntry} from '../queue-model.js';
import {fit} from '../text-fit.js';
import type {FrameInput} from '../frame.js';
import type {Layout} from './layout.js';
import {clip, pad, type Line, type Style} from './line.js';

const STATE_LABEL: Record<ThreadState, string> = {
	new: 'new',
	triaged: 'triaged',
	waiting_operator: 'waiting_op',
	waiting_human: 'waiting_human',
	answered: 'answered',
	closed: 'closed',
};

type ColumnId = 'marks' | 'mark' | 'priority' | 'state' | 'ticket' | 'agent' | 'title' | 'posts' | 'wait' | 'over' | 'assignee';

/** A column: its header, its width in cells (the title takes what is left), its alignment. */
interface Column {
	id: ColumnId;
	header: string;
	width: number;
	align?: 'right';
}

/** The columns that fit a width, in order; every cell is fitted to its column by cells, so they line up. `marking`: the ✓ column of bulk marks. */
export function columnsFor(width: number, marking = false): Column[] {
	const wide = width >= 96;
	const state = width >= 80;
	const columns: Column[] = [
		{id: 'marks', header: '', width: 3},
		...(marking ? [{id: 'mark' as const, header: '', width: 1}] : []),
		{id: 'priority', header: 'PRIO', width: 6},
		...(state ? [{id: 'state' as const, header: 'STATE', width: 13}] : []),
		{id: 'ticket', header: 'TICKET', width: 8},
		{id: 'agent', header: 'AGENT', width: 9},
		{id: 'title', header: 'TITLE', width: 0},
		{id: 'posts', header: 'POSTS', width: 5, align: 'right'},
		{id: 'wait', header: 'WAIT', width: 4, align: 'right'},
		...(wide ? [{id: 'over' as const, header: 'OVER', width: 5, align: 'right' as const}, {id: 'assignee' as const, header: 'ASSIGNEE', width: 8}] : []),
	];
	// One space between columns (the marks are followed by one too).
	const fixed = columns.reduce((sum, column) => sum + column.width + 1, 0);
	const title = columns.find((column) => column.id === 'title')!;
	title.width = Math.max(8, width - fixed);
	return columns;
}

function cells(columns: Column[], cell: (column: Column) => Line[number], width: number): Line {
	const line: Line = [];
	for (const column of columns) {
		const segment = cell(column);
		// The marks are followed by one space, or by the ✓ column and then one: `▶•!✓ urgent`.
		line.push({...segment, text: column.id === 'marks' ? segment.text : fit(segment.text, column.width, column.align ?? 'left')}, ...(column.id === 'marks' && columns[1]?.id === 'mark' ? [] : [{text: ' '}]));
	}
	return pad(clip(line, width), width);
}

/** `     PRIO   STATE         TICKET   …`: the names of the columns, aligned with the rows. */
export function columnHeader(width: number, marking = false): Line {
	return cells(columnsFor(width, marking), (column) => ({text: column.id === 'marks' ? '   ' : column.header, style: 'dim'}), width);
}

/** One thread's row; `marked` (when some are marked) fills the ✓ column. */
export function queueRow(entry: QueueEntry, input: Pick<FrameInput, 'now' | 'sla' | 'presence'>, width: number, selected: boolean, marked?: boolean): Line {
	const t = entry.thread;
	const priorityStyle: Style = t.priority === 'urgent' ? 'urgent' : t.priority === 'high' ? 'high' : 'plain';
	const past = entry.escalated ? msPastSla(t, input.now, input.sla) : 0;
	// Another dashboard has its answer prompt open: `alice is answering · title`.
	const onIt = input.presence?.get(t.id);
	const text: Record<ColumnId, Line[number]> = {
		marks: {text: `${selected ? '▶' : ' '}${entry.unseen ? '•' : ' '}${entry.escalated ? '!' : ' '}`, style: 'bold'},
		mark: {text: marked ? '✓' : ' ', style: 'ok'},
		priority: {text: t.priority, style: priorityStyle},
		state: {text: STATE_LABEL[t.state], style: t.state === 'closed' ? 'dim' : 'plain'},
		ticket: {text: safeLine(t.ticket)},
		agent: {text: safeLine(t.agentName)},
		// A snoozed row says how long until it wakes (Snoozed section, All open).
		title: {text: `${onIt ? `${safeLine(onIt)} · ` : ''}${entry.snoozed && t.snoozedUntil ? `zz ${formatAge(Date.parse(t.snoozedUntil) - Date.parse(input.now))} · ` : ''}${safeLine(t.title)}`, style: onIt ? 'bold' : 'plain'},
		posts: {text: String(t.postsCount)},
		wait: {text: formatWait(t, input.now), style: entry.escalated ? 'escalated' : 'plain'},
		over: {text: past > 0 ? `+${formatAge(past)}` : '', style: 'escalated'},
		assignee: {text: t.assignee ? safeLine(t.assignee.name) : '-', style: t.assignee ? 'plain' : 'dim'},
	};
	const line = cells(columnsFor(width, marked !== undefined), (column) => text[column.id], width);
	if (!selected && (entry.unseen || entry.escalated)) {
		// The marks in their own colours: • unseen, ! escalated.
		line.splice(0, 1, {text: ' '}, {text: entry.unseen ? '•' : ' ', style: 'unseen'}, {text: entry.escalated ? '!' : ' ', style: 'escalated'});
	}
	return selected ? line.map((segment) => ({...segment, style: 'selected' as Style})) : line;
}

function emptyText(sectionIndex: number, filter: string, keymap: FrameInput['keymap'], snoozed: number): string {
	if (filter.trim() !== '') return `  no thread matches /${safeLine(filter)} here — ${keyOf('back', 'queue', keymap) ?? 'Esc'} clears the filter`;
	const id = SECTIONS[sectionIndex]?.id;
	if (id === 'needs_human') return `  nothing needs a human right now ✓${snoozed > 0 ? ` (${snoozed} snoozed: ${SECTIONS.findIndex((section) => section.id === 'snoozed') + 1} shows them)` : ''}`;
	if (id === 'snoozed') return `  nothing is snoozed (${keyOf('snooze', 'queue', keymap) ?? 'z'} snoozes a thread)`;
	if (id === 'needs_me') return '  nothing assigned to you is unseen or waiting for an answer';
	return '  no threads here';
}

/** The visible slice of a section: only these rows are formatted (10k threads cost the same as 10). */
export function windowRows(entries: readonly QueueEntry[], top: number, height: number): {rows: readonly QueueEntry[]; top: number} {
	const maxTop = Math.max(0, entries.length - height);
	const start = Math.min(Math.max(0, top), maxTop);
	return {rows: entries.slice(start, start + height), top: start};
}

/** Rows of threads the list has room for: its height less the column header. */
export function queueRows(box: Layout): number {
	return Math.max(1, box.listHeight - 1);
}

/** The list: the column header, then the window of rows (or why there are none). */
export function listLines(input: FrameInput, box: Layout): Line[] {
	const entries = input.queue.sections[SECTIONS[input.sectionIndex]!.id];
	const marked = input.marked ?? new Set<string>();
	const marking = marked.size > 0;
	const head = columnHeader(box.listWidth, marking);
	if (entries.length === 0) return [head, [{text: emptyText(input.sectionIndex, input.filter, input.keymap, input.queue.snoozedHidden), style: 'dim'}]];
	const {rows} = windowRows(entries, input.top, queueRows(box));
	return [head, ...rows.map((entry) => queueRow(entry, input, box.listWidth, entry.thread.id === input.selectedId, marking ? marked.has(entry.thread.id) : undefined))];
}
