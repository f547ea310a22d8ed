/** Issue 15.5: docs-sync never follows a link, writes 0644/0755 whatever the umask, and refuses names that lie. */
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {DOCS_SYNC_CONSUMER, syncDocsOnce, ticketDocPath} from '../../source/consumers/docs-sync.js';
import {parsePolicy, type Policy} from '../../source/policy/policy.js';
import {ForumService} from '../../source/service/forum-service.js';
import {tempDir} from '../helpers/cli.js';

let dir: string;
let cleanup: () => void;
let root: string;
let policy: Policy;
let service: ForumService;

beforeEach(() => {
	({dir, cleanup} = tempDir('metawsm-docs-safety-'));
	root = path.join(dir, 'docs', 'tickets');
	policy = parsePolicy({forum: {docs_sync: {root}}});
	service = new ForumService({db: path.join(dir, 'forum.db'), policy});
});

afterEach(() => {
	service.close();
	cleanup();
});

function answered(ticket: string): void {
	const asked = service.dispatch({type: 'ask', ticket, agentName: 'builder', title: 'Q', body: 'B', priority: 'normal', actor: {type: 'agent', name: 'builder'}});
	if (!asked.ok) throw new Error(asked.rejection.message);
	const done = service.dispatch({type: 'answer', threadId: asked.threadId, body: 'A', actor: {type: 'human', name: 'ops'}});
	if (!done.ok) throw new Error(done.rejection.message);
}

describe('docs-sync and links', () => {
	it('a symlink at a ticket\'s document leaves the link\'s target unread and unchanged', () => {
		const secret = path.join(dir, 'private.txt');
		fs.writeFileSync(secret, 'the private key', {mode: 0o600});
		fs.mkdirSync(root, {recursive: true});
		fs.symlinkSync(secret, path.join(root, 'LEAK-1.md'));
		const before = fs.statSync(secret);
		answered('LEAK-1');
		const results = syncDocsOnce(service, {policy});
		expect(results).toMatchObject([{kind: 'refused', reason: expect.stringMatching(/LEAK-1\.md is a symbolic link; docs-sync never follows links and left its target unread and unchanged/)}]);
		expect(fs.statSync(secret).atimeMs).toBe(before.atimeMs);
		expect(fs.statSync(secret).mtimeMs).toBe(before.mtimeMs);
		expect(fs.statSync(secret).mode & 0o777).toBe(0o600);
		expect(fs.readFileSync(secret, 'utf8')).toBe('the private key');
		expect(fs.lstatSync(path.join(root, 'LEAK-1.md')).isSymbolicLink()).toBe(true);
		expect(service.checkpoint(DOCS_SYNC_CONSUMER)).toBe(service.lastSequence());
	});

	it('a docs root (or a directory on the way to it) that is a symlink is refused, and nothing is written through it', () => {
		const elsewhere = path.join(dir, 'elsewhere');
		fs.mkdirSync(elsewhere);
		fs.symlinkSync(elsewhere, path.join(dir, 'docs'));
		answered('OPS-7');
		const previous = process.cwd();
		process.chdir(dir);
		try {
			const relative = parsePolicy({forum: {docs_sync: {root: 'docs/tickets'}}});
			const results = syncDocsOnce(service, {policy: relative});
			expect(results).toMatchObject([{kind: 'refused', reason: expect.stringMatching(/docs is a symbolic link; docs-sync never follows links/)}]);
		} finally {
			process.chdir(previous);
		}
		expect(fs.readdirSync(elsewhere)).toEqual([]);
	});
});

describe('docs-sync file modes', () => {
	it('writes documents 0644 and directories 0755 under umask 000 and umask 077', () => {
		for (const mask of [0o000, 0o077]) {
			const old = process.umask(mask);
			try {
				const ticket = `MODE-${mask}`;
				answered(ticket);
				syncDocsOnce(service, {policy});
				expect(fs.statSync(path.join(root, `${ticket}.md`)).mode & 0o777).toBe(0o644);
				expect(fs.statSync(root).mode & 0o777).toBe(0o755);
				expect(fs.statSync(path.dirname(root)).mode & 0o777).toBe(0o755);
			} finally {
				process.umask(old);
			}
			fs.rmSync(path.dirname(root), {recursive: true, force: true});
			service.setCheckpoint(DOCS_SYNC_CONSUMER, 0);
		}
	});
});

describe('docs-sync ticket names', () => {
	for (const [name, ticket] of [
		['a fraction slash', 'x\u2044y'],
		['a division slash', 'x\u2215y'],
		['a fullwidth solidus', 'x\uff0fy'],
	] as const) {
		it(`refuses a ticket with ${name} (it would look like a path)`, () => {
			expect(ticketDocPath(root, ticket)).toMatchObject({ok: false, reason: expect.stringMatching(/looks like a slash/)});
		});
	}

	for (const [name, ticket] of [
		['a zero-width space', 'T\u200bICKET-1'],
		['a right-to-left override', 'OPS-\u202e7'],
		['a tag character', 'OPS-7\u{e0041}'],
		['a Hangul filler', 'OPS\u3164-7'],
		['an Arabic letter mark', 'OPS-\u061c7'],
	] as const) {
		it(`refuses a ticket with ${name}`, () => {
			expect(ticketDocPath(root, ticket)).toMatchObject({ok: false, reason: expect.stringMatching(/invisible or direction-changing character \(U\+/)});
		});
	}

	it('refuses a ticket whose document collides case-insensitively with an existing one', () => {
		answered('OPS-7');
		syncDocsOnce(service, {policy});
		answered('ops-7');
		const results = syncDocsOnce(service, {policy});
		expect(results).toMatchObject([{kind: 'refused', reason: expect.stringMatching(/ops-7\.md would collide with the existing OPS-7\.md on a case-insensitive file system/)}]);
		expect(fs.readdirSync(root)).toEqual(['OPS-7.md']);
	});
});
