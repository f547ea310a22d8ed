/** The docs-sync consumer against a real SQLite file and a real docs directory. */
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {
	DOCS_SYNC_CONSUMER,
	renderSection,
	sectionSequence,
	sectionView,
	startDocsSync,
	syncDocsOnce,
	ticketDocPath,
	upsertSection,
} from '../../source/consumers/docs-sync.js';
import {ForumError} from '../../source/forum/errors.js';
import type {Actor, StoredEvent} from '../../source/forum/types.js';
import {parsePolicy, type Policy} from '../../source/policy/policy.js';
import {ForumService, type CommandInput} from '../../source/service/forum-service.js';
import {tempDir} from '../helpers/cli.js';

const agent: Actor = {type: 'agent', name: 'builder'};
const ops: Actor = {type: 'operator', name: 'ops'};

let dir: string;
let cleanup: () => void;
let file: string;
let root: string;
let policy: Policy;
const services: ForumService[] = [];

function open(): ForumService {
	const service = new ForumService({db: file, policy, clock: () => new Date('2026-11-25T13:50:00.000Z')});
	services.push(service);
	return service;
}

function must(service: ForumService, input: CommandInput): string {
	const result = service.dispatch(input);
	if (!result.ok) throw new Error(result.rejection.message);
	return result.threadId;
}

function ask(service: ForumService, overrides: Partial<{ticket: string; title: string; body: string}> = {}): string {
	return must(service, {
		type: 'ask',
		ticket: overrides.ticket ?? 'OPS-7',
		agentName: 'builder',
		title: overrides.title ?? 'May I drop legacy_users?',
		body: overrides.body ?? 'It has had no reads for 90 days.',
		priority: 'high',
		actor: agent,
	});
}

const answer = (service: ForumService, threadId: string, body = 'Yes, production only.') => must(service, {type: 'answer', threadId, body, actor: ops});
const close = (service: ForumService, threadId: string) => must(service, {type: 'close', threadId, actor: ops});
const doc = (ticket = 'OPS-7') => fs.readFileSync(path.join(root, `${ticket}.md`), 'utf8');
const count = (text: string, needle: string) => text.split(needle).length - 1;

beforeEach(() => {
	({dir, cleanup} = tempDir());
	file = path.join(dir, 'forum.db');
	root = path.join(dir, 'docs', 'tickets');
	policy = parsePolicy({forum: {docs_sync: {root}}});
});

afterEach(() => {
	for (const service of services.splice(0)) service.close();
	cleanup();
});

describe('ticketDocPath', () => {
	it.each([
		['empty', ''],
		['blank', '   '],
		['parent directory', '..'],
		['parent path', '../escape'],
		['nested parent path', 'OPS/../../escape'],
		['absolute path', '/etc/passwd'],
		['subdirectory', 'team/OPS-7'],
		['backslash', '..\\escape'],
		['NUL byte', 'OPS\u00007'],
		['newline', 'OPS\n7'],
		['hidden file', '.bashrc'],
		['leading space', ' OPS-7'],
		['too long for a file name', 'x'.repeat(253)],
	])('refuses a ticket that is %s', (_label, ticket) => {
		const target = ticketDocPath('/srv/docs', ticket);
		expect(target.ok).toBe(false);
		if (!target.ok) expect(target.reason).toMatch(/^ticket ".*" /);
	});

	it.each(['OPS-7', 'ÜBER-1', 'a..b', 'release 2.0', 'x'.repeat(252)])('accepts %j as a file directly in the root', (ticket) => {
		expect(ticketDocPath('/srv/docs', ticket)).toEqual({ok: true, file: `/srv/docs/${ticket}.md`});
	});
});

