import {describe, expect, it} from 'vitest';
import {checkEventShape, describeBadEvent, eventShapeProblem} from '../../source/forum/event-shape.js';

describe('eventShapeProblem', () => {
	it('accepts every event type with its payload', () => {
		const good: [string, unknown][] = [
			['forum.thread.opened', {title: 'Q', body: 'B', priority: 'high'}],
			['forum.post.added', {body: 'hi'}],
			['forum.assigned', {from_assignee_type: null, from_assignee_name: null, to_assignee_type: 'operator', to_assignee_name: 'ops', note: ''}],
			['forum.state.changed', {from_state: 'new', to_state: 'answered'}],
			['forum.priority.changed', {from: 'low', to: 'urgent'}],
			['forum.thread.closed', {}],
			['forum.sla.escalation_requested', {state: 'new', priority: 'high', waited_minutes: 31}],
			['forum.integration.docs_sync.requested', {trigger: 'answered', thread_id: 't-1', title: 'Q', state: 'answered', priority: 'normal', posts_count: 2, updated_at: 'now', assignee: null}],
		];
		for (const [type, payload] of good) expect(eventShapeProblem(type, payload), type).toBeUndefined();
	});

	it('accepts extra payload fields it does not know', () => {
		expect(eventShapeProblem('forum.post.added', {body: 'yes', mood: 'cheerful'})).toBeUndefined();
	});

	it('accepts the optional question and answer mark, absent or well formed', () => {
		expect(eventShapeProblem('forum.post.added', {body: 'yes', answer: {kind: 'approval', choice: null, approved: true, amends: null}})).toBeUndefined();
		expect(eventShapeProblem('forum.thread.opened', {title: 'Q', body: 'B', priority: 'normal', question: {kind: 'choice', choices: ['a', 'b'], recommended: 0}})).toBeUndefined();
	});

	it('names an optional field that is present but malformed', () => {
		expect(eventShapeProblem('forum.thread.opened', {title: 'Q', body: 'B', priority: 'normal', question: {kind: 'choice', choices: 'a'}})).toBe(
			'payload question is not a choice question {kind, choices} or an approval {kind}',
		);
		expect(eventShapeProblem('forum.post.added', {body: 'yes', answer: 5})).toBe('payload answer is not an answer mark {kind, choice, approved, amends}');
	});

	it('names an unknown event type', () => {
		expect(eventShapeProblem('forum.bogus', {})).toBe('unknown event type');
	});

	it('does not take an inherited property name for an event type', () => {
		expect(eventShapeProblem('toString', {})).toBe('unknown event type');
	});

	it('refuses a payload that is not a JSON object', () => {
		for (const payload of [null, 'text', 3, ['body']]) expect(eventShapeProblem('forum.post.added', payload)).toBe('payload is not a JSON object');
	});

	it('names a missing field', () => {
		expect(eventShapeProblem('forum.post.added', {})).toBe('payload has no body');
	});

	it('names a field of the wrong type', () => {
		expect(eventShapeProblem('forum.post.added', {body: 42})).toBe('payload body is not a string');
		expect(eventShapeProblem('forum.sla.escalation_requested', {state: 'new', priority: 'high', waited_minutes: '31'})).toBe('payload waited_minutes is not a number');
	});

	it('names a value outside its set', () => {
		expect(eventShapeProblem('forum.state.changed', {from_state: 'new', to_state: 'done'})).toBe(
			'payload to_state is not one of new, triaged, waiting_operator, waiting_human, answered, closed',
		);
	});
});

describe('checkEventShape', () => {
	it('returns the event itself when it fits', () => {
		const event = {sequence: 7, event_type: 'forum.post.added', payload: {body: 'hi'}};
		expect(checkEventShape(event)).toBe(event);
	});

	it('returns the reason when it does not', () => {
		expect(checkEventShape({sequence: 7, event_type: 'forum.post.added', payload: {}})).toBe('payload has no body');
	});
});

describe('describeBadEvent', () => {
	it('names the sequence, the stored type and the reason in one line', () => {
		expect(describeBadEvent({sequence: 17, eventType: 'forum.post.added', reason: 'payload_json does not parse'})).toBe(
			'skipped event #17 (forum.post.added): payload_json does not parse',
		);
	});
});
