/**
 * The whole dashboard frame as lines of styled segments: a pure function of what is on
 * screen. Ink draws it live; `--once` prints it as plain text. Never taller than rows - 1.
 */
import {agentPaneLines, type PaneView} from './agent-pane.js';
import type {SlaRule} from '../forum/rules.js';
import {allowedTransitions, isEscalated, msPastSla} from '../forum/rules.js';
import {decisionOf} from '../forum/answers.js';
import type {Answer, Question, Thread, ThreadState} from '../forum/types.js';
import type {SourceInfo} from '../service/client.js';
import type {ThreadDetail} from '../service/forum-service.js';
import {safeLine, safeText} from '../text/safe-text.js';
import {formatAge} from '../text/time.js';
import {hintBar, KEYMAP, PROMPT_MODES, type Mode, type View} from './keymap.js';
import {SECTIONS, type Queue, type QueueEntry} from './queue-model.js';
import {fit, textWidth, truncate, wrap} from './text-fit.js';

export type Style = 'plain' | 'dim' | 'bold' | 'title' | 'selected' | 'escalated' | 'urgent' | 'high' | 'unseen' | 'ok' | 'error' | 'key' | 'tab' | 'activeTab' | 'border';

export interface Segment {
	text: string;
	style?: Style;
}
export type Line = Segment[];

export const MIN_COLUMNS = 60;
export const MIN_ROWS = 12;
/** From this width the preview sits beside the list instead of below it. */
export const WIDE_COLUMNS = 150;

/** What an answer prompt answers with besides its text: an approval's yes/no, an amendment. */
export interface AnswerIntent {
	approved?: boolean;
	amend?: boolean;
}

/** Text of a write that did not land (refused, cancelled, timed out): kept until sent or discarded. */
export interface KeptText {
	threadId: string;
	text: string;
	/** Why it did not land, as the rule or the storage said. */
	reason: string;
	/** Where it was written: `e` reopens the same place. */
	origin: 'answer' | 'post' | 'editor';
	intent?: AnswerIntent;
}

/**
 * What is being typed or chosen on the prompt line. `version` is the thread's last sequence
 * as shown when the prompt opened: the write carries it as `ifVersion`.
 */
export type Prompt =
	| {kind: 'text'; purpose: 'answer' | 'post' | 'assign'; threadId: string; value: string; version: number; intent?: AnswerIntent}
	| {kind: 'text'; purpose: 'filter'; threadId?: undefined; value: string}
	| {kind: 'menu'; purpose: 'state' | 'priority' | 'amend'; threadId: string; options: readonly string[]; index: number; version: number}
	| {kind: 'confirm'; purpose: 'close'; threadId: string; version: number}
	| {kind: 'confirm'; purpose: 'discard'; threadId?: undefined; kept: KeptText}
	| {kind: 'kept'; threadId?: undefined; kept: KeptText};

/** The key mode a prompt puts the keyboard in. */
export function promptMode(prompt: Prompt): Exclude<Mode, View> {
	return prompt.kind === 'text' ? 'input' : prompt.kind;
}

/** A write that is waiting for another process to release the database. */
export interface Waiting {
	/** `answer OPS-7`. */
	what: string;
	elapsedMs: number;
}

export interface Notice {
	text: string;
	tone: 'ok' | 'error' | 'info';
}

export interface FrameInput {
	columns: number;
	rows: number;
	queue: Queue;
	sectionIndex: number;
	selectedId: string | undefined;
	/** First list row on screen. */
	top: number;
	view: View;
	/** Detail of the selected (queue) or open (detail view) thread, when loaded. */
	detail: ThreadDetail | undefined;
	/** The open thread does not exist (detail view). */
	detailMissing?: boolean;
	/** First detail line on screen. */
	detailScroll: number;
	help: boolean;
	prompt: Prompt | undefined;
	filter: string;
	notice: Notice | undefined;
	/** A write retrying while the database is locked by another process. */
	waiting?: Waiting;
	feedError: string | undefined;
	source: SourceInfo;
	lastSequence: number;
	operator: string;
	now: string;
	sla: SlaRule;
	/** Thread titles by id, for prompts about a thread that left the list. */
	threadOf: (id: string) => Thread | undefined;
	/** The agent's pane, when shown (`t`): drawn in the preview or detail instead of the conversation. */
	agentPane?: PaneView;
}

