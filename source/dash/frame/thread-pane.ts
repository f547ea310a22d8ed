/** The thread pane: the preview beside or below the queue, and the thread view (pinned header, scrolling body). */
import {decisionOf} from '../../forum/answers.js';
import {allowedTransitions, isEscalated, msPastSla} from '../../forum/rules.js';
import {isSnoozed} from '../../forum/snooze.js';
import type {Answer, Question, Thread} from '../../forum/types.js';
import type {ThreadDetail} from '../../service/forum-service.js';
import {safeLine, safeText} from '../../text/safe-text.js';
import {formatAge, formatWait} from '../../text/time.js';
import {agentPaneLines} from '../agent-pane.js';
import {KEYMAP, keyOf, type KeyBinding} from '../keymap.js';
import {choiceList} from '../state.js';
import {fit, textWidth, truncate, wrap} from '../text-fit.js';
import type {FrameInput} from '../frame.js';
import type {Layout} from './layout.js';
import {clip, lineWidth, pad, type Line} from './line.js';
import {shortTime} from './status.js';

/** `OPS-7 · builder · urgent · waiting_human 12m · assignee -`, and ESCALATED past its SLA. */
export function describeThread(thread: Thread, input: Pick<FrameInput, 'now' | 'sla'>): Line {
	const waited = formatWait(thread, input.now);
	const line: Line = [
		{text: safeLine(thread.ticket), style: 'bold'},
		{text: ` · ${safeLine(thread.agentName)} · `},
		{text: thread.priority, style: thread.priority === 'urgent' ? 'urgent' : thread.priority === 'high' ? 'high' : 'plain'},
		{text: ` · ${thread.state} ${waited} · assignee ${thread.assignee ? `${thread.assignee.type}:${safeLine(thread.assignee.name)}` : '-'}`},
	];
	if (isSnoozed(thread, input.now)) {
		line.push({text: ` · snoozed until ${shortTime(thread.snoozedUntil!, input.now)} (${formatAge(Date.parse(thread.snoozedUntil!) - Date.parse(input.now))} left)`, style: 'dim'});
	}
	if (isEscalated(thread, input.now, input.sla)) {
		const past = msPastSla(thread, input.now, input.sla);
		line.push({text: ' · ', style: 'plain'}, {text: past > 0 ? `ESCALATED +${formatAge(past)} past SLA` : 'ESCALATED', style: 'escalated'});
	}
	return line;
}

