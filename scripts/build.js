// Bundle the CLI: one ESM entry plus lazily loaded chunks (the dashboard's ink/react load only for `dash`).
import {build} from 'esbuild';
import {chmodSync} from 'node:fs';
import {readFile} from 'node:fs/promises';
import {fileURLToPath} from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
// No clean step: parallel builds (tests, helpers) must never see dist/ vanish; esbuild overwrites.

// meow's pre-bundled dependencies initialise package.json normalisation (semver, SPDX
// tables) and @babel/code-frame at import time; the CLI passes `pkg` itself and never
// needs them. Make those two lazy: it halves the cost of every agent's CLI call.
const MEOW_LAZY = [
	// An unused top-level `promisify(execFile)` would load node:child_process (and node:net) on every call.
	["import { execFile } from 'node:child_process';\n", ''],
	['promisify(execFile);\n', ''],
	['var libExports = requireLib$1();', 'var libExports = {codeFrameColumns: (...args) => requireLib$1().codeFrameColumns(...args)};'],
	[
		'var normalizeExports = requireNormalize();\nconst normalizePackageData = getDefaultExportFromCjs(normalizeExports);',
		'const normalizePackageData = (...args) => getDefaultExportFromCjs(requireNormalize())(...args);',
	],
];
const lazyMeow = {
	name: 'lazy-meow-dependencies',
	setup(builder) {
		builder.onLoad({filter: /meow[\\/]build[\\/]dependencies\.js$/}, async ({path}) => {
			let contents = await readFile(path, 'utf8');
			for (const [eager, lazy] of MEOW_LAZY) {
				if (!contents.includes(eager)) throw new Error(`lazy-meow-dependencies: "${eager.slice(0, 40)}" not found; meow changed, update scripts/build.js`);
				contents = contents.replace(eager, lazy);
			}
			return {contents, loader: 'js'};
		});
	},
};

// `import process from 'node:process'` builds an ESM facade that reads every property of
// process, stdout/stdin getters included, which loads node:stream on every call. The
// global is the same object: hand it out directly.
const processGlobal = {
	name: 'process-global',
	setup(builder) {
		builder.onResolve({filter: /^(node:)?process$/}, () => ({path: 'process', namespace: 'process-global'}));
		builder.onLoad({filter: /.*/, namespace: 'process-global'}, () => ({
			contents: 'const p = globalThis.process; export default p; export const env = p.env; export const argv = p.argv; export const platform = p.platform; export const cwd = () => p.cwd();',
			loader: 'js',
		}));
	},
};

// better-sqlite3's JavaScript is bundled (no CommonJS-from-ESM translation at startup); only
// its native addon loads from node_modules. Its `bindings` helper probes a dozen paths with
// failing require()s: try the release build's path first, fall back to `bindings` itself.
const sqliteAddon = {
	name: 'better-sqlite3-addon',
	setup(builder) {
		builder.onResolve({filter: /^bindings$/}, ({importer}) =>
			importer.includes('better-sqlite3') ? {path: 'bindings', namespace: 'better-sqlite3-addon'} : undefined,
		);
		builder.onLoad({filter: /.*/, namespace: 'better-sqlite3-addon'}, () => ({
			contents: `const release = 'better-sqlite3/build/Release/';
module.exports = (name) => {
	try {
		return require(release + name);
	} catch (error) {
		if (error.code !== 'MODULE_NOT_FOUND') throw error;
		const root = require('node:path').dirname(require.resolve('better-sqlite3/package.json'));
		return require(require.resolve('bindings', {paths: [root]}))({bindings: name, module_root: root});
	}
};`,
			loader: 'js',
		}));
	},
};

await build({
	plugins: [lazyMeow, processGlobal, sqliteAddon],
	absWorkingDir: root,
	entryPoints: {cli: 'source/bin.ts'},
	outdir: 'dist',
	bundle: true,
	splitting: true,
	format: 'esm',
	platform: 'node',
	target: 'node20',
	sourcemap: 'linked',
	alias: {'react-devtools-core': './scripts/empty-module.js'},
	define: {'process.env.NODE_ENV': '"production"', 'process.env.DEV': '"false"'},
	// Bundled CommonJS dependencies (ioredis, react) call require(); give ESM output one.
	banner: {js: "import {createRequire as __metawsmCreateRequire} from 'node:module'; const require = __metawsmCreateRequire(import.meta.url);"},
	logLevel: 'warning',
});
chmodSync(`${root}/dist/cli.js`, 0o755);