describe('a section', () => {
	function view(service: ForumService, threadId: string) {
		const events = service.eventsAfter(0, {threadId});
		const last = events.filter((event) => event.event_type === 'forum.integration.docs_sync.requested').at(-1)!;
		return sectionView(events, last as StoredEvent & {event_type: 'forum.integration.docs_sync.requested'})!;
	}

	it('holds the title, question, answer, who answered, state and time', () => {
		const service = open();
		const id = ask(service);
		answer(service, id);
		const section = renderSection(view(service, id));
		expect(section).toContain('## May I drop legacy_users?');
		expect(section).toContain('### Question\n\nIt has had no reads for 90 days.\n');
		expect(section).toContain('### Answer\n\nYes, production only.\n');
		expect(section).toContain('- answered by operator ops at 2026-11-25 13:50 UTC');
		expect(section).toContain(`- thread: ${id} · state: answered · priority: high`);
		expect(section).toMatch(new RegExp(`^<!-- metawsm-forum:begin thread=${id} seq=\\d+ -->\\n`));
		expect(section).toMatch(new RegExp(`\\n<!-- metawsm-forum:end thread=${id} -->\\n$`));
	});

	it('keeps the answer and shows closed after the thread is closed', () => {
		const service = open();
		const id = ask(service);
		answer(service, id);
		close(service, id);
		const section = renderSection(view(service, id));
		expect(section).toContain('state: closed');
		expect(section).toContain('- closed at 2026-11-25 13:50 UTC');
		expect(section).toContain('Yes, production only.');
	});

	it('says so when a thread was closed without an answer', () => {
		const service = open();
		const id = ask(service);
		close(service, id);
		expect(renderSection(view(service, id))).toContain('_No answer was posted before the thread was closed._');
	});

	it('shows control characters in agent text as visible escapes', () => {
		const service = open();
		const id = ask(service, {title: 'Title reversed', body: 'Body \u202ereversed\nline one\n\u001b[2Jcleared?\u009b31m \u200bhidden \u{e0041}tag'});
		answer(service, id, 'ok \u001b[31mred');
		const section = renderSection(view(service, id));
		expect(section).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
		expect(section).toContain('Body \\u202ereversed');
		expect(section).toContain('\\u200bhidden \\u{e0041}tag');
		expect(section).toContain('line one\n\\e[2Jcleared?\\x9b31m');
		expect(section).toContain('ok \\e[31mred');
	});

	it('cannot be cut short by agent text that imitates a marker', () => {
		const service = open();
		const id = must(service, {
			type: 'ask',
			threadId: 't-forged',
			ticket: 'OPS-7',
			agentName: 'builder',
			title: 'Forgery',
			body: 'before\n<!-- metawsm-forum:end thread=t-forged -->\n<!-- metawsm-forum:begin thread=t-forged seq=999999 -->\nafter',
			priority: 'normal',
			actor: agent,
		});
		answer(service, id);
		const section = renderSection(view(service, id));
		expect(section.split('\n').filter((line) => line.startsWith('<!--'))).toHaveLength(2);
		expect(section).toContain('&lt;!-- metawsm-forum:begin thread=t-forged seq=999999 -->');
		expect(sectionSequence(section, id)).toBeLessThan(999999);
		const twice = upsertSection(upsertSection('', id, section).doc, id, section).doc;
		expect(twice).toBe(section);
	});
});

describe('upsertSection', () => {
	const section = (id: string, seq: number, text: string) => `<!-- metawsm-forum:begin thread=${id} seq=${seq} -->\n${text}\n<!-- metawsm-forum:end thread=${id} -->\n`;

	it('appends a new thread after what the document already holds', () => {
		const result = upsertSection('# OPS-7\n\nnotes by a human\n', 't-1', section('t-1', 3, 'first'));
		expect(result).toEqual({action: 'appended', doc: `# OPS-7\n\nnotes by a human\n\n${section('t-1', 3, 'first')}`});
	});

	it('replaces a thread in place, keeping the text around it', () => {
		const before = `# OPS-7\n\n${section('t-1', 3, 'first')}\nhuman note\n\n${section('t-2', 5, 'other')}`;
		const result = upsertSection(before, 't-1', section('t-1', 9, 'second'));
		expect(result.action).toBe('updated');
		expect(result.doc).toBe(`# OPS-7\n\n${section('t-1', 9, 'second')}\nhuman note\n\n${section('t-2', 5, 'other')}`);
		expect(sectionSequence(result.doc, 't-1')).toBe(9);
		expect(sectionSequence(result.doc, 't-2')).toBe(5);
	});

	it('still finds its section after an editor saved the file with CRLF line ends', () => {
		const crlf = `# OPS-7\r\n\r\n${section('t-1', 3, 'first').replace(/\n/g, '\r\n')}`;
		expect(sectionSequence(crlf, 't-1')).toBe(3);
		const result = upsertSection(crlf, 't-1', section('t-1', 9, 'second'));
		expect(result.action).toBe('updated');
		expect(result.doc.split('metawsm-forum:begin')).toHaveLength(2);
	});

	it('replaces up to the next section when a human deleted the end marker', () => {
		const before = `<!-- metawsm-forum:begin thread=t-1 seq=3 -->\nfirst\n${section('t-2', 5, 'other')}`;
		const result = upsertSection(before, 't-1', section('t-1', 9, 'second'));
		expect(result.doc).toBe(`${section('t-1', 9, 'second')}${section('t-2', 5, 'other')}`);
	});
});

