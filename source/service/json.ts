/** The JSON shapes the CLI prints and remote clients receive. snake_case, like the events. */
import {isEscalated, type SlaRule} from '../forum/rules.js';
import type {Thread} from '../forum/types.js';
import type {ThreadDetail} from './forum-service.js';

export function threadJson(thread: Thread, now: string, sla: SlaRule) {
	return {
		thread_id: thread.id,
		ticket: thread.ticket,
		run_id: thread.runId,
		agent_name: thread.agentName,
		title: thread.title,
		body: thread.body,
		state: thread.state,
		priority: thread.priority,
		assignee_type: thread.assignee?.type ?? null,
		assignee_name: thread.assignee?.name ?? null,
		posts_count: thread.postsCount,
		created_by_type: thread.createdBy.type,
		created_by_name: thread.createdBy.name,
		created_at: thread.createdAt,
		updated_at: thread.updatedAt,
		state_since: thread.stateSince,
		last_post_at: thread.lastPostAt,
		last_post_by_type: thread.lastPostBy?.type ?? null,
		last_post_by_name: thread.lastPostBy?.name ?? null,
		escalated: isEscalated(thread, now, sla),
		escalation_requested_at: thread.escalatedAt,
		closed_at: thread.closedAt,
		last_sequence: thread.lastSequence,
	};
}

export function threadDetailJson(detail: ThreadDetail, now: string, sla: SlaRule) {
	return {
		...threadJson(detail.thread, now, sla),
		posts: detail.posts.map((post) => ({
			sequence: post.sequence,
			author_type: post.authorType,
			author_name: post.authorName,
			body: post.body,
			created_at: post.createdAt,
		})),
		assignments: detail.assignments.map((a) => ({
			sequence: a.sequence,
			from_type: a.fromType,
			from_name: a.fromName,
			to_type: a.toType,
			to_name: a.toName,
			note: a.note,
			assigned_by_type: a.assignedByType,
			assigned_by_name: a.assignedByName,
			assigned_at: a.assignedAt,
		})),
		transitions: detail.transitions.map((t) => ({
			sequence: t.sequence,
			from_state: t.fromState,
			to_state: t.toState,
			actor_type: t.actorType,
			actor_name: t.actorName,
			changed_at: t.changedAt,
		})),
	};
}
