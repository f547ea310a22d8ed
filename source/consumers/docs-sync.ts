/**
 * Docs-sync consumer: keeps one markdown document per ticket with a section per answered or
 * closed thread. It consumes `forum.integration.docs_sync.requested` after a checkpoint kept in
 * SQLite (forum_checkpoints, consumer `docs-sync`).
 *
 * Never duplicated: each section is framed by marker comments naming the thread and the event
 * sequence it was rendered from, so a section is appended once and later rewritten in place.
 * Every event is applied inside one BEGIN IMMEDIATE transaction (the database write lock is the
 * cross-process mutex, held only for a read, a rename and the checkpoint): the new document
 * is written and fsynced to a temp file first; under the lock the checkpoint is re-read, the
 * file is checked unchanged, the temp file renamed over it and the checkpoint advanced. A crash after the rename
 * and before the commit leaves a marker with the event's sequence, so the rerun only moves the
 * checkpoint.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {ForumError} from '../forum/errors.js';
import {decisionOf} from '../forum/answers.js';
import {evolve} from '../forum/rules.js';
import type {Actor, Answer, StoredEvent, Thread} from '../forum/types.js';
import type {Policy} from '../policy/policy.js';
import type {ForumService} from '../service/forum-service.js';
import {safeLine, safeText} from '../text/safe-text.js';
import {formatTime} from '../text/time.js';
import {invisibleCharacter} from '../forum/invisible.js';
import {createDocFile, docFileProblem, docsRootProblem, makeDocsRoot, readDocNoFollow, SLASH_LOOKALIKES} from './doc-files.js';

/** The consumer's name in forum_checkpoints. */
export const DOCS_SYNC_CONSUMER = 'docs-sync';

const DOCS_SYNC_EVENT = 'forum.integration.docs_sync.requested' as const;

export interface DocsSyncOptions {
	policy: Policy;
	log: (line: string) => void;
	/** Keep consuming new events until stopped. */
	follow?: boolean;
	/** Called with each event's outcome instead of logging it (the CLI prints them). */
	onResult?: (result: DocsSyncResult) => void;
	/** Docs root; default `forum.docs_sync.root` from the policy, relative to the working directory. */
	root?: string;
	/** With `follow`: retry after a failed pass (unwritable docs root), in ms. Default 5000. */
	retryMs?: number;
}

/** What happened to one docs-sync event. */
export type DocsSyncResult =
	| {kind: 'written'; sequence: number; threadId: string; ticket: string; file: string; trigger: 'answered' | 'closed'; action: 'appended' | 'updated'}
	/** The file already held this event's section (a rerun after a crash): only the checkpoint moved. */
	| {kind: 'already_synced'; sequence: number; threadId: string; ticket: string; file: string}
	/** The ticket name cannot be a file under the docs root; the checkpoint moved past it. */
	| {kind: 'refused'; sequence: number; threadId: string; ticket: string; reason: string};

// ------------------------------------------------------------------ ticket → file