describe('syncDocsOnce', () => {
	it('writes one section with the answer when a thread is answered then closed', () => {
		const service = open();
		const id = ask(service);
		answer(service, id);
		close(service, id);
		const results = syncDocsOnce(service, {policy});
		expect(results.map((result) => [result.kind, result.kind === 'written' ? result.action : ''])).toEqual([
			['written', 'appended'],
			['written', 'updated'],
		]);
		const text = doc();
		expect(count(text, `<!-- metawsm-forum:begin thread=${id} `)).toBe(1);
		expect(count(text, 'Yes, production only.')).toBe(1);
		expect(text).toContain('state: closed');
		expect(text.startsWith('# OPS-7: forum questions\n')).toBe(true);
	});

	it('writes nothing on a second run', () => {
		const service = open();
		const id = ask(service);
		answer(service, id);
		close(service, id);
		syncDocsOnce(service, {policy});
		const first = doc();
		expect(syncDocsOnce(service, {policy})).toEqual([]);
		expect(doc()).toBe(first);
	});

	it('does not duplicate after a crash between writing the file and moving the checkpoint', () => {
		const service = open();
		const id = ask(service);
		answer(service, id);
		close(service, id);
		syncDocsOnce(service, {policy});
		const written = doc();
		// The state a crash leaves: the file written, the checkpoint still before the events.
		service.setCheckpoint(DOCS_SYNC_CONSUMER, 0);
		const rerun = syncDocsOnce(service, {policy});
		expect(rerun.map((result) => result.kind)).toEqual(['already_synced', 'already_synced']);
		expect(doc()).toBe(written);
		expect(service.checkpoint(DOCS_SYNC_CONSUMER)).toBe(service.lastSequence());
	});

	it('does not duplicate when a crash came after the answer was written but before the close was', () => {
		const service = open();
		const id = ask(service);
		answer(service, id);
		syncDocsOnce(service, {policy});
		close(service, id);
		syncDocsOnce(service, {policy});
		service.setCheckpoint(DOCS_SYNC_CONSUMER, 0);
		syncDocsOnce(service, {policy});
		expect(count(doc(), `thread=${id} `)).toBe(2); // its begin and end markers, once each
		expect(count(doc(), 'Yes, production only.')).toBe(1);
		expect(doc()).toContain('state: closed');
	});

	it('keeps one section per thread for several threads of a ticket', () => {
		const service = open();
		const first = ask(service, {title: 'First question'});
		const second = ask(service, {title: 'Second question'});
		answer(service, first, 'first answer');
		answer(service, second, 'second answer');
		close(service, first);
		syncDocsOnce(service, {policy});
		const text = doc();
		expect(count(text, '## First question')).toBe(1);
		expect(count(text, '## Second question')).toBe(1);
		expect(text.indexOf('First question')).toBeLessThan(text.indexOf('Second question'));
	});

	it('keeps a human edit outside the sections', () => {
		const service = open();
		const id = ask(service);
		answer(service, id);
		syncDocsOnce(service, {policy});
		fs.appendFileSync(path.join(root, 'OPS-7.md'), '\nA note a human added.\n');
		close(service, id);
		syncDocsOnce(service, {policy});
		expect(doc()).toContain('A note a human added.');
		expect(doc()).toContain('state: closed');
	});

	it('refuses a ticket that would leave the docs root, writes nothing for it, and moves past it', () => {
		const service = open();
		const evil = ask(service, {ticket: '../../escape'});
		answer(service, evil);
		const good = ask(service);
		answer(service, good);
		const results = syncDocsOnce(service, {policy});
		expect(results[0]).toMatchObject({kind: 'refused', threadId: evil, ticket: '../../escape', reason: expect.stringContaining('would leave the docs root')});
		expect(results[1]).toMatchObject({kind: 'written', threadId: good});
		expect(fs.existsSync(path.join(dir, 'escape.md'))).toBe(false);
		expect(fs.readdirSync(root)).toEqual(['OPS-7.md']);
		expect(service.checkpoint(DOCS_SYNC_CONSUMER)).toBe(service.lastSequence());
	});

	it('stops at a document it cannot write, keeps the checkpoint before it, and resumes once fixed', () => {
		const service = open();
		const id = ask(service);
		answer(service, id);
		fs.mkdirSync(path.dirname(root), {recursive: true});
		fs.writeFileSync(root, 'a file where the docs directory should be');
		let error: unknown;
		try {
			syncDocsOnce(service, {policy});
		} catch (caught) {
			error = caught;
		}
		expect(error).toBeInstanceOf(ForumError);
		expect(error).toMatchObject({code: 'docs_unwritable', message: expect.stringContaining('OPS-7.md')});
		expect(service.checkpoint(DOCS_SYNC_CONSUMER)).toBe(0);
		fs.rmSync(root);
		expect(syncDocsOnce(service, {policy}).map((result) => result.kind)).toEqual(['written']);
	});

	it('finds nothing to do when docs-sync is disabled by policy', () => {
		policy = parsePolicy({forum: {docs_sync: {root, enabled: false}}});
		const service = open();
		const id = ask(service);
		answer(service, id);
		expect(syncDocsOnce(service, {policy})).toEqual([]);
		expect(fs.existsSync(root)).toBe(false);
	});

	it('never duplicates when two services on one database take turns', () => {
		const a = open();
		const b = open();
		const ids = Array.from({length: 6}, (_, index) => ask(a, {title: `Question ${index}`}));
		for (const [index, id] of ids.entries()) {
			answer(a, id, `answer ${index}`);
			syncDocsOnce(index % 2 === 0 ? a : b, {policy});
			if (index % 3 === 0) close(b, id);
			syncDocsOnce(index % 2 === 0 ? b : a, {policy});
		}
		const text = doc();
		for (const [index, id] of ids.entries()) {
			expect(count(text, `<!-- metawsm-forum:begin thread=${id} `)).toBe(1);
			expect(count(text, `answer ${index}\n`)).toBe(1);
		}
	});
});

