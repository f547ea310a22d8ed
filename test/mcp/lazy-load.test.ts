/**
 * The MCP SDK is parsed by `metawsm forum mcp` alone: agents' other commands (ask, wait, post)
 * must not pay for it. Checked on the built bundle and on what a real process loads.
 */
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {CLI, runProcess, tempDir} from '../helpers/cli.js';

const DIST = path.dirname(CLI);
let dir: string;
let cleanup: () => void;
let hook: string;

/** Files a chunk imports, transitively: static imports only, or dynamic `import("./x.js")` too. */
function closure(entry: string, options: {dynamic: boolean}): Set<string> {
	const seen = new Set<string>();
	const visit = (file: string) => {
		if (seen.has(file)) return;
		seen.add(file);
		const code = fs.readFileSync(path.join(DIST, file), 'utf8');
		for (const match of code.matchAll(/(?:^|[\s;}])(?:import|export)\s*(?:[^'"();]*?\sfrom\s*)?["']\.\/([^"']+\.js)["']/g)) visit(match[1]!);
		if (options.dynamic) for (const match of code.matchAll(/import\(["']\.\/([^"']+\.js)["']\)/g)) visit(match[1]!);
	};
	visit(entry);
	return seen;
}

/** The bundle's files that hold SDK code (esbuild names each bundled source in a comment). */
function sdkChunks(): string[] {
	// Reachable from the entry only: dist/ is never cleaned, so older builds' chunks may lie there.
	return [...closure('cli.js', {dynamic: true})].filter((file) => fs.readFileSync(path.join(DIST, file), 'utf8').includes('node_modules/@modelcontextprotocol/sdk/'));
}

/** Run the CLI with a loader hook that logs every file URL the process resolves. */
async function loadedFiles(args: string[], input = ''): Promise<string[]> {
	const log = path.join(dir, `loaded-${Math.random().toString(36).slice(2)}.txt`);
	const result = await runProcess(process.execPath, ['--import', pathToFileURL(hook).href, CLI, ...args], {cwd: dir, env: {LOAD_LOG: log}, input});
	expect(result.code, result.stderr).toBe(0);
	return fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').filter(Boolean).map((url) => path.basename(fileURLToPath(url))) : [];
}

beforeAll(() => {
	({dir, cleanup} = tempDir());
	const resolver = path.join(dir, 'log-resolve.mjs');
	fs.writeFileSync(resolver, `import {appendFileSync} from 'node:fs';
export async function resolve(specifier, context, next) {
	const result = await next(specifier, context);
	if (result.url.startsWith('file:') && process.env.LOAD_LOG) appendFileSync(process.env.LOAD_LOG, result.url + '\\n');
	return result;
}\n`);
	hook = path.join(dir, 'hook.mjs');
	fs.writeFileSync(hook, `import {register} from 'node:module';\nregister(${JSON.stringify(pathToFileURL(resolver).href)});\n`);
});
afterAll(() => cleanup());

describe('loading the MCP SDK', () => {
	it('the SDK is bundled into one chunk that the CLI entry does not import statically', () => {
		const chunks = sdkChunks();
		expect(chunks).toHaveLength(1);
		expect(chunks[0]).not.toBe('cli.js');
		expect([...closure('cli.js', {dynamic: false})]).not.toContain(chunks[0]);
	});

	it('`ask` does not load the SDK chunk', async () => {
		const db = path.join(dir, 'ask.db');
		const loaded = await loadedFiles(['forum', 'ask', '--db', db, '--ticket', 'T-1', '--title', 'q', '--body', 'b']);
		expect(loaded).toContain('cli.js');
		expect(loaded).not.toContain(sdkChunks()[0]);
	});

	it('`mcp` loads it', async () => {
		const loaded = await loadedFiles(['forum', 'mcp', '--db', path.join(dir, 'mcp.db')]);
		expect(loaded).toContain(sdkChunks()[0]);
	});
});