/** File-name byte limit on common file systems (ext4, APFS, NTFS). */
const MAX_FILE_NAME_BYTES = 255;

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * The ticket's document: `<root>/<ticket>.md`, one flat file per ticket. Refuses names that
 * would leave the root or could not be a file name: empty, NUL or other control characters,
 * `/` or `\`, a leading dot (`..`, hidden files), or too long.
 */
export function ticketDocPath(root: string, ticket: string): {ok: true; file: string} | {ok: false; reason: string} {
	const refuse = (why: string) => ({ok: false as const, reason: `ticket ${JSON.stringify(safeLine(ticket.slice(0, 60)))} ${why}`});
	if (ticket.trim() === '') return refuse('is empty');
	if (ticket.includes('\u0000')) return refuse('contains a NUL byte');
	if (CONTROL.test(ticket)) return refuse('contains a control character');
	if (ticket.includes('/') || ticket.includes('\\')) return refuse('contains a path separator (/ or \\) and would leave the docs root');
	if (SLASH_LOOKALIKES.test(ticket)) return refuse('contains a character that looks like a slash (such as ∕ or ⁄)');
	const invisible = invisibleCharacter(ticket);
	if (invisible) return refuse(`contains an invisible or direction-changing character (${invisible})`);
	if (ticket.startsWith('.')) return refuse('starts with a dot (.. or a hidden file) and would leave the docs root');
	if (ticket !== ticket.trim()) return refuse('has leading or trailing spaces');
	const name = `${ticket}.md`;
	if (Buffer.byteLength(name, 'utf8') > MAX_FILE_NAME_BYTES) return refuse(`is longer than a file name may be (${MAX_FILE_NAME_BYTES} bytes)`);
	const base = path.resolve(root);
	const file = path.resolve(base, name);
	// Belt and braces: whatever the checks above missed, the file must sit directly in the root.
	if (path.dirname(file) !== base || path.isAbsolute(ticket)) return refuse('would leave the docs root');
	return {ok: true, file};
}

// ------------------------------------------------------------------ rendering (pure)

/** What a section shows: the thread as of the docs-sync event, and its decision (`decisionOf`). */
export interface SectionView {
	thread: Thread;
	/** The event the section is rendered from. */
	sequence: number;
	trigger: 'answered' | 'closed';
	at: string;
	answer: Answer | null;
}

/** Fold a thread's events up to `event` (with the rules' own `evolve`) into what its docs section shows. */
export function sectionView(threadEvents: readonly StoredEvent[], event: StoredEvent & {event_type: typeof DOCS_SYNC_EVENT}): SectionView | undefined {
	let thread: Thread | undefined;
	for (const e of threadEvents) {
		if (e.sequence > event.sequence) break;
		thread = evolve(thread, e);
	}
	if (!thread) return undefined;
	return {thread, sequence: event.sequence, trigger: event.payload.trigger, at: event.occurred_at, answer: decisionOf(thread)};
}

/** Agent text as plain markdown: control characters visible, and no HTML comment that could forge a marker. */
export function docText(text: string, options: {multiline?: boolean} = {}): string {
	const safe = options.multiline ? safeText(text, {multiline: true}) : safeLine(text);
	return safe.replace(/<!--/g, '&lt;!--');
}

function utc(iso: string): string {
	return `${formatTime(iso)} UTC`;
}

function actorLabel(actor: Actor): string {
	return `${actor.type} ${docText(actor.name)}`;
}

const BEGIN = (threadId: string, sequence: number) => `<!-- metawsm-forum:begin thread=${threadId} seq=${sequence} -->`;
const END = (threadId: string) => `<!-- metawsm-forum:end thread=${threadId} -->`;
// Trailing whitespace allowed: an editor may have saved the file with CRLF line ends.
const BEGIN_LINE = /^<!-- metawsm-forum:begin thread=(\S+) seq=(\d+) -->\s*$/;
const END_LINE = /^<!-- metawsm-forum:end thread=(\S+) -->\s*$/;

/** The markdown section for one thread, framed by its markers. */
export function renderSection(view: SectionView): string {
	const t = view.thread;
	const lines = [
		BEGIN(t.id, view.sequence),
		`## ${docText(t.title)}`,
		'',
		`- thread: ${t.id} · state: ${t.state} · priority: ${t.priority}${t.runId ? ` · run: ${docText(t.runId)}` : ''}`,
		`- asked by ${actorLabel(t.createdBy)}${t.agentName === t.createdBy.name ? '' : ` for agent ${docText(t.agentName)}`} at ${utc(t.createdAt)}`,
		view.answer
			? `- ${view.answer.amendments > 0 ? 'answer amended' : 'answered'} by ${actorLabel(view.answer.author)} at ${utc(view.answer.at)}`
			: '- not answered',
		...(t.state === 'closed' && t.closedAt ? [`- closed at ${utc(t.closedAt)}`] : []),
		`- synced at ${utc(view.at)} (${view.trigger}, event ${view.sequence})`,
		'',
		'### Question',
		'',
		docText(t.body, {multiline: true}),
		'',
		'### Answer',
		'',
		...answerLines(view.answer),
		'',
		END(t.id),
	];
	return `${lines.join('\n')}\n`;
}

function answerLines(answer: Answer | null): string[] {
	if (!answer) return ['_No answer was posted before the thread was closed._'];
	const head =
		answer.kind === 'approval' ? `**${answer.approved ? 'Approved' : 'Denied'}**` : answer.kind === 'choice' && answer.choice ? `**Choice ${answer.choice.index}: ${docText(answer.choice.label)}**` : undefined;
	const body = answer.body.trim() === '' ? [] : [docText(answer.body, {multiline: true})];
	return head ? [head, ...(body.length > 0 ? ['', ...body] : [])] : body;
}

/** The event sequence a document's section for `threadId` was rendered from; undefined when it has none. */
export function sectionSequence(doc: string, threadId: string): number | undefined {
	for (const line of doc.split('\n')) {
		const match = BEGIN_LINE.exec(line);
		if (match && match[1] === threadId) return Number(match[2]);
	}
	return undefined;
}

