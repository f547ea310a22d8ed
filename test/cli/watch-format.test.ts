import {describe, expect, it} from 'vitest';
import {formatEvent} from '../../source/cli/commands/watch.js';
import type {StoredEvent} from '../../source/forum/types.js';

const envelope = {
	sequence: 9,
	event_id: 'e-9',
	event_version: 1,
	occurred_at: '2026-11-25T12:00:00.000Z',
	thread_id: 't-1',
	run_id: null,
	ticket: 'OPS-7',
	agent_name: 'builder',
	actor_type: 'agent',
	actor_name: 'builder',
	correlation_id: 'c-9',
	causation_id: 'c-9',
	command_id: 'c-9',
};

/** An event as a broken or foreign writer might leave it: any type, any payload. */
function odd(event_type: string, payload: unknown): StoredEvent {
	return {...envelope, event_type, payload} as unknown as StoredEvent;
}

describe('formatEvent', () => {
	it('prints a post body that is not a string instead of throwing', () => {
		expect(formatEvent(odd('forum.post.added', {body: {nested: [1, 2]}}))).toContain('{"nested":[1,2]}');
	});

	it('prints a question mark for a missing field', () => {
		expect(formatEvent(odd('forum.state.changed', {}))).toMatch(/forum\.state\.changed .* \? → \?$/);
	});

	it('prints the head of an event whose payload is not an object', () => {
		for (const payload of [null, undefined, 'text', 7]) expect(formatEvent(odd('forum.thread.opened', payload))).toContain('#9 ');
	});

	it('prints the head of an unknown event type with control characters made visible', () => {
		const line = formatEvent(odd('forum.\u001b[31mbogus', {}));
		expect(line).toContain('#9 ');
		expect(line).not.toContain('\u001b');
	});
});