/** What the thread asks: `choose one — 1 A · 2 B`, `approval — y approve · n deny`, `free text`. */
export function questionText(question: Question, keymap: readonly KeyBinding[] = KEYMAP): string {
	if (question.kind === 'choice') return `choose one — ${choiceList(question)}`;
	if (question.kind === 'approval') return `approval — ${keyOf('approve', 'detail', keymap) ?? '?'} approve · ${keyOf('deny', 'detail', keymap) ?? '?'} deny`;
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

/** A compact conversation line, with the message it belongs to (so a cut tail can name its author). */
interface ConversationLine {
	line: Line;
	message: number;
	first: boolean;
}

/** A compact conversation: `author time  text`, wrapped under the text column. */
function compactConversation(detail: ThreadDetail, now: string, width: number): ConversationLine[] {
	const all = messages(detail);
	const nameWidth = Math.min(10, Math.max(...all.map((m) => textWidth(safeLine(m.author)))));
	const lines: ConversationLine[] = [];
	all.forEach((message, index) => {
		const lead = authorLead(message, now, nameWidth);
		const leadWidth = lineWidth(lead);
		const bodyWidth = Math.max(10, width - leadWidth);
		const body = wrap(safeText(message.body, {multiline: true}).trim(), bodyWidth);
		body.forEach((text, line) => {
			lines.push({line: line === 0 ? [...lead, {text}] : [{text: ' '.repeat(leadWidth)}, {text}], message: index, first: line === 0});
		});
	});
	return lines;
}

function authorLead(message: Message, now: string, nameWidth: number): Line {
	return [
		{text: fit(safeLine(message.author), nameWidth), style: message.authorType === 'agent' ? 'bold' : 'ok'},
		{text: ` ${shortTime(message.at, now)}  `, style: 'dim'},
	];
}

/** The last `room` lines; when that starts inside a message, its first line shown says whose it is (`…` marks the cut). */
function conversationTail(detail: ThreadDetail, now: string, width: number, room: number): Line[] {
	const all = compactConversation(detail, now, width);
	if (room <= 0) return [];
	if (all.length <= room) return all.map((entry) => entry.line);
	const tail = all.slice(all.length - room);
	const first = tail[0]!;
	if (!first.first) {
		const message = messages(detail)[first.message]!;
		const nameWidth = Math.min(10, Math.max(...messages(detail).map((m) => textWidth(safeLine(m.author)))));
		const lead = authorLead(message, now, nameWidth);
		tail[0] = {...first, line: [...lead, {text: '…', style: 'dim'}, ...first.line.slice(1).map((segment) => ({...segment, text: segment.text.trimStart()}))]};
	}
	return tail.map((entry) => entry.line);
}

/** The preview of the cursor's thread: its header, title, question or decision, and the newest messages. */
export function previewLines(input: FrameInput, box: Layout): Line[] {
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
	const used = lineWidth(headLine);
	headLine.push({text: '─'.repeat(Math.max(0, width - used)), style: 'border'});
	const title: Line = [{text: '│ ', style: 'border'}, {text: safeLine(detail.thread.title), style: 'bold'}];
	const asks = [...previewAsks(detail, input.keymap), ...notes(detail, input).map((line): Line => [{text: '│ ', style: 'border'}, ...line])];
	if (input.agentPane) return [headLine, title, ...asks, ...agentPaneLines(input.agentPane, width, height - 2 - asks.length)].slice(0, height).map((line) => clip(line, width));
	// The newest messages matter most in a preview: keep the tail, with its author.
	const room = height - 2 - asks.length;
	const tail = conversationTail(detail, input.now, width - 2, room).map((line): Line => [{text: '│ ', style: 'border'}, ...line]);
	return [headLine, title, ...asks, ...tail].slice(0, height).map((line) => clip(line, width));
}

/** Every line of the open thread: header, conversation, assignments, state history. */
export function detailLines(detail: ThreadDetail | undefined, input: Pick<FrameInput, 'now' | 'sla' | 'detailMissing' | 'keymap' | 'presence' | 'similar'>, width: number): Line[] {
	if (!detail && input.detailMissing) return [[{text: ' thread not found — it may have been removed; Esc goes back', style: 'error'}]];
	if (!detail) return [[{text: ' loading…', style: 'dim'}]];
	const t = detail.thread;
	const lines: Line[] = [];
	for (const text of wrap(`question: ${questionText(t.question, input.keymap)}`, width - 2)) lines.push([{text: ` ${text}`, style: t.question.kind === 'text' ? 'dim' : 'bold'}]);
	const decision = decisionOf(t);
	if (decision) lines.push(clip([{text: ' '}, ...decisionLine(decision)], width));
	for (const note of notes(detail, input)) lines.push(clip([{text: ' '}, ...note], width));
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

/** The thread view's pinned lines: the thread, its title, and where in the conversation the screen is. */
export function detailHeader(detail: ThreadDetail | undefined, input: Pick<FrameInput, 'now' | 'sla'>, width: number, position: {first: number; last: number; total: number}): Line[] {
	if (!detail) return [];
	const t = detail.thread;
	const where = position.total > 0 && position.last - position.first + 1 < position.total ? `lines ${position.first}–${position.last} of ${position.total}` : `all ${position.total} lines`;
	const right = ` ${where} `;
	const room = Math.max(0, width - textWidth(right));
	const head: Line = [...pad(clip([{text: ' '}, ...describeThread(t, input), {text: ` · ${t.id}`, style: 'dim'}], room), room), {text: right, style: 'dim'}];
	return [head as Line, clip([{text: ' '}, {text: safeLine(t.title), style: 'title'}], width)];
}

/** Who else is on the thread (another dashboard's answer prompt), and a similar answered thread `R` reuses. */
export function notes(detail: ThreadDetail, input: Pick<FrameInput, 'presence' | 'similar' | 'now' | 'keymap'>): Line[] {
	const lines: Line[] = [];
	const onIt = input.presence?.get(detail.thread.id);
	if (onIt) lines.push([{text: `✎ ${safeLine(onIt)}`, style: 'bold'}]);
	const similar = input.similar && input.similar.threadId !== detail.thread.id && decisionOf(detail.thread) === null ? input.similar : undefined;
	if (similar) {
		const ago = formatAge(Date.parse(input.now) - Date.parse(similar.at));
		lines.push([{text: `≈ similar, answered ${ago} ago: `, style: 'dim'}, {text: safeLine(similar.headline), style: 'bold'}, {text: ` (${safeLine(similar.ticket)}: ${safeLine(similar.title)}) · ${keyOf('reuse', 'queue', input.keymap) ?? 'R'} reuses it`, style: 'dim'}]);
	}
	return lines;
}

/** The preview's line about the question under its title: the decision, or the options asked. */
function previewAsks(detail: ThreadDetail, keymap?: readonly KeyBinding[]): Line[] {
	const decision = decisionOf(detail.thread);
	const question = detail.thread.question;
	if (decision) return [[{text: '│ ', style: 'border'}, ...decisionLine(decision)]];
	if (question.kind !== 'text') return [[{text: '│ ', style: 'border'}, {text: questionText(question, keymap), style: 'bold'}]];
	return [];
}

/** The thread view's lines above the conversation (question, decision, a blank): what stays above the agent's pane. */
export function detailHead(detail: ThreadDetail, input: Pick<FrameInput, 'now' | 'sla' | 'detailMissing' | 'keymap'>, width: number): Line[] {
	const lines = detailLines(detail, input, width);
	const blank = lines.findIndex((line) => line.length === 0);
	return lines.slice(0, blank < 0 ? lines.length : blank + 1);
}

/**
 * Rows of pane text on screen: the preview below its head, title and question line, or the
 * thread view below its pinned header and the question. The frame draws that many; an answer records that many.
 */
export function agentPaneRows(input: Pick<FrameInput, 'view' | 'columns' | 'now' | 'sla'>, box: Layout, detail: ThreadDetail, pinned: number): number {
	const above = input.view === 'detail' ? pinned + detailHead(detail, input, input.columns).length : 2 + previewAsks(detail).length;
	const height = input.view === 'detail' ? box.detailHeight : box.previewHeight;
	// One row is the pane's own rule.
	return Math.max(0, height - above - 1);
}