/** Put `section` into `doc`: replace the thread's section in place, or append it. */
export function upsertSection(doc: string, threadId: string, section: string): {doc: string; action: 'appended' | 'updated'} {
	const lines = doc.split('\n');
	const begin = lines.findIndex((line) => BEGIN_LINE.exec(line)?.[1] === threadId);
	if (begin === -1) {
		const separator = doc === '' || doc.endsWith('\n\n') ? '' : doc.endsWith('\n') ? '\n' : '\n\n';
		return {doc: `${doc}${separator}${section}`, action: 'appended'};
	}
	let end = lines.findIndex((line, index) => index > begin && END_LINE.exec(line)?.[1] === threadId);
	if (end === -1) {
		// The end marker was edited away: the section runs to the next section or the end.
		const next = lines.findIndex((line, index) => index > begin && BEGIN_LINE.test(line));
		end = next === -1 ? lines.length - 1 : next - 1;
	}
	const replaced = [...lines.slice(0, begin), ...section.replace(/\n$/, '').split('\n'), ...lines.slice(end + 1)];
	return {doc: replaced.join('\n'), action: 'updated'};
}

/** A new ticket document's heading. */
export function docHeading(ticket: string): string {
	return `# ${docText(ticket)}: forum questions\n\n_Sections between metawsm-forum markers are written by \`metawsm forum docs-sync\`; edits inside them are replaced._\n\n`;
}

// ------------------------------------------------------------------ file writes

