/**
 * The whole dashboard frame as lines of styled segments: a pure function of what is on
 * screen. Ink draws it live; `--once` prints it as plain text. Never taller than rows - 1.
 * Each pane draws itself (frame/): layout, status (header, tabs, status line), queue,
 * thread (preview and thread view), help, prompt line.
 */
import type {SlaRule} from '../forum/rules.js';
import type {Thread} from '../forum/types.js';
import type {SourceInfo} from '../service/client.js';
import type {SimilarAnswer, ThreadDetail} from '../service/forum-service.js';
import {SECTIONS, type OrderId, type Queue, type SectionId} from './queue-model.js';
import type {Notice, Prompt, Running, Waiting} from './state.js';
import {truncate} from './text-fit.js';
import {keyOf, type KeyBinding, type View} from './keymap.js';
import {helpLines} from './frame/help-pane.js';
import {layout, MIN_COLUMNS, MIN_ROWS, type Layout} from './frame/layout.js';
import {clip, pad, type Line} from './frame/line.js';
import {hintLine, keptLines, promptLine} from './frame/prompt-line.js';
import {listLines} from './frame/queue-pane.js';
import {header, noticeSegments, statusLine, tabs} from './frame/status.js';
import {agentPaneLines, type PaneView} from './agent-pane.js';
import {agentPaneRows as paneRows, detailHead, detailHeader, detailLines, previewLines} from './frame/thread-pane.js';

export type {Line, Segment, Style} from './frame/line.js';
export {clip, frameText, lineText} from './frame/line.js';
export {layout, MIN_COLUMNS, MIN_ROWS, WIDE_COLUMNS, type Layout} from './frame/layout.js';
export {columnHeader, queueRow, queueRows, windowRows} from './frame/queue-pane.js';
export {decisionLine, detailLines, questionText} from './frame/thread-pane.js';
export {shortTime} from './frame/status.js';
export {LEGEND} from './frame/help-pane.js';
export {choiceList, promptMode, type AnswerIntent, type KeptText, type Notice, type Prompt, type Waiting} from './state.js';

export interface FrameInput {
	columns: number;
	rows: number;
	/** `--once`: a frame for a pipe: no key hints (nothing reads keys), no padding lines. */
	once?: boolean;
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
	/** The help page asked for (taken modulo the pages a small pane needs); default 0. */
	helpPage?: number;
	prompt: Prompt | undefined;
	/** The current section's filter ('' for none). */
	filter: string;
	/** The queue's order (default when absent). */
	order?: OrderId;
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
	/** Marked threads (bulk actions); the mark column shows only while some are marked. */
	marked?: ReadonlySet<string>;
	/** What each tab counts: its section under its own filter (default: the sections of `queue`). */
	tabCounts?: Readonly<Record<SectionId, number>>;
	/** A bulk action's writes under way. */
	running?: Running;
	/** The key registry in force (hints, help, prompts); default the registry's own keys. */
	keymap?: readonly KeyBinding[];
	/** Other dashboards on a thread, as text by thread id (`alice is answering`); raw names, made safe when drawn. */
	presence?: ReadonlyMap<string, string>;
	/** An answered thread like the one in view, whose decision `R` reuses. */
	similar?: SimilarAnswer;
}

/** Pinned lines at the top of the thread view (the thread and its title). */
export const DETAIL_PINNED = 2;

/** Rows of the agent's pane on screen (what an answer given while it is shown records). */
export function agentPaneRows(input: Pick<FrameInput, 'view' | 'columns' | 'now' | 'sla'>, box: Layout, detail: ThreadDetail): number {
	return paneRows(input, box, detail, DETAIL_PINNED);
}

/** How far the thread view scrolls: its body lines past one screen. */
export function detailMax(input: Pick<FrameInput, 'detail' | 'now' | 'sla' | 'detailMissing' | 'columns' | 'rows'>): number {
	const box = layout(input.columns, input.rows);
	const height = Math.max(1, box.detailHeight - (input.detail ? DETAIL_PINNED : 0));
	return Math.max(0, detailLines(input.detail, input, input.columns).length - height);
}

/** The frame: at most rows - 1 lines, each at most `columns` cells. */
export function buildFrame(input: FrameInput): Line[] {
	const box = layout(input.columns, input.rows, input.queue.sections[SECTIONS[input.sectionIndex]!.id].length);
	if (box.tooSmall) {
		return [[{text: truncate(` pane too small (${input.columns}x${input.rows}); needs at least ${MIN_COLUMNS}x${MIN_ROWS} · ${keyOf('quit', 'queue', input.keymap) ?? '^C'} quits`, input.columns), style: 'error'}]];
	}
	const lines: Line[] = [header(input), tabs(input)];
	if (input.help) {
		lines.push(...helpLines(input.view, input.columns, box.detailHeight, input.keymap, input.helpPage ?? 0).slice(0, box.detailHeight));
		while (lines.length < 2 + box.detailHeight) lines.push([]);
	} else if (input.view === 'detail') {
		// The thread and its title stay; the conversation scrolls under them, its position on the right.
		const all =
			input.agentPane && input.detail
				? [...detailHead(input.detail, input, input.columns), ...agentPaneLines(input.agentPane, input.columns, agentPaneRows(input, box, input.detail) + 1)]
				: detailLines(input.detail, input, input.columns);
		const height = Math.max(1, box.detailHeight - (input.detail ? DETAIL_PINNED : 0));
		const start = Math.min(Math.max(0, input.detailScroll), Math.max(0, all.length - height));
		const shown = all.slice(start, start + height);
		lines.push(...detailHeader(input.detail, input, input.columns, {first: start + 1, last: start + shown.length, total: all.length}), ...shown);
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
	if (input.once) {
		while (lines.length > 0 && lines.at(-1)!.every((segment) => segment.text.trim() === '')) lines.pop();
	} else lines.push(input.prompt ? promptLine(input.prompt, input) : input.notice ? [{text: ' '}, ...noticeSegments(input.notice)] : hintLine(input));
	lines.push(statusLine(input));
	return lines.slice(0, input.rows - 1).map((line) => clip(line, input.columns));
}
