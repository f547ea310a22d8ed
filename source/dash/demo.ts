/**
 * `dash --demo`: seed a database from fixtures/demo and keep a few simulated agents
 * asking, following up and nudging, so a newcomer sees a live queue at once. Every
 * write goes through dispatch.
 */
import demoData from '../../fixtures/demo/forum.json' with {type: 'json'};
import {ACTOR_TYPES, type Actor, type ActorType, type Priority, type Question, type ThreadState} from '../forum/types.js';
import type {ForumClient} from '../service/client.js';
import type {CommandInput} from '../service/forum-service.js';
import {ForumService} from '../service/forum-service.js';
import type {Policy} from '../policy/policy.js';

interface DemoStep {
	minutesAgo: number;
	type: 'post' | 'answer' | 'state' | 'assign' | 'priority' | 'close';
	/** `agent` (the thread's agent) or `type:name`. */
	by: string;
	body?: string;
	state?: string;
	assignee?: string;
	priority?: string;
}

interface DemoThread {
	ticket: string;
	agent: string;
	priority: string;
	minutesAgo: number;
	title: string;
	body: string;
	/** Options of a choice question (2–9), or an approval question; free text when neither. */
	choices?: string[];
	recommend?: number;
	approval?: boolean;
	steps: DemoStep[];
}

interface DemoAsk {
	ticket: string;
	agent: string;
	priority: string;
	title: string;
	body: string;
	choices?: string[];
	recommend?: number;
	approval?: boolean;
}

export interface DemoData {
	operator: string;
	threads: DemoThread[];
	simulation: {asks: DemoAsk[]; followUps: string[]; nudges: string[]; answers: string[]};
}

export const DEMO: DemoData = demoData as DemoData;

function actorOf(by: string, agent: string): Actor {
	if (by === 'agent') return {type: 'agent', name: agent};
	const [type, ...name] = by.split(':');
	if (!ACTOR_TYPES.includes(type as ActorType) || name.length === 0) throw new Error(`demo fixture: bad actor "${by}"`);
	return {type: type as ActorType, name: name.join(':')};
}

/**
 * Write the demo threads into the database at `file`, back-dated so the queue has real
 * waiting times. Uses a ForumService with a moving clock; dispatch is still the only writer.
 */
export function seedDemo(file: string, policy: Policy, data: DemoData = DEMO, nowMs = Date.now()): number {
	let clock = nowMs;
	const service = new ForumService({db: file, policy, clock: () => new Date(clock)});
	try {
		const ids: string[] = [];
		const plan: {at: number; order: number; run: () => void}[] = [];
		data.threads.forEach((thread, index) => {
			plan.push({
				at: nowMs - thread.minutesAgo * 60_000,
				order: 0,
				run: () => {
					const result = service.dispatch({
						type: 'ask',
						ticket: thread.ticket,
						agentName: thread.agent,
						title: thread.title,
						body: thread.body,
						priority: thread.priority as Priority,
						question: questionOf(thread),
						actor: {type: 'agent', name: thread.agent},
					});
					if (!result.ok) throw new Error(`demo fixture: ${result.rejection.message}`);
					ids[index] = result.threadId;
				},
			});
			thread.steps.forEach((step, order) => {
				plan.push({
					at: nowMs - step.minutesAgo * 60_000,
					order: order + 1,
					run: () => {
						const result = service.dispatch(stepCommand(step, ids[index]!, thread.agent));
						if (!result.ok) throw new Error(`demo fixture (${thread.ticket}): ${result.rejection.message}`);
					},
				});
			});
		});
		plan.sort((a, b) => a.at - b.at || a.order - b.order);
		for (const item of plan) {
			clock = item.at;
			item.run();
		}
		return data.threads.length;
	} finally {
		service.close();
	}
}

function questionOf(thread: Pick<DemoThread, 'choices' | 'recommend' | 'approval'>): Question {
	if (thread.approval) return {kind: 'approval'};
	if (thread.choices) return {kind: 'choice', choices: thread.choices, recommended: thread.recommend ?? null};
	return {kind: 'text'};
}