/** Write `text` to a new temp file beside `file` and fsync it; the slow part, done outside any lock. */
function writeTemp(file: string, text: string): string {
	const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`);
	const fd = createDocFile(temp);
	try {
		fs.writeFileSync(fd, text);
		fs.fsyncSync(fd);
	} catch (error) {
		fs.rmSync(temp, {force: true});
		throw error;
	} finally {
		fs.closeSync(fd);
	}
	return temp;
}

/** Make a rename durable: fsync the directory (some file systems refuse; the rename is atomic anyway). */
function syncDirectory(dir: string): void {
	try {
		const dirFd = fs.openSync(dir, 'r');
		try {
			fs.fsyncSync(dirFd);
		} finally {
			fs.closeSync(dirFd);
		}
	} catch {
		// See above.
	}
}

function readDoc(file: string): string | undefined {
	return readDocNoFollow(file);
}

function docsError(file: string, error: unknown): ForumError {
	// Node's file-system messages already start with the error code (ENOTDIR: not a directory, ...).
	const reason = error instanceof Error ? error.message : String(error);
	return new ForumError('runtime', 'docs_unwritable', `cannot write ${file} (${reason}); fix the docs root (forum.docs_sync.root) and rerun`);
}

// ------------------------------------------------------------------ the consumer

export function docsRoot(options: Pick<DocsSyncOptions, 'policy' | 'root'>): string {
	return path.resolve(options.root ?? options.policy.forum.docs_sync.root);
}

/** An event's effect, prepared outside the write lock: the new document already in a temp file. */
interface Prepared {
	result: DocsSyncResult;
	/** The document as read when preparing (undefined: no file); the commit checks it is unchanged. */
	read?: {file: string; text: string | undefined};
	temp?: string;
}

/** Work out an event's section and write the new document to a temp file (slow I/O, no lock held). */
function prepareEvent(service: ForumService, root: string, event: StoredEvent & {event_type: typeof DOCS_SYNC_EVENT}): Prepared {
	const base = {sequence: event.sequence, threadId: event.thread_id, ticket: event.ticket};
	const target = ticketDocPath(root, event.ticket);
	if (!target.ok) return {result: {kind: 'refused', ...base, reason: target.reason}};
	const file = target.file;
	try {
		const unsafe = docsRootProblem(root) ?? docFileProblem(file);
		if (unsafe) return {result: {kind: 'refused', ...base, reason: `ticket ${JSON.stringify(safeLine(event.ticket.slice(0, 60)))}: ${unsafe}`}};
	} catch (error) {
		throw docsError(file, error);
	}
	const view = sectionView(service.eventsAfter(0, {threadId: event.thread_id}, 1_000_000), event);
	if (!view) return {result: {kind: 'refused', ...base, reason: `thread ${event.thread_id} has no opened event`}};
	try {
		const existing = readDoc(file);
		const synced = existing === undefined ? undefined : sectionSequence(existing, event.thread_id);
		if (synced !== undefined && synced >= event.sequence) return {result: {kind: 'already_synced', ...base, file}};
		makeDocsRoot(root);
		const {doc, action} = upsertSection(existing ?? docHeading(event.ticket), event.thread_id, renderSection(view));
		return {result: {kind: 'written', ...base, file, trigger: event.payload.trigger, action}, read: {file, text: existing}, temp: writeTemp(file, doc)};
	} catch (error) {
		throw docsError(file, error);
	}
}

/**
 * Consume every docs-sync event after the checkpoint. Returns what it did; throws (having
 * kept the checkpoint before the failing event) when a document cannot be written.
 */
export function syncDocsOnce(service: ForumService, options: Pick<DocsSyncOptions, 'policy' | 'root' | 'onResult'>): DocsSyncResult[] {
	const root = docsRoot(options);
	const results: DocsSyncResult[] = [];
	for (;;) {
		const batch = service.eventsAfter(service.checkpoint(DOCS_SYNC_CONSUMER), {types: [DOCS_SYNC_EVENT]}, 100);
		if (batch.length === 0) return results;
		for (const event of batch) {
			if (event.event_type !== DOCS_SYNC_EVENT) continue;
			let result: DocsSyncResult | undefined;
			// Prepare outside the lock; commit under it (the SQLite write lock is the cross-process
			// mutex) only if nobody moved the checkpoint or changed the file meanwhile, else redo.
			for (let attempt = 0; ; attempt++) {
				if (event.sequence <= service.checkpoint(DOCS_SYNC_CONSUMER)) break;
				const prepared = prepareEvent(service, root, event);
				const outcome = service.advanceCheckpoint(DOCS_SYNC_CONSUMER, event.sequence, () => {
					if (prepared.read && prepared.temp) {
						if (readDoc(prepared.read.file) !== prepared.read.text) return 'changed';
						try {
							fs.renameSync(prepared.temp, prepared.read.file);
						} catch (error) {
							throw docsError(prepared.read.file, error);
						}
					}
					return 'done';
				});
				if (outcome !== 'done' && prepared.temp) fs.rmSync(prepared.temp, {force: true});
				if (outcome === 'done') {
					if (prepared.read) syncDirectory(path.dirname(prepared.read.file));
					result = prepared.result;
				}
				if (outcome !== 'changed') break;
				if (attempt >= 20) {
					// Stop before this event (the checkpoint stays behind it); the next run resumes here.
					throw new ForumError('runtime', 'docs_busy', `${prepared.read?.file ?? root} kept changing while docs-sync wrote it; rerun docs-sync`);
				}
			}
			if (result) {
				results.push(result);
				options.onResult?.(result);
			}
		}
	}
}

/** One line for logs and the CLI. */
export function describeResult(result: DocsSyncResult, cwd = process.cwd()): string {
	const where = (file: string) => path.relative(cwd, file) || file;
	switch (result.kind) {
		case 'written':
			return `docs-sync: ${result.action} thread ${result.threadId} (${result.trigger}) in ${where(result.file)} [event ${result.sequence}]`;
		case 'already_synced':
			return `docs-sync: thread ${result.threadId} already in ${where(result.file)} [event ${result.sequence}]`;
		case 'refused':
			return `docs-sync: refused thread ${result.threadId} [event ${result.sequence}]: ${result.reason}; skipped`;
	}
}

/**
 * Start the consumer (inside `serve`, or `metawsm forum docs-sync`). Without `follow`, runs one
 * pass and returns. With `follow`, runs a pass now and after every new docs-sync event until
 * stopped; a failed pass is logged and retried. Returns stop.
 */
export async function startDocsSync(service: ForumService, options: DocsSyncOptions): Promise<() => Promise<void>> {
	const {log} = options;
	if (!options.policy.forum.docs_sync.enabled) {
		log('docs-sync: off (forum.docs_sync.enabled is false)');
		return async () => undefined;
	}
	// Results go to onResult when given (the CLI prints them), else to the log (serve).
	const report = options.onResult ?? ((result: DocsSyncResult) => log(describeResult(result)));
	const pass = (): boolean => {
		try {
			syncDocsOnce(service, {...options, onResult: report});
			return true;
		} catch (error) {
			log(`docs-sync: ${(error as Error).message}`);
			return false;
		}
	};
	if (!options.follow) {
		if (!pass()) throw new ForumError('runtime', 'docs_sync_failed', 'docs-sync stopped at an event it could not write; see the line above');
		return async () => undefined;
	}
	let stopped = false;
	let retry: NodeJS.Timeout | undefined;
	const run = () => {
		if (stopped) return;
		clearTimeout(retry);
		retry = undefined;
		if (!pass() && !stopped) retry = setTimeout(run, options.retryMs ?? 5000);
	};
	// Subscribe from before the first pass so nothing committed meanwhile is missed.
	const mark = service.lastSequence();
	run();
	const unsubscribe = service.subscribe(() => run(), {after: mark, filter: {types: [DOCS_SYNC_EVENT]}});
	log(`docs-sync: following, writing to ${path.relative(process.cwd(), docsRoot(options)) || '.'}`);
	return async () => {
		stopped = true;
		clearTimeout(retry);
		unsubscribe();
	};
}