export interface Layout {
	tooSmall: boolean;
	wide: boolean;
	/** Queue rows on screen. */
	listHeight: number;
	listWidth: number;
	/** Preview lines (below the list, or beside it when wide). */
	previewHeight: number;
	previewWidth: number;
	/** Detail view body lines. */
	detailHeight: number;
}

/** Header, tabs, hint/prompt line and status line around the body. */
const CHROME = 4;

/**
 * Where things go. With `rowCount` (rows in the current section) a short list gives its
 * spare lines to the preview below it.
 */
export function layout(columns: number, rows: number, rowCount?: number): Layout {
	const tooSmall = columns < MIN_COLUMNS || rows < MIN_ROWS;
	const body = Math.max(0, rows - 1 - CHROME);
	const wide = columns >= WIDE_COLUMNS;
	if (wide) {
		const listWidth = Math.floor(columns * 0.55);
		return {tooSmall, wide, listHeight: body, listWidth, previewHeight: body, previewWidth: columns - listWidth - 3, detailHeight: body};
	}
	const minPreview = body >= 16 ? Math.min(10, Math.floor(body / 3)) : 0;
	let listHeight = body - minPreview;
	if (minPreview > 0 && rowCount !== undefined) listHeight = Math.min(listHeight, Math.max(3, rowCount + 1));
	return {tooSmall, wide, listHeight, listWidth: columns, previewHeight: body - listHeight, previewWidth: columns, detailHeight: body};
}

const STATE_LABEL: Record<ThreadState, string> = {
	new: 'new',
	triaged: 'triaged',
	waiting_operator: 'waiting_op',
	waiting_human: 'waiting_human',
	answered: 'answered',
	closed: 'closed',
};

function pad(line: Line, width: number): Line {
	const used = line.reduce((sum, segment) => sum + textWidth(segment.text), 0);
	return used < width ? [...line, {text: ' '.repeat(width - used)}] : line;
}

/** Keep a line within `width` cells, cutting the last segments that do not fit. */
export function clip(line: Line, width: number): Line {
	const out: Line = [];
	let left = width;
	for (const segment of line) {
		if (left <= 0) break;
		const w = textWidth(segment.text);
		if (w <= left) {
			out.push(segment);
			left -= w;
		} else {
			out.push({...segment, text: truncate(segment.text, left)});
			left = 0;
		}
	}
	return out;
}

export function lineText(line: Line): string {
	return line.map((segment) => segment.text).join('');
}

