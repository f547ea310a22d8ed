/**
 * The JSON types of a command that arrived from outside (the Redis commands stream): every
 * field of the right type, no unknown fields. Pure. The rules (checkCommand) then judge values.
 */

type Kind = 'string' | 'string?' | 'nullable string?' | 'integer' | 'integer?' | 'boolean?' | 'number or string?' | 'actor' | 'question?' | 'object?';

const COMMON: Record<string, Kind> = {type: 'string', commandId: 'string', actor: 'actor', ifVersion: 'integer?'};

const FIELDS: Record<string, Record<string, Kind>> = {
	ask: {threadId: 'string?', ticket: 'string', runId: 'nullable string?', agentName: 'string', title: 'string', body: 'string', priority: 'string', question: 'question?', agentPane: 'object?'},
	post: {threadId: 'string', body: 'string'},
	answer: {threadId: 'string', body: 'string', choice: 'number or string?', approved: 'boolean?', amend: 'boolean?', context: 'object?', reuses: 'object?'},
	assign: {threadId: 'string', assignee: 'actor', note: 'string'},
	change_state: {threadId: 'string', state: 'string'},
	change_priority: {threadId: 'string', priority: 'string'},
	close: {threadId: 'string'},
	request_escalation: {threadId: 'string', waitedMinutes: 'integer'},
	snooze: {threadId: 'string', until: 'nullable string?', note: 'string'},
};

export const COMMAND_TYPES: readonly string[] = Object.keys(FIELDS);

function describe(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'an array';
	return typeof value === 'object' ? 'an object' : typeof value;
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fieldProblem(name: string, kind: Kind, value: unknown): string | undefined {
	const optional = kind.endsWith('?');
	if (value === undefined) return optional ? undefined : `${name} is missing`;
	switch (kind) {
		case 'string':
		case 'string?':
			return typeof value === 'string' ? undefined : `${name} must be text, got ${describe(value)}`;
		case 'nullable string?':
			return value === null || typeof value === 'string' ? undefined : `${name} must be text or null, got ${describe(value)}`;
		case 'integer':
		case 'integer?':
			return Number.isSafeInteger(value) ? undefined : `${name} must be a whole number, got ${describe(value)}`;
		case 'boolean?':
			return typeof value === 'boolean' ? undefined : `${name} must be true or false, got ${describe(value)}`;
		case 'number or string?':
			return typeof value === 'string' || Number.isSafeInteger(value) ? undefined : `${name} must be a number or a label, got ${describe(value)}`;
		case 'object?':
			return isObject(value) ? undefined : `${name} must be an object, got ${describe(value)}`;
		case 'actor':
			if (!isObject(value)) return `${name} must be an object {type, name}, got ${describe(value)}`;
			if (Object.keys(value).some((key) => key !== 'type' && key !== 'name')) return `${name} has fields other than type and name`;
			return typeof value['type'] === 'string' && typeof value['name'] === 'string' ? undefined : `${name}.type and ${name}.name must be text`;
		case 'question?': {
			if (!isObject(value)) return `${name} must be an object, got ${describe(value)}`;
			if (Object.keys(value).some((key) => key !== 'kind' && key !== 'choices' && key !== 'recommended')) return `${name} has fields other than kind, choices and recommended`;
			if (typeof value['kind'] !== 'string') return `${name}.kind must be text`;
			const choices = value['choices'];
			if (choices !== undefined && !(Array.isArray(choices) && choices.length <= 9 && choices.every((choice) => typeof choice === 'string'))) return `${name}.choices must be at most 9 texts`;
			const recommended = value['recommended'];
			if (recommended !== undefined && recommended !== null && !Number.isSafeInteger(recommended)) return `${name}.recommended must be a whole number or null`;
			return undefined;
		}
	}
}

/** Why `value` cannot be a command (wrong JSON types, unknown fields), or undefined when its types fit. */
export function commandShapeProblem(value: unknown): string | undefined {
	if (!isObject(value)) return `the command is ${describe(value)}, not a JSON object`;
	const type = value['type'];
	if (typeof type !== 'string' || !Object.hasOwn(FIELDS, type)) return `unknown command type ${JSON.stringify(type)?.slice(0, 40) ?? 'undefined'}`;
	const fields = {...COMMON, ...FIELDS[type]!};
	for (const name of Object.keys(value)) {
		if (!Object.hasOwn(fields, name)) return `unknown field ${JSON.stringify(name.slice(0, 40))} in a ${type} command`;
	}
	for (const [name, kind] of Object.entries(fields)) {
		const problem = fieldProblem(name, kind, value[name]);
		if (problem) return problem;
	}
	return undefined;
}