function stepCommand(step: DemoStep, threadId: string, agent: string): CommandInput {
	const actor = actorOf(step.by, agent);
	switch (step.type) {
		case 'post':
			return {type: 'post', threadId, body: step.body ?? '', actor};
		case 'answer':
			return {type: 'answer', threadId, body: step.body ?? '', actor};
		case 'state':
			return {type: 'change_state', threadId, state: step.state as ThreadState, actor};
		case 'assign':
			return {type: 'assign', threadId, assignee: actorOf(step.assignee ?? 'agent', agent), note: '', actor};
		case 'priority':
			return {type: 'change_priority', threadId, priority: step.priority as Priority, actor};
		case 'close':
			return {type: 'close', threadId, actor};
	}
}

export interface SimulationOptions {
	/** Delay before the first move, ms. Default 700. */
	firstMs?: number;
	/** Range between moves, ms. Default 1500..3500. */
	minMs?: number;
	maxMs?: number;
	random?: () => number;
	onError?: (error: unknown) => void;
}

/** Simulated agents (and a second operator, "lead") acting every few seconds; returns stop. */
export function startSimulation(client: ForumClient, data: DemoData = DEMO, options: SimulationOptions = {}): () => void {
	const random = options.random ?? Math.random;
	const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
	let askIndex = 0;
	let stopped = false;
	let timer: NodeJS.Timeout | undefined;
	const lead: Actor = {type: 'operator', name: 'lead'};

	const move = async () => {
		const threads = await client.listThreads();
		const open = threads.filter((t) => t.state !== 'closed');
		const waiting = open.filter((t) => t.state === 'new' || t.state === 'waiting_human');
		const answered = open.filter((t) => t.state === 'answered');
		const moves: {weight: number; run: () => CommandInput | undefined}[] = [
			{
				weight: open.length < 12 ? 6 : open.length > 30 ? 0 : 3,
				run: () => {
					const ask = data.simulation.asks[askIndex++ % data.simulation.asks.length]!;
					return {type: 'ask', ticket: ask.ticket, agentName: ask.agent, title: ask.title, body: ask.body, priority: ask.priority as Priority, question: questionOf(ask), actor: {type: 'agent', name: ask.agent}};
				},
			},
			{
				weight: answered.length > 0 ? 2 : 0,
				run: () => {
					const thread = pick(answered);
					return {type: 'post', threadId: thread.id, body: pick(data.simulation.followUps), actor: {type: 'agent', name: thread.agentName}};
				},
			},
			{
				weight: waiting.length > 0 ? 2 : 0,
				run: () => {
					const thread = pick(waiting);
					return {type: 'post', threadId: thread.id, body: pick(data.simulation.nudges), actor: {type: 'agent', name: thread.agentName}};
				},
			},
			{
				weight: waiting.length > 6 ? 3 : waiting.length > 0 ? 1 : 0,
				run: () => {
					// The lead takes the longest-waiting thread.
					const thread = [...waiting].sort((a, b) => (a.waitingSince < b.waitingSince ? -1 : 1))[0]!;
					// The lead answers each kind of question the way it asks to be answered.
					if (thread.question.kind === 'choice') {
						const choice = thread.question.recommended ?? 1 + Math.floor(random() * thread.question.choices.length);
						return {type: 'answer', threadId: thread.id, body: '', choice, actor: lead};
					}
					if (thread.question.kind === 'approval') {
						const approved = random() >= 0.3;
						return {type: 'answer', threadId: thread.id, body: approved ? '' : 'Not this week.', approved, actor: lead};
					}
					return {type: 'answer', threadId: thread.id, body: pick(data.simulation.answers), actor: lead};
				},
			},
			{
				weight: answered.length > 3 ? 2 : 0,
				run: () => {
					const thread = pick(answered);
					return {type: 'close', threadId: thread.id, actor: {type: 'agent', name: thread.agentName}};
				},
			},
		];
		const total = moves.reduce((sum, m) => sum + m.weight, 0);
		if (total === 0) return;
		let roll = random() * total;
		const chosen = moves.find((m) => (roll -= m.weight) < 0) ?? moves[0]!;
		const command = chosen.run();
		if (command) await client.dispatch(command);
	};

	const schedule = (ms: number) => {
		timer = setTimeout(() => {
			move()
				.catch((error: unknown) => options.onError?.(error))
				.finally(() => {
					if (!stopped) schedule((options.minMs ?? 1500) + random() * ((options.maxMs ?? 3500) - (options.minMs ?? 1500)));
				});
		}, ms);
	};
	schedule(options.firstMs ?? 700);
	return () => {
		stopped = true;
		if (timer) clearTimeout(timer);
	};
}
