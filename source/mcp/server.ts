/**
 * `metawsm forum mcp`: the forum's tools over MCP on stdio, built on the official SDK. Loaded
 * only by the mcp command (a dynamic import), so no other command parses the SDK.
 */
import {Server} from '@modelcontextprotocol/sdk/server/index.js';
import {StdioServerTransport} from '@modelcontextprotocol/sdk/server/stdio.js';
import {CallToolRequestSchema, ListToolsRequestSchema, type CallToolResult} from '@modelcontextprotocol/sdk/types.js';
import {AjvJsonSchemaValidator} from '@modelcontextprotocol/sdk/validation/ajv';
import type {Context} from '../cli/context.js';
import {ForumError} from '../forum/errors.js';
import {safeJson} from '../text/safe-text.js';
import {ForumTools, type ToolDefaults, type ToolResult} from './forum-tools.js';
import {INSTRUCTIONS, TOOLS, type ToolName} from './tools.js';

export interface McpServerOptions {
	version: string;
	defaults: ToolDefaults;
	stdin?: NodeJS.ReadableStream & {pause(): unknown};
	stdout?: NodeJS.WritableStream;
}

function toolResult(result: ToolResult): CallToolResult {
	if (!result.ok) return {isError: true, content: [{type: 'text', text: result.message}]};
	return {content: [{type: 'text', text: `${result.summary}\n\n${safeJson(result.data, 2)}`}], structuredContent: result.data};
}

/** Serve until the client closes stdin or the command is interrupted; resolves to the exit code. */
export async function runMcpServer(context: Context, options: McpServerOptions): Promise<number> {
	const tools = new ForumTools(() => context.openForum(), options.defaults, context.env);
	const validators = new Map(TOOLS.map((tool) => [tool.name, new AjvJsonSchemaValidator().getValidator(tool.inputSchema)]));
	const server = new Server({name: 'metawsm-forum', title: 'metawsm forum', version: options.version}, {capabilities: {tools: {}}, instructions: INSTRUCTIONS});

	server.setRequestHandler(ListToolsRequestSchema, async () => ({
		tools: TOOLS.map(({name, title, description, inputSchema, annotations}) => ({name, title, description, inputSchema, annotations})),
	}));

	server.setRequestHandler(CallToolRequestSchema, async (request, extra): Promise<CallToolResult> => {
		const {name, arguments: args = {}} = request.params;
		const validate = validators.get(name as ToolName);
		if (!validate) return toolResult({ok: false, message: `unknown tool "${name.slice(0, 40)}"; tools: ${TOOLS.map((tool) => tool.name).join(', ')}`});
		const checked = validate(args);
		if (!checked.valid) return toolResult({ok: false, message: `invalid arguments for ${name}: ${checked.errorMessage.replace(/\bdata\//g, '').replace(/\bdata\b/g, 'arguments')}`});
		const token = extra._meta?.progressToken;
		const progress =
			token === undefined
				? undefined
				: (elapsed: number, total: number, message: string) =>
						void extra.sendNotification({method: 'notifications/progress', params: {progressToken: token, progress: elapsed, total, message}}).catch(() => undefined);
		const signal = AbortSignal.any([extra.signal, context.signal]);
		try {
			return toolResult(await tools.call(name as ToolName, args, {signal, progress}));
		} catch (error) {
			// Failures (no database, Redis unreachable) are the CLI's one-line messages, as tool errors.
			return toolResult({ok: false, message: error instanceof ForumError ? error.message : `internal error: ${(error as Error)?.message ?? String(error)}`});
		}
	});

	const stdin = options.stdin ?? process.stdin;
	const transport = new StdioServerTransport(stdin as never, (options.stdout ?? process.stdout) as never);
	const closed = new Promise<void>((resolve) => {
		transport.onclose = () => resolve();
		stdin.once('end', () => resolve());
		stdin.once('close', () => resolve());
		context.signal.addEventListener('abort', () => resolve(), {once: true});
	});
	await server.connect(transport);
	try {
		await closed;
	} finally {
		await server.close().catch(() => undefined);
		await tools.close();
	}
	return 0;
}
