/** The prompt line: the key hints, or an open prompt (text with its cursor, a menu, y/N, kept text). */
import {decisionOf} from '../../forum/answers.js';
import {DEFAULT_SNOOZE} from '../../forum/snooze.js';
import {safeLine} from '../../text/safe-text.js';
import {hintBar, keyOf, modeHints} from '../keymap.js';
import {choiceList, count, type AnswerIntent, type KeptText, type Prompt} from '../state.js';
import {head, tail, textWidth, truncate, wrap} from '../text-fit.js';
import type {FrameInput} from '../frame.js';
import type {Line} from './line.js';

/** The key hints for the view, from the registry; question keys only where they apply. */
export function hintLine(input: FrameInput): Line {
	const line: Line = [];
	// Marks first: they change what A p s c do.
	const marked = input.view === 'queue' ? (input.marked?.size ?? 0) : 0;
	if (marked > 0) line.push({text: ` ✓ ${marked} marked:`, style: 'ok'});
	const thread = input.view === 'detail' ? input.detail?.thread : input.selectedId ? input.threadOf(input.selectedId) : undefined;
	const context = thread
		? {question: thread.question.kind, choices: thread.question.kind === 'choice' ? thread.question.choices.length : undefined, answered: decisionOf(thread) !== null && thread.state === 'answered'}
		: {};
	for (const {key, word} of hintBar(input.view, context, input.keymap)) line.push({text: ` ${key}`, style: 'key'}, {text: ` ${word} `});
	const way = input.view === 'detail' ? {key: keyOf('back', 'detail', input.keymap), word: 'back'} : {key: keyOf('open', 'queue', input.keymap), word: 'open'};
	const extra: Line = way.key ? [{text: ` ${way.key}`, style: 'key'}, {text: ` ${way.word} `}] : [];
	const width = (segments: Line) => segments.reduce((sum, s) => sum + textWidth(s.text), 0);
	// The way back out of a thread matters more than the rest: it goes first there.
	if (input.view === 'detail') return [...extra, ...line];
	return width(line) + width(extra) <= input.columns ? [...line, ...extra] : line;
}

/** The kept-text menu: why the write did not land (wrapped, up to 3 lines), then the text and its keys. */
export function keptLines(kept: KeptText, input: FrameInput): Line[] {
	const thread = input.threadOf(kept.threadId);
	const reason = wrap(`✗ ${safeLine(kept.reason)}`, input.columns - 2).slice(0, 3).map((text): Line => [{text: ` ${text}`, style: 'error'}]);
	const keys = `  ${modeHints('kept', {keymap: input.keymap})}`;
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

/** The bottom line while a prompt is open: what it asks, the text with its cursor, its keys (from the registry). */
export function promptLine(prompt: Prompt, input: FrameInput): Line {
	const thread = prompt.threadId ? input.threadOf(prompt.threadId) : undefined;
	const ticket = thread ? safeLine(thread.ticket) : '';
	if (prompt.kind === 'kept') return keptLines(prompt.kept, input).at(-1)!;
	if (prompt.kind === 'text') {
		const label =
			prompt.purpose === 'filter'
				? ' filter /'
				: prompt.purpose === 'bulkAssign'
					? ` assign ${count(prompt.targets.length)} to ›`
					: prompt.purpose === 'assign'
						? ` assign ${ticket} to ›`
						: prompt.purpose === 'answer'
							? answerLabel(prompt, ticket)
							: prompt.purpose === 'snooze'
								? ` snooze ${ticket} for / until ›`
								: ` ${prompt.purpose} ${ticket} ›`;
		const question = thread?.question;
		const offers = prompt.purpose === 'answer' && prompt.intent?.approved === undefined && prompt.value === '' && question?.kind === 'choice' ? question : undefined;
		const keys = modeHints('input', {filter: prompt.purpose === 'filter', keymap: input.keymap});
		const help = offers ? `${choiceList(offers)} — press a number, or type an answer · ${keys}` : keys;
		// Typed text wins over the help when the pane is narrow: the help is clipped, never the cursor.
		const room = Math.max(12, input.columns - textWidth(label) - textWidth(help) - 4);
		const placeholder =
			prompt.value !== ''
				? ''
				: prompt.purpose === 'assign' || prompt.purpose === 'bulkAssign'
					? `you (${safeLine(input.operator)}); or a name, human:alice`
					: prompt.purpose === 'snooze'
						? `${DEFAULT_SNOOZE}; or 30m, 2h, 1d, 14:30`
						: '';
		return [{text: label, style: 'bold'}, {text: ' '}, ...withCursor(safeLine(prompt.value.slice(0, prompt.cursor)), safeLine(prompt.value.slice(prompt.cursor)), room), ...(placeholder ? [{text: placeholder, style: 'dim' as const}] : []), {text: `  ${help}`, style: 'dim'}];
	}
	if (prompt.kind === 'menu') {
		const line: Line = [{text: 'targets' in prompt ? ` ${prompt.purpose === 'bulkState' ? 'state' : 'priority'} of ${count(prompt.targets.length)}:` : ` ${prompt.purpose} of ${ticket}:`, style: 'bold'}];
		prompt.options.forEach((option, index) => {
			line.push({text: ' '});
			line.push(index === prompt.index ? {text: `[${index + 1} ${option}]`, style: 'activeTab'} : {text: ` ${index + 1} ${option} `});
		});
		line.push({text: `  ${modeHints('menu', {keymap: input.keymap})}`, style: 'dim'});
		return line;
	}
	if (prompt.purpose === 'discard') {
		return [{text: ` discard the kept text (${[...prompt.kept.text].length} characters)? it cannot be recovered`, style: 'bold'}, {text: ' y/N', style: 'key'}, {text: `  ${modeHints('confirm', {keymap: input.keymap})}`, style: 'dim'}];
	}
	if (prompt.purpose === 'bulkClose') {
		const tickets = prompt.targets.slice(0, 8).map((target) => safeLine(input.threadOf(target.threadId)?.ticket ?? target.threadId));
		const more = prompt.targets.length > tickets.length ? ` +${prompt.targets.length - tickets.length}` : '';
		return [
			{text: ` close ${count(prompt.targets.length)}?`, style: 'bold'},
			{text: ' y/N', style: 'key'},
			{text: `  ${modeHints('confirm', {keymap: input.keymap})}`, style: 'dim'},
			{text: `  ${tickets.join(' ')}${more}`, style: 'dim'},
		];
	}
	const title = thread ? ` “${safeLine(thread.title)}”` : '';
	return [{text: ` close ${ticket}${title}?`, style: 'bold'}, {text: ' y/N', style: 'key'}, {text: `  ${modeHints('confirm', {keymap: input.keymap})}`, style: 'dim'}];
}


/**
 * The input's text with its cursor (█ where the next character goes), cut by cells to `room`:
 * the cursor always shows, with as much text around it as fits (`…` where cut).
 */
export function withCursor(before: string, after: string, room: number): Line {
	const cursor: Line[number] = {text: '█', style: 'dim'};
	if (textWidth(before) + 1 + textWidth(after) <= room) return [{text: before}, cursor, {text: after}];
	const afterRoom = Math.floor((room - 1) / 3);
	const afterShown = textWidth(after) <= afterRoom ? after : `${head(after, Math.max(0, afterRoom - 1))}…`;
	const left = Math.max(0, room - 1 - textWidth(afterShown));
	const beforeShown = textWidth(before) > left ? `…${tail(before, left - 1)}` : before;
	return [{text: beforeShown}, cursor, {text: afterShown}];
}