/** `14:02`: minutes only, so an idle frame changes once a minute, not every second. */
function localClock(iso: string): string {
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

function header(input: FrameInput): Line {
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

function tabs(input: FrameInput): Line {
	const line: Line = [{text: ' '}];
	SECTIONS.forEach((section, index) => {
		const count = input.queue.sections[section.id].length;
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

interface Columns {
	state: boolean;
	agent: boolean;
	over: boolean;
	assignee: boolean;
	title: number;
}

function columnsFor(width: number): Columns {
	const full = {state: true, agent: true, over: true, assignee: true};
	const cols = width >= 96 ? full : width >= 80 ? {...full, over: false, assignee: false} : {state: false, agent: true, over: false, assignee: false};
	let fixed = 4 + 7 + 9 + 1 + 4 + 4; // marks, priority, ticket, space after the title, posts, wait
	if (cols.state) fixed += 14;
	if (cols.agent) fixed += 10;
	if (cols.over) fixed += 6;
	if (cols.assignee) fixed += 9;
	return {...cols, title: Math.max(8, width - fixed)};
}

export function queueRow(entry: QueueEntry, input: Pick<FrameInput, 'now' | 'sla'>, width: number, selected: boolean): Line {
	const t = entry.thread;
	const cols = columnsFor(width);
	const priorityStyle: Style = t.priority === 'urgent' ? 'urgent' : t.priority === 'high' ? 'high' : 'plain';
	const waited = formatAge(Date.parse(input.now) - Date.parse(t.updatedAt));
	const line: Line = [
		{text: selected ? '▶' : ' ', style: 'bold'},
		{text: entry.unseen ? '•' : ' ', style: 'unseen'},
		{text: entry.escalated ? '!' : ' ', style: 'escalated'},
		{text: ' '},
		{text: fit(t.priority, 6), style: priorityStyle},
		{text: ' '},
	];
	if (cols.state) line.push({text: fit(STATE_LABEL[t.state], 13), style: t.state === 'closed' ? 'dim' : 'plain'}, {text: ' '});
	line.push({text: fit(safeLine(t.ticket), 8)}, {text: ' '});
	if (cols.agent) line.push({text: fit(safeLine(t.agentName), 9)}, {text: ' '});
	line.push({text: fit(safeLine(t.title), cols.title)}, {text: ' '});
	line.push({text: fit(String(t.postsCount), 3, 'right')}, {text: ' '});
	line.push({text: fit(waited, 4, 'right'), style: entry.escalated ? 'escalated' : 'plain'});
	if (cols.over) {
		const past = entry.escalated ? msPastSla(t, input.now, input.sla) : 0;
		const over = past > 0 ? `+${formatAge(past)}` : '';
		line.push({text: ' '}, {text: fit(over, 5, 'right'), style: 'escalated'});
	}
	if (cols.assignee) line.push({text: ' '}, {text: fit(t.assignee ? safeLine(t.assignee.name) : '-', 8), style: t.assignee ? 'plain' : 'dim'});
	const fitted = pad(clip(line, width), width);
	return selected ? fitted.map((segment) => ({...segment, style: 'selected' as Style})) : fitted;
}

function emptyText(sectionIndex: number, filter: string): string {
	if (filter.trim() !== '') return `  no thread matches /${safeLine(filter)} here — Esc clears the filter`;
	const id = SECTIONS[sectionIndex]?.id;
	if (id === 'needs_human') return '  nothing needs a human right now ✓';
	if (id === 'needs_me') return '  nothing unseen and unanswered is assigned to you';
	return '  no threads here';
}

/** The visible slice of a section: only these rows are formatted (10k threads cost the same as 10). */
export function windowRows(entries: readonly QueueEntry[], top: number, height: number): {rows: readonly QueueEntry[]; top: number} {
	const maxTop = Math.max(0, entries.length - height);
	const start = Math.min(Math.max(0, top), maxTop);
	return {rows: entries.slice(start, start + height), top: start};
}

function listLines(input: FrameInput, box: Layout): Line[] {
	const entries = input.queue.sections[SECTIONS[input.sectionIndex]!.id];
	if (entries.length === 0) return [[{text: emptyText(input.sectionIndex, input.filter), style: 'dim'}]];
	const {rows} = windowRows(entries, input.top, box.listHeight);
	return rows.map((entry) => queueRow(entry, input, box.listWidth, entry.thread.id === input.selectedId));
}

function describeThread(thread: Thread, input: Pick<FrameInput, 'now' | 'sla'>): Line {
	const waited = formatAge(Date.parse(input.now) - Date.parse(thread.updatedAt));
	const line: Line = [
		{text: safeLine(thread.ticket), style: 'bold'},
		{text: ` · ${safeLine(thread.agentName)} · `},
		{text: thread.priority, style: thread.priority === 'urgent' ? 'urgent' : thread.priority === 'high' ? 'high' : 'plain'},
		{text: ` · ${thread.state} ${waited} · assignee ${thread.assignee ? `${thread.assignee.type}:${safeLine(thread.assignee.name)}` : '-'}`},
	];
	if (isEscalated(thread, input.now, input.sla)) {
		const past = msPastSla(thread, input.now, input.sla);
		line.push({text: ' · ', style: 'plain'}, {text: past > 0 ? `ESCALATED +${formatAge(past)} past SLA` : 'ESCALATED', style: 'escalated'});
	}
	return line;
}

/** `1 Drop · 2 Keep (recommended)`: options as numbered keys. */
export function choiceList(question: Extract<Question, {kind: 'choice'}>): string {
	return question.choices.map((label, index) => `${index + 1} ${safeLine(label)}${question.recommended === index + 1 ? ' (recommended)' : ''}`).join(' · ');
}

/** What the thread asks: `choose one — 1 A · 2 B`, `approval — y approve · n deny`, `free text`. */
export function questionText(question: Question): string {
	if (question.kind === 'choice') return `choose one — ${choiceList(question)}`;
	if (question.kind === 'approval') return 'approval — y approve · n deny';
	return 'free text';
}

/** `✓ answered by bob: B`, `✓ approved by bob`, `✗ denied by bob: reason`, plus `· amended`. */
export function decisionLine(answer: Answer): Line {
	const by = safeLine(answer.author.name);
	const reason = answer.body.trim() === '' ? '' : `: ${safeLine(answer.body.split('\n')[0] ?? '')}`;
	const amended = answer.amendments > 0 ? ` · amended${answer.amendments > 1 ? ` ${answer.amendments}×` : ''}` : '';
	if (answer.kind === 'approval' && answer.approved === false) return [{text: `✗ denied by ${by}${reason}${amended}`, style: 'error'}];
	if (answer.kind === 'approval') return [{text: `✓ approved by ${by}${reason}${amended}`, style: 'ok'}];
	if (answer.kind === 'choice' && answer.choice) {
		return [{text: `✓ answered by ${by}: ${answer.choice.index} ${safeLine(answer.choice.label)}${reason ? ` —${reason.slice(1)}` : ''}${amended}`, style: 'ok'}];
	}
	return [{text: `✓ answered by ${by}${reason}${amended}`, style: 'ok'}];
}

interface Message {
	author: string;
	authorType: string;
	at: string;
	body: string;
	/** `answer`, `current answer`, `amendment`: how a post counts as the decision. */
	mark?: string;
}

function messages(detail: ThreadDetail): Message[] {
	const t = detail.thread;
	const current = decisionOf(t)?.eventId;
	return [
		{author: t.createdBy.name, authorType: t.createdBy.type, at: t.createdAt, body: t.body},
		...detail.posts.map((post) => ({
			author: post.authorName,
			authorType: post.authorType,
			at: post.createdAt,
			body: post.body,
			mark: !post.answer ? undefined : `${post.eventId === current ? '★ current ' : ''}${post.answer.amends ? 'amended answer' : 'answer'}`,
		})),
	];
}

/** A compact conversation: `author time  text`, wrapped under the text column. */
function compactConversation(detail: ThreadDetail, now: string, width: number): Line[] {
	const all = messages(detail);
	const nameWidth = Math.min(10, Math.max(...all.map((m) => textWidth(safeLine(m.author)))));
	const lines: Line[] = [];
	for (const message of all) {
		const time = shortTime(message.at, now);
		const lead = `${fit(safeLine(message.author), nameWidth)} ${time}  `;
		const bodyWidth = Math.max(10, width - textWidth(lead));
		const body = wrap(safeText(message.body, {multiline: true}).trim(), bodyWidth);
		body.forEach((text, index) => {
			lines.push(
				index === 0
					? [{text: lead.slice(0, nameWidth), style: message.authorType === 'agent' ? 'bold' : 'ok'}, {text: lead.slice(nameWidth), style: 'dim'}, {text}]
					: [{text: ' '.repeat(textWidth(lead))}, {text}],
			);
		});
	}
	return lines;
}

function previewLines(input: FrameInput, box: Layout): Line[] {
	const height = box.previewHeight;
	if (height <= 0) return [];
	const width = box.previewWidth;
	const detail = input.detail && input.detail.thread.id === input.selectedId ? input.detail : undefined;
	const rule = (text: string): Line => [{text: truncate(text, width), style: 'border'}];
	if (!detail) {
		const lines: Line[] = [rule('┌' + '─'.repeat(width - 1))];
		lines.push([{text: input.selectedId ? '│ loading…' : '│ no thread selected', style: 'dim'}]);
		return lines;
	}
	const head: Line = [{text: '┌ ', style: 'border'}, ...describeThread(detail.thread, input), {text: ' '}];
	const headLine = clip(head, width);
	const used = headLine.reduce((sum, s) => sum + textWidth(s.text), 0);
	headLine.push({text: '─'.repeat(Math.max(0, width - used)), style: 'border'});
	const title: Line = [{text: '│ ', style: 'border'}, {text: safeLine(detail.thread.title), style: 'bold'}];
	const asks = previewAsks(detail);
	if (input.agentPane) return [headLine, title, ...asks, ...agentPaneLines(input.agentPane, width, height - 2 - asks.length)].slice(0, height).map((line) => clip(line, width));
	const body = compactConversation(detail, input.now, width - 2).map((line): Line => [{text: '│ ', style: 'border'}, ...line]);
	// The newest messages matter most in a preview: keep the tail.
	const room = height - 2 - asks.length;
	const tail = body.length > room ? body.slice(body.length - Math.max(0, room)) : body;
	return [headLine, title, ...asks, ...tail].slice(0, height).map((line) => clip(line, width));
}

/** The preview's line about the question under its title: the decision, or the options asked. */
function previewAsks(detail: ThreadDetail): Line[] {
	const decision = decisionOf(detail.thread);
	const question = detail.thread.question;
	if (decision) return [[{text: '│ ', style: 'border'}, ...decisionLine(decision)]];
	if (question.kind !== 'text') return [[{text: '│ ', style: 'border'}, {text: questionText(question), style: 'bold'}]];
	return [];
}

/** The detail's lines above the conversation (header, title, question, decision, a blank): what stays above the pane. */
function detailHead(detail: ThreadDetail, input: Pick<FrameInput, 'now' | 'sla' | 'detailMissing'>, width: number): Line[] {
	const lines = detailLines(detail, input, width);
	const blank = lines.findIndex((line) => line.length === 0);
	return lines.slice(0, blank < 0 ? lines.length : blank + 1);
}

/**
 * Rows of pane text on screen: the preview below its head, title and question line, or the
 * detail below the question. The frame draws that many; an answer records that many.
 */
export function agentPaneRows(input: Pick<FrameInput, 'view' | 'columns' | 'now' | 'sla'>, box: Layout, detail: ThreadDetail): number {
	const above = input.view === 'detail' ? detailHead(detail, input, input.columns).length : 2 + previewAsks(detail).length;
	const height = input.view === 'detail' ? box.detailHeight : box.previewHeight;
	// One row is the pane's own rule.
	return Math.max(0, height - above - 1);
}

/** Every line of the open thread: header, conversation, assignments, state history. */
export function detailLines(detail: ThreadDetail | undefined, input: Pick<FrameInput, 'now' | 'sla' | 'detailMissing'>, width: number): Line[] {
	if (!detail && input.detailMissing) return [[{text: ' thread not found — it may have been removed; Esc goes back', style: 'error'}]];
	if (!detail) return [[{text: ' loading…', style: 'dim'}]];
	const t = detail.thread;
	const lines: Line[] = [
		clip([{text: ' '}, ...describeThread(t, input), {text: ` · ${t.id}`, style: 'dim'}], width),
		clip([{text: ' '}, {text: safeLine(t.title), style: 'title'}], width),
	];
	for (const text of wrap(`question: ${questionText(t.question)}`, width - 2)) lines.push([{text: ` ${text}`, style: t.question.kind === 'text' ? 'dim' : 'bold'}]);
	const decision = decisionOf(t);
	if (decision) lines.push(clip([{text: ' '}, ...decisionLine(decision)], width));
	lines.push([]);
	for (const message of messages(detail)) {
		const mark: Line = message.mark ? [{text: `${message.mark} `, style: message.mark.startsWith('★') ? 'ok' : 'dim'}] : [];
		lines.push(clip([{text: ' ── ', style: 'border'}, {text: safeLine(message.author), style: message.authorType === 'agent' ? 'bold' : 'ok'}, {text: ` (${message.authorType}) · ${shortTime(message.at, input.now)} `, style: 'dim'}, ...mark, {text: '──', style: 'border'}], width));
		for (const text of wrap(safeText(message.body, {multiline: true}).trim(), width - 3)) lines.push([{text: `   ${text}`}]);
		lines.push([]);
	}
	if (detail.assignments.length > 0) {
		lines.push([{text: ' Assignments', style: 'bold'}]);
		for (const a of detail.assignments) {
			const note = a.note ? `  “${safeLine(a.note)}”` : '';
			lines.push(clip([{text: `   ${shortTime(a.assignedAt, input.now)}  `, style: 'dim'}, {text: `${a.fromName ? safeLine(a.fromName) : '-'} → ${a.toType}:${safeLine(a.toName)} by ${safeLine(a.assignedByName)}${note}`}], width));
		}
		lines.push([]);
	}
	lines.push([{text: ' State history', style: 'bold'}]);
	lines.push(clip([{text: `   ${shortTime(t.createdAt, input.now)}  `, style: 'dim'}, {text: `opened as new by ${t.createdBy.type} ${safeLine(t.createdBy.name)}`}], width));
	for (const tr of detail.transitions) {
		lines.push(clip([{text: `   ${shortTime(tr.changedAt, input.now)}  `, style: 'dim'}, {text: `${tr.fromState} → ${tr.toState} by ${tr.actorType} ${safeLine(tr.actorName)}`}], width));
	}
	if (t.state !== 'closed') lines.push([{text: `   next: ${allowedTransitions(t.state).join(', ')}`, style: 'dim'}]);
	return lines;
}

function helpLines(view: View, width: number, height: number): Line[] {
	const lines: Line[] = [[{text: ' Keys', style: 'title'}, {text: view === 'detail' ? ' (thread view)' : ' (queue)', style: 'dim'}, {text: '   any key closes this help', style: 'dim'}]];
	const bindings = KEYMAP.filter((binding) => binding.views.includes(view));
	const entries: Line[] = bindings.map((binding) => [{text: ` ${fit(binding.label, 8)}`, style: 'key'}, {text: binding.description}]);
	// The prompts' and menus' keys too: the registry is the whole keyboard.
	for (const {mode, label} of PROMPT_MODES) {
		for (const binding of KEYMAP.filter((b) => b.views.includes(mode))) {
			entries.push([{text: ` ${fit(binding.label, 8)}`, style: 'key'}, {text: `${label}: `, style: 'dim'}, {text: binding.description}]);
		}
	}
	const perColumn = Math.max(1, height - 1);
	const columnCount = Math.ceil(entries.length / perColumn);
	const columnWidth = Math.floor(width / Math.max(1, columnCount));
	for (let row = 0; row < Math.min(perColumn, entries.length); row++) {
		const line: Line = [];
		for (let col = 0; col < columnCount; col++) {
			const entry = entries[col * perColumn + row];
			if (entry) line.push(...pad(clip(entry, columnWidth - 1), columnWidth));
		}
		lines.push(line);
	}
	return lines;
}

function hintLine(input: FrameInput): Line {
	const line: Line = [];
	const thread = input.view === 'detail' ? input.detail?.thread : input.selectedId ? input.threadOf(input.selectedId) : undefined;
	const context = thread
		? {question: thread.question.kind, choices: thread.question.kind === 'choice' ? thread.question.choices.length : undefined, answered: decisionOf(thread) !== null && thread.state === 'answered'}
		: {};
	for (const {key, word} of hintBar(input.view, context)) line.push({text: ` ${key}`, style: 'key'}, {text: ` ${word} `});
	const extra: Line = input.view === 'detail' ? [{text: ' Esc', style: 'key'}, {text: ' back '}] : [{text: ' Enter', style: 'key'}, {text: ' open '}];
	const width = (segments: Line) => segments.reduce((sum, s) => sum + textWidth(s.text), 0);
	// The way back out of a thread matters more than the rest: it goes first there.
	if (input.view === 'detail') return [...extra, ...line];
	return width(line) + width(extra) <= input.columns ? [...line, ...extra] : line;
}

function keysOf(mode: Mode): string {
	return KEYMAP.filter((binding) => binding.views.includes(mode))
		.map((binding) => `${binding.label.split(' ')[0]} ${binding.description.split(' ')[0]}`)
		.join(' · ');
}

/** The kept-text menu: why the write did not land (wrapped, up to 3 lines), then the text and its keys. */
function keptLines(kept: KeptText, input: FrameInput): Line[] {
	const thread = input.threadOf(kept.threadId);
	const reason = wrap(`✗ ${safeLine(kept.reason)}`, input.columns - 2).slice(0, 3).map((text): Line => [{text: ` ${text}`, style: 'error'}]);
	const keys = `  ${keysOf('kept')}`;
	const lead = ` kept for ${thread ? safeLine(thread.ticket) : 'the thread'}: `;
	const room = Math.max(8, input.columns - textWidth(lead) - textWidth(keys) - 2);
	const text = safeLine(kept.text);
	return [...reason, [{text: lead, style: 'bold'}, {text: `“${truncate(text, room)}”`}, {text: keys, style: 'key'}]];
}

function answerLabel(prompt: {intent?: AnswerIntent}, ticket: string): string {
	const intent = prompt.intent ?? {};
	const verb = intent.approved === true ? 'approve' : intent.approved === false ? 'deny' : 'answer';
	if (intent.approved !== undefined) return ` ${intent.amend ? 'amend: ' : ''}${verb} ${ticket}, reason (optional) ›`;
	return ` ${intent.amend ? 'amend the answer of' : 'answer'} ${ticket} ›`;
}

function promptLine(prompt: Prompt, input: FrameInput): Line {
	const thread = prompt.threadId ? input.threadOf(prompt.threadId) : undefined;
	const ticket = thread ? safeLine(thread.ticket) : '';
	if (prompt.kind === 'kept') return keptLines(prompt.kept, input).at(-1)!;
	if (prompt.kind === 'text') {
		const label =
			prompt.purpose === 'filter' ? ' filter /' : prompt.purpose === 'assign' ? ` assign ${ticket} to ›` : prompt.purpose === 'answer' ? answerLabel(prompt, ticket) : ` ${prompt.purpose} ${ticket} ›`;
		const question = thread?.question;
		const offers = prompt.purpose === 'answer' && prompt.intent?.approved === undefined && prompt.value === '' && question?.kind === 'choice' ? question : undefined;
		const help = prompt.purpose === 'filter' ? 'Enter keep · Esc clear' : offers ? `${choiceList(offers)} — press a number, or type an answer · Esc cancel` : 'Enter send · Esc cancel';
		// Typed text wins over the help when the pane is narrow: the help is clipped, never the end of the text.
		const room = Math.max(12, input.columns - textWidth(label) - textWidth(help) - 4);
		const value = safeLine(prompt.value);
		const shown = textWidth(value) > room ? `…${value.slice(-(room - 1))}` : value;
		return [{text: label, style: 'bold'}, {text: ` ${shown}`}, {text: '█', style: 'dim'}, {text: `  ${help}`, style: 'dim'}];
	}
	if (prompt.kind === 'menu') {
		const line: Line = [{text: ` ${prompt.purpose} of ${ticket}:`, style: 'bold'}];
		prompt.options.forEach((option, index) => {
			line.push({text: ' '});
			line.push(index === prompt.index ? {text: `[${index + 1} ${option}]`, style: 'activeTab'} : {text: ` ${index + 1} ${option} `});
		});
		line.push({text: '  ←/→ or 1-9 · Enter · Esc', style: 'dim'});
		return line;
	}
	if (prompt.purpose === 'discard') {
		return [{text: ` discard the kept text (${[...prompt.kept.text].length} characters)? it cannot be recovered`, style: 'bold'}, {text: ' y/N', style: 'key'}];
	}
	const title = thread ? ` “${safeLine(thread.title)}”` : '';
	return [{text: ` close ${ticket}${title}?`, style: 'bold'}, {text: ' y/N', style: 'key'}];
}

function statusLine(input: FrameInput): Line {
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

function noticeSegments(notice: Notice): Line {
	const mark = notice.tone === 'ok' ? '✓ ' : notice.tone === 'error' ? '✗ ' : '';
	return [{text: `${mark}${safeLine(notice.text)}`, style: notice.tone === 'ok' ? 'ok' : notice.tone === 'error' ? 'error' : 'plain'}];
}

/** The frame: at most rows - 1 lines, each at most `columns` cells. */
export function buildFrame(input: FrameInput): Line[] {
	const box = layout(input.columns, input.rows, input.queue.sections[SECTIONS[input.sectionIndex]!.id].length);
	if (box.tooSmall) {
		return [[{text: truncate(` pane too small (${input.columns}x${input.rows}); needs at least ${MIN_COLUMNS}x${MIN_ROWS} · q quits`, input.columns), style: 'error'}]];
	}
	const lines: Line[] = [header(input), tabs(input)];
	if (input.help) {
		lines.push(...helpLines(input.view, input.columns, box.detailHeight).slice(0, box.detailHeight));
		while (lines.length < 2 + box.detailHeight) lines.push([]);
	} else if (input.view === 'detail') {
		const all =
			input.agentPane && input.detail
				? [...detailHead(input.detail, input, input.columns), ...agentPaneLines(input.agentPane, input.columns, agentPaneRows(input, box, input.detail) + 1)]
				: detailLines(input.detail, input, input.columns);
		const start = Math.min(Math.max(0, input.detailScroll), Math.max(0, all.length - box.detailHeight));
		lines.push(...all.slice(start, start + box.detailHeight));
		while (lines.length < 2 + box.detailHeight) lines.push([]);
	} else {
		const list = listLines(input, box);
		while (list.length < box.listHeight) list.push([]);
		const preview = previewLines(input, box);
		if (box.wide) {
			for (let i = 0; i < box.listHeight; i++) {
				lines.push([...pad(clip(list[i] ?? [], box.listWidth), box.listWidth), {text: ' │ ', style: 'border'}, ...(preview[i] ?? [])]);
			}
		} else {
			lines.push(...list.slice(0, box.listHeight), ...preview);
			while (lines.length < 2 + box.listHeight + box.previewHeight) lines.push([]);
		}
	}
	// The prompt, else the outcome of the last action (until the next key), else the key hints.
	if (input.prompt?.kind === 'kept') {
		// The kept-text menu takes the last body lines for its reason.
		const kept = keptLines(input.prompt.kept, input);
		lines.splice(lines.length - (kept.length - 1), kept.length - 1, ...kept.slice(0, -1));
	}
	lines.push(input.prompt ? promptLine(input.prompt, input) : input.notice ? [{text: ' '}, ...noticeSegments(input.notice)] : hintLine(input));
	lines.push(statusLine(input));
	return lines.slice(0, input.rows - 1).map((line) => clip(line, input.columns));
}

/** The frame as plain text (for `--once`, tests and README captures). */
export function frameText(lines: readonly Line[]): string {
	return lines.map((line) => lineText(line).trimEnd()).join('\n');
}
