/**
 * The MCP tools as data: name, description and JSON Schema of each, written for the model that
 * reads them. Pure; the SDK wiring is in server.ts.
 */
import {LIMITS} from '../forum/validate.js';
import {MAX_CHOICES, PRIORITIES} from '../forum/types.js';

/** Default seconds a tool call waits for a human: under the 60 s request timeout common clients use. */
export const DEFAULT_WAIT_SECONDS = 50;
/** Longest wait one call may ask for; longer waits are a loop of wait_for_answer calls. */
export const MAX_WAIT_SECONDS = 600;

export interface ToolSpec {
	name: ToolName;
	title: string;
	description: string;
	inputSchema: {type: 'object'; properties: Record<string, object>; required?: string[]; additionalProperties: false};
	annotations: {readOnlyHint: boolean; destructiveHint: false; idempotentHint: boolean; openWorldHint: boolean};
}

export type ToolName = 'ask_human' | 'wait_for_answer' | 'post_update' | 'get_thread' | 'list_my_threads';

const threadId = {type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]*$', maxLength: LIMITS.idChars, description: 'The thread id that ask_human returned (e.g. "t-8k2m4q9x1z").'};
const waitSeconds = {
	type: 'number',
	minimum: 0,
	maximum: MAX_WAIT_SECONDS,
	description: `Seconds to wait for the human before returning {status: "waiting"} (default ${DEFAULT_WAIT_SECONDS}; 0 returns at once). Keep it under your client's tool-call timeout; to wait longer, call wait_for_answer again.`,
};

export const TOOLS: readonly ToolSpec[] = [
	{
		name: 'ask_human',
		title: 'Ask a human',
		description: `Ask the human operator a question and wait for the decision. Use it when you need a decision you must not make yourself: a destructive or irreversible action (deleting data, force-pushing, migrating production), a choice between designs the ticket does not settle, missing credentials or access, or requirements that contradict each other. Do not use it for things you can find out yourself.

Give a one-line title and a body with the context the human needs to decide without opening anything else. Prefer a choice question (2 to ${MAX_CHOICES} short "choices", optionally "recommend" one) or an "approval" (yes/no permission); the operator answers those with one key.

Returns {status: "answered", decision: {kind, choice: {index, label}, approved, body, ...}} once decided. For an approval, proceed only if decision.approved is true. If no one answered within wait_seconds it returns {status: "waiting", thread_id}: the question stays open; call wait_for_answer with that thread_id (do not ask again). {status: "closed", decision: null} means it was closed unanswered: do not act on it.

Safe to retry: the same request_id (or, without one, the same question) never opens a second thread.`,
		inputSchema: {
			type: 'object',
			properties: {
				title: {type: 'string', minLength: 1, maxLength: LIMITS.titleChars, description: 'The question in one line, e.g. "May I drop table legacy_users?".'},
				body: {type: 'string', minLength: 1, description: 'Context for the decision: what you found, what you want to do, what happens either way. Plain text or Markdown, up to 64 KiB.'},
				choices: {
					type: 'array',
					minItems: 2,
					maxItems: MAX_CHOICES,
					items: {type: 'string', minLength: 1, maxLength: LIMITS.choiceChars},
					description: `Options the human picks from with one key (2 to ${MAX_CHOICES} distinct short labels, not bare numbers). Omit for a free-text question.`,
				},
				recommend: {type: 'integer', minimum: 1, maximum: MAX_CHOICES, description: 'With choices: the 1-based number of the option you recommend.'},
				approval: {type: 'boolean', description: 'true: a yes/no permission question (the human approves or denies). Do not combine with choices.'},
				priority: {type: 'string', enum: [...PRIORITIES], description: 'How urgent: "urgent" if you are blocked on something risky right now, "high" if blocked, "normal" (default) otherwise, "low" if it can wait.'},
				ticket: {type: 'string', maxLength: LIMITS.ticketChars, description: 'The ticket you work on; default: the server\'s --ticket or METAWSM_TICKET.'},
				run_id: {type: 'string', maxLength: LIMITS.ticketChars, description: 'The metawsm run id; default: the server\'s --run-id or METAWSM_RUN_ID.'},
				wait_seconds: waitSeconds,
				request_id: {
					type: 'string',
					pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]*$',
					maxLength: 100,
					description: 'Your own id for this question (letters, digits, . _ : -). A retry with the same request_id returns the same thread instead of asking twice. Use a new one for a new question.',
				},
			},
			required: ['title', 'body'],
			additionalProperties: false,
		},
		annotations: {readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true},
	},
	{
		name: 'wait_for_answer',
		title: 'Wait for the answer',
		description: `Wait for the decision on a question you asked with ask_human that returned {status: "waiting"}. Returns the same shapes as ask_human: {status: "answered", decision}, {status: "closed"}, or {status: "waiting"} again — then call it again; keep looping while you have nothing else useful to do. Returns at once if the thread is already decided.`,
		inputSchema: {
			type: 'object',
			properties: {thread_id: threadId, wait_seconds: waitSeconds},
			required: ['thread_id'],
			additionalProperties: false,
		},
		annotations: {readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true},
	},
	{
		name: 'post_update',
		title: 'Add to your question',
		description: 'Add a follow-up to a thread you opened: new facts, a narrower question, or "no longer needed". A follow-up on an answered thread puts it back in front of the human; then call wait_for_answer for the new decision. Do not use it to answer your own question.',
		inputSchema: {
			type: 'object',
			properties: {
				thread_id: threadId,
				body: {type: 'string', minLength: 1, description: 'The follow-up text, up to 64 KiB.'},
			},
			required: ['thread_id', 'body'],
			additionalProperties: false,
		},
		annotations: {readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true},
	},
	{
		name: 'get_thread',
		title: 'Read a thread',
		description: 'Read one thread in full: the question, every post, the current decision (if any), its state and history. Does not wait.',
		inputSchema: {type: 'object', properties: {thread_id: threadId}, required: ['thread_id'], additionalProperties: false},
		annotations: {readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false},
	},
	{
		name: 'list_my_threads',
		title: 'List your questions',
		description: 'List the questions you (this agent) asked on a ticket, newest activity first, with their state and decision. Use it to find a thread id again, e.g. after a restart.',
		inputSchema: {
			type: 'object',
			properties: {ticket: {type: 'string', maxLength: LIMITS.ticketChars, description: 'The ticket; default: the server\'s --ticket or METAWSM_TICKET.'}},
			additionalProperties: false,
		},
		annotations: {readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false},
	},
];

/** What the server tells the client about itself: when an agent should reach for ask_human. */
export const INSTRUCTIONS = `metawsm forum: a human operator answers your questions here. Call ask_human when you need a decision you should not make alone (destructive or irreversible actions, unclear requirements, a choice the ticket does not settle, missing access); prefer choices or approval so the human answers with one key. If it returns status "waiting", call wait_for_answer with the thread_id until it is answered; never ask the same question twice.`;