describe('startDocsSync with follow', () => {
	it('writes a section soon after a thread is answered, and stops when told', async () => {
		const service = open();
		const lines: string[] = [];
		const stop = await startDocsSync(service, {policy, follow: true, log: (line) => lines.push(line)});
		try {
			const id = ask(service);
			answer(service, id);
			await vi.waitFor(() => expect(fs.existsSync(path.join(root, 'OPS-7.md'))).toBe(true), {timeout: 5000, interval: 20});
			expect(doc()).toContain('Yes, production only.');
			expect(lines.some((line) => line.startsWith(`docs-sync: appended thread ${id}`))).toBe(true);
		} finally {
			await stop();
		}
		const later = ask(service, {ticket: 'LATER-1'});
		answer(service, later);
		await new Promise((resolve) => setTimeout(resolve, 150));
		expect(fs.existsSync(path.join(root, 'LATER-1.md'))).toBe(false);
	});

	it('logs that it is off when docs-sync is disabled', async () => {
		policy = parsePolicy({forum: {docs_sync: {root, enabled: false}}});
		const lines: string[] = [];
		const stop = await startDocsSync(open(), {policy, follow: true, log: (line) => lines.push(line)});
		await stop();
		expect(lines).toEqual(['docs-sync: off (forum.docs_sync.enabled is false)']);
	});
});
