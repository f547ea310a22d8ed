import {describe, expect, it} from 'vitest';
import {reusedAnswer} from '../../source/forum/answers.js';
import {jaccard, questionSimilarity, SIMILAR_THRESHOLD, words} from '../../source/forum/similar.js';
import type {Answer, Thread} from '../../source/forum/types.js';
import {makeThread, operator, T0} from '../helpers/threads.js';

const q = (title: string, body: string) => ({title, body});

describe('question similarity (word-set Jaccard)', () => {
	it('normalises case, width and punctuation, and drops common words', () => {
		expect(words('May I DROP the table “legacy_users”?')).toEqual(['drop', 'table', 'legacy', 'users']);
		expect(words('ｄｒｏｐ')).toEqual(['drop']);
	});

	it('is the Jaccard index of the word sets', () => {
		expect(jaccard(new Set(['a', 'b']), new Set(['b', 'c']))).toBeCloseTo(1 / 3);
		expect(jaccard(new Set(), new Set())).toBe(0);
	});

	it('scores a rephrasing of the same question at or above the threshold (measured: 0.88)', () => {
		const score = questionSimilarity(q('May I drop table legacy_users?', 'It has had no reads for 90 days.'), q('Can I drop the legacy_users table?', 'No reads in the last 90 days.'));
		expect(score).toBeGreaterThanOrEqual(SIMILAR_THRESHOLD);
		expect(score).toBeCloseTo(0.875, 2);
	});

	it('scores a different question of the same kind below it (measured: 0.33)', () => {
		const score = questionSimilarity(q('Deploy to production now?', 'All checks are green.'), q('Deploy to staging now?', 'Two checks failed.'));
		expect(score).toBeLessThan(SIMILAR_THRESHOLD);
	});

	it('scores unrelated questions at 0', () => {
		expect(questionSimilarity(q('Retry the migration?', 'It timed out at step 3.'), q('Bump the node version?', 'CI uses node 18.'))).toBe(0);
	});
});

const decided = (overrides: Partial<Thread>, answer: Partial<Answer>): Thread =>
	makeThread({
		id: 't-old',
		state: 'answered',
		answer: {kind: 'text', choice: null, approved: null, body: 'Yes, after a backup.', author: operator, at: T0, eventId: 'e-old', sequence: 3, amendments: 0, ...answer},
		...overrides,
	});

describe('reusing an earlier decision', () => {
	it('takes the text of a text answer, and names the thread and post it reuses', () => {
		const reuse = reusedAnswer(makeThread(), decided({}, {}), 't-old');
		expect(reuse).toEqual({ok: true, fields: {body: 'Yes, after a backup.'}, reuses: {thread_id: 't-old', post_id: 'e-old'}});
	});

	it('refuses when the decision seen (its event id) is no longer the current one: it was amended since', () => {
		expect(reusedAnswer(makeThread(), decided({}, {}), 't-old', 'e-old').ok).toBe(true);
		const reuse = reusedAnswer(makeThread(), decided({}, {eventId: 'e-amended', body: 'No, keep it.'}), 't-old', 'e-old');
		expect(reuse.ok ? 'ok' : reuse.rejection).toMatchObject({code: 'reuse_mismatch', message: expect.stringContaining('changed after the preview showed it (now by operator')});
	});

	it('takes an approval as an approval', () => {
		const reuse = reusedAnswer(makeThread({question: {kind: 'approval'}}), decided({question: {kind: 'approval'}}, {kind: 'approval', approved: false, body: ''}), 't-old');
		expect(reuse.ok && reuse.fields).toEqual({approved: false, body: ''});
	});

	it('refuses another kind of question, a thread without a decision, and one of another ticket and agent', () => {
		const code = (result: ReturnType<typeof reusedAnswer>) => (result.ok ? 'ok' : result.rejection.code);
		expect(code(reusedAnswer(makeThread({question: {kind: 'approval'}}), decided({}, {}), 't-old'))).toBe('reuse_mismatch');
		expect(code(reusedAnswer(makeThread(), makeThread({id: 't-old'}), 't-old'))).toBe('reuse_mismatch');
		expect(code(reusedAnswer(makeThread(), decided({ticket: 'WEB-1', agentName: 'web'}, {}), 't-old'))).toBe('reuse_mismatch');
		expect(code(reusedAnswer(makeThread(), undefined, 't-gone'))).toBe('reuse_mismatch');
	});

	it('refuses a choice whose options differ, listing both', () => {
		const choice = (choices: string[]) => ({kind: 'choice' as const, choices, recommended: null});
		const reuse = reusedAnswer(makeThread({question: choice(['A', 'B', 'C'])}), decided({question: choice(['A', 'B'])}, {kind: 'choice', choice: {index: 1, label: 'A'}, body: ''}), 't-old');
		expect(reuse.ok ? '' : reuse.rejection.message).toContain('offered 1 A · 2 B, this one offers 1 A · 2 B · 3 C');
	});
});
